"""/end: close a mentorship with a reason and one short feedback question.

```mermaid
stateDiagram-v2
    [*] --> pair: /end (with several mentorships)
    [*] --> reason: /end (one mentorship)
    pair --> reason: a partner
    reason --> [*]: keep the mentorship
    reason --> feedback: a closing reason
    feedback --> ended: 1 to 5, or skip
    ended --> [*]: pair ended, partner told, rating stored (SafetyCommands.complete)
```
The flow only collects answers. `ended` thanks the person; in the same turn the dispatcher's
safety hook (`bot.handlers.safety.SafetyCommands.complete`) ends the pair, tells the partner,
stores the feedback as a `RelationshipRating` and ends the flow.

Flow data: `pairs`, `pair` (as in `flows.report`), `reason`, `rating` (0 when skipped). State ids
(`ending.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State
from bot.messages.reasons import END_REASONS as REASONS
from flows.choices import rows
from flows.report import ChoosePair, partner_name

NAME = "ending"
PAIR = "ending.pair"
REASON = "ending.reason"
FEEDBACK = "ending.feedback"
ENDED = "ending.ended"

KEEP = "_keep"
SKIP = "_skip"


class PairState(ChoosePair):
    id = PAIR
    next_id = REASON

    def question(self, ctx: Context) -> str:
        return ctx.t._("Which mentorship would you like to end?")


class ReasonState(State):
    id = REASON

    def prompt(self, ctx: Context) -> Prompt:
        choices = [Choice(value, ctx.t._(label)) for value, label in REASONS.items()]
        return Prompt(
            ctx.t._(
                "Why would you like to end your mentorship with {name}?",
                name=partner_name(ctx.data),
            ),
            rows([*choices, Choice(KEEP, ctx.t._("Keep the mentorship"))], per_row=1),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == KEEP:
            return Outcome.done(ctx.t._("Good: nothing has changed."))
        return Outcome.go(FEEDBACK, data={**ctx.data, "reason": value})


class FeedbackState(State):
    id = FEEDBACK

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "One last question: how helpful was this mentorship for you? "
                "(1 = not at all, 5 = very helpful)"
            ),
            (
                tuple(Choice(str(n), str(n)) for n in range(1, 6)),
                (Choice(SKIP, ctx.t._("Skip")),),
            ),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        rating = int(value) if value.isdigit() else 0
        return Outcome.go(ENDED, data={**ctx.data, "rating": rating})


class EndedState(State):
    """Completed by the safety hook in the same turn; never waits for an answer."""

    id = ENDED

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "Your mentorship with {name} has ended. Thank you for the time and care you "
                "gave to it.",
                name=partner_name(ctx.data),
            )
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return Outcome.done()


FLOW = Flow(
    NAME,
    PAIR,
    {s.id: s for s in (PairState(), ReasonState(), FeedbackState(), EndedState())},
)
