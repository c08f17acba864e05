"""Reusable state shapes: pick one of several buttons, or tick several and press Done.

```mermaid
stateDiagram-v2
    [*] --> question: a MultiSelect state entered (ticks kept in the flow data under its key)
    question --> question: an option ticked or unticked (redrawn in place)
    question --> question: Done with too few ticked (a notice on the button)
    question --> question: typed text that is no option (asked again)
    question --> after: Done (or "done" typed), enough ticked
```
A state of this shape waits for buttons; a person with no pair may type an option's label or
"done" instead. `rows` lays any state's buttons out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.flow import Choice, Context, Outcome, Prompt, State

DONE = "_done"


def rows(choices: Sequence[Choice], per_row: int = 2) -> tuple[tuple[Choice, ...], ...]:
    """Lay choices out in rows of `per_row`."""
    return tuple(tuple(choices[i : i + per_row]) for i in range(0, len(choices), per_row))


class MultiSelect(State):
    """Tick any number of options (at least `minimum(ctx)`), then press Done. The ticks live in
    the flow data under the state's `key`, so they survive a restart mid-question."""

    key: str = ""

    def question(self, ctx: Context) -> str:
        """The question text."""
        raise NotImplementedError

    def options(self, ctx: Context) -> Sequence[Choice]:
        """Every option, in display order."""
        raise NotImplementedError

    def minimum(self, ctx: Context) -> int:
        """How many options must be ticked."""
        return 1

    def after(self, ctx: Context) -> str:
        """The next state once Done is pressed."""
        raise NotImplementedError

    def initial(self, ctx: Context) -> list[str]:
        """What is ticked before the person touches anything."""
        return []

    def selected(self, ctx: Context) -> list[str]:
        """The options ticked so far."""
        stored = ctx.data.get(self.key)
        return list(stored) if isinstance(stored, list) else self.initial(ctx)

    def prompt(self, ctx: Context) -> Prompt:
        chosen = set(self.selected(ctx))
        choices = [
            Choice(c.value, f"✓ {c.label}" if c.value in chosen else c.label)
            for c in self.options(ctx)
        ]
        done = Choice(DONE, ctx.t._("Done ✔"))
        return Prompt(self.question(ctx), (*rows(choices), (done,)))

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        chosen = self.selected(ctx)
        if value == DONE:
            if len(chosen) < self.minimum(ctx):
                return Outcome.redraw(toast=ctx.t._("Please choose at least one option."))
            labels = [c.label for c in self.options(ctx) if c.value in chosen]
            return Outcome.go(
                self.after(ctx),
                data={**ctx.data, self.key: chosen},
                chosen=", ".join(labels) or ctx.t._("None"),
            )
        chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        return Outcome.redraw(data={**ctx.data, self.key: chosen})

    def on_text(self, ctx: Context, text: str) -> Outcome:
        wanted = text.strip().casefold()
        if wanted in ("done", "fatto", ctx.t._("Done").casefold()):
            return self.on_choice(ctx, DONE)
        for choice in self.options(ctx):
            if choice.label.casefold() == wanted:
                return self.on_choice(ctx, choice.value)
        return Outcome.again(ctx.t._("Please tap the options that fit, then tap Done."))
