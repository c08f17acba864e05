"""The relay's small flow: confirming a shared contact or location, and choosing who a message
is for when someone has several mentees (the relay itself: `bot.handlers.relay`).

```mermaid
stateDiagram-v2
    [*] --> choose_partner: message with no known recipient (held)
    [*] --> confirm_share: contact or location for a known recipient
    choose_partner --> choose_partner: more messages (held too)
    choose_partner --> [*]: a mentee chosen (held messages relayed)
    choose_partner --> confirm_share: a mentee chosen, a contact or location pending
    confirm_share --> choose_partner: a message with no known recipient (held)
    confirm_share --> [*]: Send anyway (copied) / Don't send
```

`relay.choose_partner` is skipped when only a share waits and its recipient is known. Held
messages are kept as ids in the flow data (never their content) and copied once chosen. While
the flow runs, messages keep flowing: only what has no recipient is held. A flow that was open
when the relay asked (the training, a /restart) is set aside in the data (`set_aside`, by
`bot.handlers.relay`) and is open again, where it was, once the relay's question is answered.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.flow import Choice, Context, Flow, Outcome, Prompt, State
from bot.messages import relay as msg

NAME = "relay"
CHOOSE_PARTNER = "relay.choose_partner"
CONFIRM_SHARE = "relay.confirm_share"
SEND, KEEP = "send", "keep"


class ChoosePartnerState(State):
    """data: `options` [[pair id, name]…], `held` [message ids], maybe a pending share."""

    id = CHOOSE_PARTNER

    def prompt(self, ctx: Context) -> Prompt:
        options = ctx.data.get("options", [])
        return Prompt(
            msg.choose_prompt(ctx.t),
            tuple((Choice(str(pair_id), name),) for pair_id, name in options),
        )

    def skip(self, ctx: Context) -> bool:
        return not ctx.data.get("held") and ctx.data.get("share_pair") is not None

    def next_state(self, ctx: Context) -> str:
        return CONFIRM_SHARE

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        name = dict((str(p), n) for p, n in ctx.data.get("options", [])).get(value, "")
        person = replace(ctx.person, active_pair_id=int(value))
        data = {**ctx.data, "held": []}
        if ctx.data.get("share") is not None:
            data["share_pair"] = ctx.data.get("share_pair") or int(value)
            return Outcome.go(CONFIRM_SHARE, data=data, person=person)
        return Outcome.done(msg.writing_to(ctx.t, name), person=person)


class ConfirmShareState(State):
    """data: `share` (message id), `share_kind`, `share_pair`, `share_reply`."""

    id = CONFIRM_SHARE

    def prompt(self, ctx: Context) -> Prompt:
        return Prompt(
            msg.share_warning(ctx.t, str(ctx.data.get("share_kind", ""))),
            ((Choice(SEND, ctx.t._("Send anyway")), Choice(KEEP, ctx.t._("Don't send"))),),
        )

    def on_choice(self, ctx: Context, value: str) -> Outcome:
        if value == SEND:
            return Outcome.done(toast=ctx.t._("Sent."))
        return Outcome.done(ctx.t._("OK, I didn't send it."))


FLOW = Flow(
    NAME,
    CHOOSE_PARTNER,
    {CHOOSE_PARTNER: ChoosePartnerState(), CONFIRM_SHARE: ConfirmShareState()},
)
