"""A staff member's reason, typed: the one conversation behind lifting an age lock
(`flows.age_lift`) and turning a mentor down in their own words (`flows.reject_reason`).

```mermaid
stateDiagram-v2
    [*] --> reason: a button that asks for a reason (the staff handler starts it)
    reason --> reason: empty or too long (hint)
    reason --> ready: a reason typed
    ready --> [*]: done (or refused) by the staff router's hook, in the same turn
```
The flow only asks; what the reason is for is done by the command's `answer` hook in the
registry, authorised again when the reason arrives. State ids (`<name>.reason`,
`<name>.ready`) are stored in the database: never rename one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.flow import Context, Flow, Outcome, Prompt, State
from bot.core.models import FlowState
from bot.i18n import Translator

MAX_REASON = 500

Question = Callable[[Translator, str], str]
"""What the staff member is asked, for the person staff read as `name` (it must say that a
typed answer is expected)."""


class ReasonState(State):
    takes_text = True  # a paired staff member's reason is never relayed to their partner

    def __init__(self, state_id: str, ready: str, question: Question) -> None:
        self.id = state_id
        self.ready = ready
        self.question = question

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(self.question(ctx.t, str(ctx.data.get("name", ""))))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        reason = " ".join(text.split())
        if len(reason) < 3:
            return Outcome.hint(ctx.t._("Please type the reason in a few words."))
        if len(reason) > MAX_REASON:
            return Outcome.hint(
                ctx.t.n_(
                    "Please write up to {n} character.",
                    "Please write up to {n} characters.",
                    MAX_REASON,
                )
            )
        return Outcome.go(self.ready, data={**ctx.data, "reason": reason})


class ReadyState(State):
    """Completed by the staff router in the same turn; says nothing and waits for nothing."""

    def __init__(self, state_id: str) -> None:
        self.id = state_id

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt("")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return Outcome.done()


class TypedReason:
    """One such conversation: its name, its two states' ids, its question and its `Flow`."""

    def __init__(self, name: str, question: Question) -> None:
        self.name = name
        self.reason = f"{name}.reason"
        self.ready = f"{name}.ready"
        self.question = question
        states = (ReasonState(self.reason, self.ready, question), ReadyState(self.ready))
        self.flow = Flow(name, self.reason, {s.id: s for s in states})

    def begin(self, user_id: int, person_id: int, name: str, now: datetime) -> FlowState:
        """The flow waiting for the reason about `person_id` (`name`: how staff read them)."""
        return FlowState(
            user_id=user_id,
            flow=self.name,
            state=self.reason,
            data={"person": person_id, "name": name},
            updated_at=now,
        )
