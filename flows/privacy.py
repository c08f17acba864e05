"""/forgetme: confirm, then erase everything kept about the person.

```mermaid
stateDiagram-v2
    [*] --> confirm: /forgetme
    confirm --> confirm: typed text (only the buttons erase)
    confirm --> [*]: keep my data
    confirm --> erased: yes, erase
    erased --> [*]: pairs ended, partners told, data erased (PrivacyCommands.complete)
```
The flow only asks. Its buttons carry the engine's per-prompt token, so a press on an old
confirmation, or a made-up one, is answered as no longer active and erases nothing. `erased`
says goodbye; in the same turn the dispatcher's privacy hook
(`bot.handlers.privacy.PrivacyCommands.complete`) does the erasure and ends the flow, so it is
never left half-done.

Flow data: `pairs` (how many mentorships will end). State ids
(`forget.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State

NAME = "forget"
CONFIRM = "forget.confirm"
ERASED = "forget.erased"

ERASE = "erase"
KEEP = "keep"


class ConfirmState(State):
    id = CONFIRM

    def prompt(self, ctx: Context) -> Prompt:
        t = ctx.t
        lines = [
            t._(
                "<b>Erase your data?</b>\n"
                "This deletes your profile and answers, your progress, check-ins and training, "
                "your requests for a mentor and the records of your relayed messages. It cannot "
                "be undone."
            )
        ]
        pairs = int(ctx.data.get("pairs", 0))
        if pairs:
            lines.append(
                t.n_(
                    "Your mentorship ends now. Your partner will only be told that it has ended.",
                    "Your {count} mentorships end now. Your partners will only be told that they "
                    "have ended.",
                    pairs,
                    count=pairs,
                )
            )
        lines.append(
            t._(
                "If you are named in a safeguarding report that is still open, the program team "
                "keeps that report (and only it) until it is resolved, then for a limited time. "
                "If you write to me again later, you will start afresh."
            )
        )
        # a buttons-only question: what a matched person types goes to their partner
        lines.append(t._("To erase your data, please use the buttons below (or /cancel)."))
        return Prompt(
            "\n\n".join(lines),
            (
                (Choice(ERASE, t._("Yes, erase my data")),),
                (Choice(KEEP, t._("No, keep my data")),),
            ),
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return Outcome.again(
            ctx.t._("To erase your data, please use the buttons below (or /cancel).")
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == KEEP:
            return Outcome.done(ctx.t._("Nothing has been erased."))
        return Outcome.go(ERASED)


class ErasedState(State):
    """Completed by the privacy hook in the same turn; never waits for an answer."""

    id = ERASED

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "Done: everything we kept about you has been erased. Thank you for taking part. "
                "If you ever write to me again, you will start afresh."
            )
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return Outcome.done()


FLOW = Flow(NAME, CONFIRM, {s.id: s for s in (ConfirmState(), ErasedState())})
