"""A staff member turning down a mentor from `/pending` or a case file, with a reason of their
own: the reason, typed (the common reasons are buttons, see `bot.handlers.staff.people`).

```mermaid
stateDiagram-v2
    [*] --> reason: "Type a reason" pressed (bot/handlers/staff/people.py)
    reason --> reason: empty or too long (hint)
    reason --> ready: a reason typed
    ready --> [*]: rejected (or refused) by the staff router's hook, in the same turn
```
The conversation is `flows.typed_reason`'s. Rejecting (the organisation check, the audit log,
telling the mentor) is done by `bot.handlers.staff.people.reject_answer`, authorised again when the
reason arrives. State ids (`rejectreason.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

from bot.i18n import Translator
from flows.typed_reason import TypedReason

__all__ = ["FLOW", "NAME", "READY", "REASON", "begin", "question"]


def question(t: Translator, name: str) -> str:
    """What the staff member is asked (it says that a typed answer is expected)."""
    return t._(
        "Why can't {name} be approved? Please type the reason in a message: they will read it, "
        "so write it kindly. /cancel stops.",
        name=name,
    )


_REASON = TypedReason("rejectreason", question)
NAME, REASON, READY, FLOW, begin = (
    _REASON.name,
    _REASON.reason,
    _REASON.ready,
    _REASON.flow,
    _REASON.begin,
)
