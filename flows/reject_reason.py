"""A staff member turning down a mentor from `/pending` or a case file, with a reason of their
own: the reason, typed (the common reasons are buttons, see `bot.handlers.staff.people`).

```mermaid
stateDiagram-v2
    [*] --> reason: "Type a reason" pressed (bot/handlers/staff/people.py)
    reason --> reason: empty or too long (hint)
    reason --> ready: a reason typed
    ready --> [*]: rejected (or refused) by the staff router's hook, in the same turn
```
This flow only asks; rejecting (the organisation check, the audit log, telling the mentor) is
done by `bot.handlers.staff.people.reject_answer`, authorised again when the reason arrives.
State ids (`rejectreason.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.flow import Context, Flow, Outcome, Prompt, State
from bot.core.models import FlowState
from bot.i18n import Translator

NAME = "rejectreason"
REASON = "rejectreason.reason"
READY = "rejectreason.ready"
MAX_REASON = 500


def question(t: Translator, name: str) -> str:
    """What the staff member is asked (it says that a typed answer is expected)."""
    return t._(
        "Why can't {name} be approved? Please type the reason in a message: they will read it, "
        "so write it kindly. /cancel stops.",
        name=name,
    )


def begin(user_id: int, person_id: int, name: str, now: datetime) -> FlowState:
    """The flow waiting for the reason to turn `person_id` down (`name`: how staff read it)."""
    return FlowState(
        user_id=user_id,
        flow=NAME,
        state=REASON,
        data={"person": person_id, "name": name},
        updated_at=now,
    )


class ReasonState(State):
    id = REASON
    takes_text = True  # a paired staff member's reason is never relayed to their partner

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(question(ctx.t, str(ctx.data.get("name", ""))))

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
        return Outcome.go(READY, data={**ctx.data, "reason": reason})


class ReadyState(State):
    """Completed by the staff router in the same turn; says nothing and waits for nothing."""

    id = READY

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt("")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return Outcome.done()


FLOW = Flow(NAME, REASON, {s.id: s for s in (ReasonState(), ReadyState())})
