"""A free-text check-in answer: the person tapped "Answer" under a step; their next message is
the answer.

```mermaid
stateDiagram-v2
    [*] --> answer: tap ✍️ Answer
    answer --> answer: empty or too long (hint)
    answer --> [*]: text (stored)
```
"""

from __future__ import annotations

from bot.core.flow import Context, Flow, Outcome, Prompt, State
from bot.core.models import CheckinAnswer

NAME = "checkin"
ANSWER = "checkin.answer"
MAX_ANSWER = 2000


class AnswerState(State):
    id = ANSWER
    takes_text = True

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            ctx.t._(
                "<b>Check-in:</b> {question}\nType your answer and send it (or /cancel).",
                question=ctx.data.get("question", ""),
            )
        )

    def on_text(self, ctx: Context, text: str) -> Outcome:
        answer = text.strip()
        if not answer or len(answer) > MAX_ANSWER:
            return Outcome.hint(
                ctx.t.n_(
                    "Please write an answer of up to {n} character.",
                    "Please write an answer of up to {n} characters.",
                    MAX_ANSWER,
                )
            )
        record = CheckinAnswer(
            scheduled_step_id=int(ctx.data["row"]),
            pair_id=int(ctx.data["pair"]),
            person_id=ctx.person.id,
            step_id=str(ctx.data["step"]),
            answer=answer,
            answered_at=ctx.now,
        )
        return Outcome.done(ctx.t._("Thank you, your answer is saved."), writes=(record,))


FLOW = Flow(NAME, ANSWER, {ANSWER: AnswerState()})
