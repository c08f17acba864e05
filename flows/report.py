"""/report: tell the program team about a problem, optionally pausing the mentorship meanwhile.

```mermaid
stateDiagram-v2
    [*] --> pair: /report (with several mentorships)
    [*] --> reason: /report (one mentorship, or none)
    pair --> reason: a partner, or "something else"
    reason --> [*]: cancel
    reason --> details: a reason
    details --> details: too long (hint)
    details --> pause: text, or skip
    details --> submitted: text, or skip (no mentorship)
    pause --> submitted: yes / no
    submitted --> [*]: stored, staff alerted, paused (SafetyCommands.complete)
```
The flow only collects answers. `submitted` thanks the person; in the same turn the dispatcher's
safety hook (`bot.handlers.safety.SafetyCommands.complete`) stores the report, alerts staff,
pauses the pair if asked and ends the flow, so a report is never left half-done.

Flow data: `pairs` ([pair id, partner name] of each mentorship that has not ended), `pair` (the
chosen pair id, 0 for none), `reason`, `text`, `pause`. State ids (`report.*`) are stored in the
database: never rename one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State
from bot.messages.reasons import REPORT_REASONS as REASONS
from flows.choices import rows

NAME = "report"
PAIR = "report.pair"
REASON = "report.reason"
DETAILS = "report.details"
PAUSE = "report.pause"
SUBMITTED = "report.submitted"

MAX_TEXT = 2000
CANCEL = "_cancel"
SKIP = "_skip"
NO_PAIR = 0


def pair_options(data: Mapping[str, Any]) -> list[tuple[int, str]]:
    """The mentorships offered when the flow started: (pair id, partner's name)."""
    return [(int(pair_id), str(name)) for pair_id, name in data.get("pairs", [])]


def partner_name(data: Mapping[str, Any]) -> str:
    """The name of the partner in the chosen pair ("" when none)."""
    chosen = int(data.get("pair", NO_PAIR))
    return next((name for pair_id, name in pair_options(data) if pair_id == chosen), "")


class ChoosePair(State):
    """Which mentorship: asked only when the person has several (skipped when `pair` is set)."""

    next_id: str = ""
    allow_none: bool = False

    def question(self, ctx: Context) -> str:
        raise NotImplementedError

    def prompt(self, ctx: Context) -> Prompt:
        choices = [Choice(str(pair_id), name) for pair_id, name in pair_options(ctx.data)]
        if self.allow_none:
            choices.append(Choice(str(NO_PAIR), ctx.t._("Something else")))
        return Prompt(self.question(ctx), rows(choices, per_row=1))

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return Outcome.go(self.next_id, data={**ctx.data, "pair": int(value)})

    def skip(self, ctx: Context) -> bool:
        return "pair" in ctx.data

    def next_state(self, ctx: Context) -> str:
        return self.next_id


class PairState(ChoosePair):
    id = PAIR
    next_id = REASON
    allow_none = True

    def question(self, ctx: Context) -> str:
        return ctx.t._("Which mentorship is this about?")


class ReasonState(State):
    id = REASON

    def prompt(self, ctx: Context) -> Prompt:
        choices = [Choice(value, ctx.t._(label)) for value, label in REASONS.items()]
        return Prompt(
            ctx.t._(
                "What would you like to tell the program team about? Only they will see your "
                "report."
            ),
            rows([*choices, Choice(CANCEL, ctx.t._("Cancel"))], per_row=1),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == CANCEL:
            return Outcome.done(ctx.t._("Nothing was sent. You can use /report at any time."))
        return Outcome.go(DETAILS, data={**ctx.data, "reason": value})


class DetailsState(State):
    id = DETAILS
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "If you like, type what happened in your own words and send it as one message. "
                "Or tap Skip."
            ),
            ((Choice(SKIP, ctx.t._("Skip")),),),
        )

    def _next(self, ctx: Context, text: str) -> Outcome:
        after = PAUSE if int(ctx.data.get("pair", NO_PAIR)) else SUBMITTED
        return Outcome.go(after, data={**ctx.data, "text": text})

    def on_text(self, ctx: Context, text: str) -> Outcome:
        answer = text.strip()
        if len(answer) > MAX_TEXT:
            return Outcome.hint(
                ctx.t.n_(
                    "Please write up to {n} character.",
                    "Please write up to {n} characters.",
                    MAX_TEXT,
                )
            )
        if not answer or answer.casefold() in ("skip", ctx.t._("Skip").casefold()):
            return self._next(ctx, "")
        return self._next(ctx, answer)

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return self._next(ctx, "")


class PauseState(State):
    id = PAUSE

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "Pause the mentorship with {name} while the program team looks into it? "
                "They will only be told that the mentorship is paused.",
                name=partner_name(ctx.data),
            ),
            (
                (
                    Choice("yes", ctx.t._("Yes, pause it")),
                    Choice("no", ctx.t._("No, keep it going")),
                ),
            ),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        return Outcome.go(SUBMITTED, data={**ctx.data, "pause": value == "yes"})


class SubmittedState(State):
    """Completed by the safety hook in the same turn; never waits for an answer."""

    id = SUBMITTED

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "Thank you for telling us. Your report has gone to the program team, who will "
                "look into it. If you are ever in danger, call 112 or your local emergency "
                "number."
            )
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return Outcome.done()


FLOW = Flow(
    NAME,
    PAIR,
    {
        s.id: s
        for s in (PairState(), ReasonState(), DetailsState(), PauseState(), SubmittedState())
    },
)
