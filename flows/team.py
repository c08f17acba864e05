"""/team: a participant writes to the program team (the staff inbox's "talk to the team" case).

```mermaid
stateDiagram-v2
    [*] --> write: /team (no words after it)
    write --> write: an empty message (hint)
    write --> sent: a message
    sent --> [*]: copied into the case (Inbox.complete), in the same turn
```
This flow only asks; the message itself (its id, never its words) is copied into the person's
case by `bot.handlers.inbox.Inbox.complete`, which ends the flow. `/team` with words after it
needs no flow. State ids (`team.*`) are stored in the database: never rename one.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.flow import Context, Flow, Outcome, Prompt, State
from bot.core.models import FlowState
from bot.messages.inbox import ask_team

NAME = "team"
WRITE = "team.write"
SENT = "team.sent"


def begin(user_id: int, now: datetime) -> FlowState:
    """The flow waiting for the message to the team."""
    return FlowState(user_id=user_id, flow=NAME, state=WRITE, data={}, updated_at=now)


class WriteState(State):
    id = WRITE
    takes_text = True  # a paired person's message for the team is never relayed to the partner

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(ask_team(ctx.t))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        if not text.strip():
            return Outcome.hint(ctx.t._("Please write your message for the program team."))
        return Outcome.go(SENT)


class SentState(State):
    """Completed by the inbox in the same turn; says nothing and waits for nothing."""

    id = SENT

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt("")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        return Outcome.done()


FLOW = Flow(NAME, WRITE, {s.id: s for s in (WriteState(), SentState())})
