"""A staff member lifting an age lock from `/locked`'s button: the reason, typed.

```mermaid
stateDiagram-v2
    [*] --> reason: "Lift lock" pressed (bot/handlers/staff/locks.py)
    reason --> reason: empty or too long (hint)
    reason --> ready: a reason typed
    ready --> [*]: lifted (or refused) by the staff router's hook, in the same turn
```
The conversation is `flows.typed_reason`'s. Lifting (the organisation check, the audit log, telling
the person) is done by `bot.handlers.staff.locks.lift_answer`, authorised again when the reason
arrives. State ids (`agelift.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

from bot.i18n import Translator
from flows.typed_reason import TypedReason

__all__ = ["FLOW", "NAME", "READY", "REASON", "begin", "question"]


def question(t: Translator, name: str) -> str:
    """What the staff member is asked (it says that a typed answer is expected)."""
    return t._(
        "Why are you lifting the age lock of {name}? Please type the reason in a message (for "
        "example, what you checked and how): it is kept in the audit log. /cancel stops.",
        name=name,
    )


_REASON = TypedReason("agelift", question)
NAME, REASON, READY, FLOW, begin = (
    _REASON.name,
    _REASON.reason,
    _REASON.ready,
    _REASON.flow,
    _REASON.begin,
)
