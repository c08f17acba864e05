"""The flow engine: runs a person's active flow one answer at a time.

Buttons carry `f:<token>:<value>`. The token is a fresh nonce for every prompt and is stored
with the flow state, so a press on an old prompt (stale) or a made-up value (forged) is answered
politely and changes nothing.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core.effects import Button, Keyboard
from bot.core.flow import SHOWN_ONCE, Context, Flow, Move, Outcome, Prompt, State
from bot.core.models import FlowState
from bot.core.programs import ProgramCatalog
from bot.core.turn import Turn

FLOW_PREFIX = "f"
MAX_SKIPS = 50


def new_token() -> str:
    """A short random nonce for one prompt."""
    return secrets.token_hex(3)


def button_data(token: str, value: str) -> str:
    """Callback data for a flow button (well under Telegram's 64 bytes)."""
    return f"{FLOW_PREFIX}:{token}:{value}"


def stored(data: Mapping[str, Any]) -> dict[str, Any]:
    """Flow data as it is kept: without the keys shown only once (`SHOWN_ONCE`)."""
    return {k: v for k, v in data.items() if not k.startswith(SHOWN_ONCE)}


def set_aside(flow: FlowState) -> dict[str, Any]:
    """A flow put aside while another one asks something (kept in that one's data)."""
    return {"flow": flow.flow, "state": flow.state, "data": flow.data, "token": flow.token}


def taken_back(aside: object, user_id: int, now: datetime) -> FlowState | None:
    """The flow put aside by `set_aside`, open again where it was: same state, same token, so
    the buttons of its last question still work. None when nothing was put aside."""
    if not isinstance(aside, dict) or "flow" not in aside or "state" not in aside:
        return None
    return FlowState(
        user_id=user_id,
        flow=str(aside["flow"]),
        state=str(aside["state"]),
        data=dict(aside.get("data") or {}),
        token=str(aside.get("token", "")),
        updated_at=now,
    )


def parse_button_data(data: str) -> tuple[str, str] | None:
    """(token, value) of flow callback data, or None when it is not flow data."""
    prefix, _, rest = data.partition(":")
    token, sep, value = rest.partition(":")
    if prefix != FLOW_PREFIX or not sep or not token:
        return None
    return token, value


class FlowEngine:
    """Starts, resumes and advances flows for a Turn."""

    def __init__(
        self,
        flows: Mapping[str, Flow],
        programs: ProgramCatalog,
        min_age: int,
        token_factory: Callable[[], str] = new_token,
    ) -> None:
        self.flows = dict(flows)
        self.programs = programs
        self.min_age = min_age
        self._token = token_factory

    def context(self, turn: Turn, data: Mapping[str, Any]) -> Context:
        """What a state may read in this turn."""
        return Context(
            person=turn.person,
            data=data,
            now=turn.now,
            t=turn.t,
            programs=self.programs,
            min_age=self.min_age,
            languages=turn.languages,
        )

    def active(self, turn: Turn) -> tuple[Flow, State] | None:
        """The person's flow and state, or None (a stored state that no longer exists is
        dropped rather than crashing the conversation)."""
        if turn.flow is None:
            return None
        flow = self.flows.get(turn.flow.flow)
        state = flow.state(turn.flow.state) if flow else None
        if flow is None or state is None:
            turn.set_flow(None)
            return None
        return flow, state

    def start(self, turn: Turn, flow_name: str, data: Mapping[str, Any] | None = None) -> None:
        """Begin `flow_name` at its first state that has something to ask."""
        flow = self.flows[flow_name]
        self._enter(turn, flow, flow.first, dict(data or {}))

    def resume(self, turn: Turn) -> None:
        """Ask the current question again (after /help, /language, a restart...)."""
        found = self.active(turn)
        if found is None or turn.flow is None:
            return
        flow, state = found
        self._enter(turn, flow, state.id, dict(turn.flow.data))

    def takes_text(self, turn: Turn) -> bool:
        """True when the person's current state explicitly waits for typed input (a date, a
        reason, a search). A state that waits for buttons takes no text from a matched person,
        not even one of its buttons' labels: that text is theirs to send
        (`bot.handlers.dispatch`)."""
        found = self.active(turn)
        return found is not None and found[1].takes_text

    def on_text(self, turn: Turn, text: str) -> None:
        """A typed answer to the current question."""
        found = self.active(turn)
        if found is None or turn.flow is None:
            return
        _flow, state = found
        ctx = self.context(turn, turn.flow.data)
        self._apply(turn, state, state.on_text(ctx, text), message_id=None)

    def on_press(self, turn: Turn, callback_id: str, message_id: int | None, data: str) -> None:
        """A button press; stale or forged presses are answered and change nothing."""
        parsed = parse_button_data(data)
        found = self.active(turn)
        if parsed is None or found is None or turn.flow is None or parsed[0] != turn.flow.token:
            turn.answer_stale(callback_id)
            return
        _flow, state = found
        ctx = self.context(turn, turn.flow.data)
        prompt = state.prompt(ctx)
        choice = prompt.find(parsed[1])
        if choice is None:
            turn.answer(
                callback_id,
                turn.t._(
                    "That option isn't available. Please use the buttons of the latest message."
                ),
            )
            return
        outcome = state.on_choice(ctx, choice.value)
        turn.answer(callback_id, outcome.reply.toast)
        if outcome.move in (Move.GO, Move.DONE):
            chosen = outcome.reply.chosen or choice.label
            turn.edit(message_id, f"{prompt.text}\n\n<b>→ {html.escape(chosen, quote=False)}</b>")
        self._apply(turn, state, outcome, message_id=message_id)

    def _apply(self, turn: Turn, state: State, outcome: Outcome, message_id: int | None) -> None:
        assert turn.flow is not None
        flow_state = turn.flow
        change, reply = outcome.change, outcome.reply
        data = dict(change.data) if change.data is not None else dict(flow_state.data)
        if change.person is not None:
            turn.set_person(change.person)
        turn.writes.extend(change.writes)
        if reply.text:
            turn.say(reply.text, reply.buttons)
        if outcome.move is Move.DONE:
            turn.set_flow(None)
            return
        flow = self.flows[flow_state.flow]
        if outcome.move is Move.GO:
            self._enter(turn, flow, outcome.to, data)
        elif outcome.move is Move.REDRAW and message_id is not None:
            prompt = state.prompt(self.context(turn, data))
            turn.edit(message_id, prompt.text, self._keyboard(prompt, flow_state.token))
            turn.set_flow(replace(flow_state, data=stored(data), updated_at=turn.now))
        elif outcome.move is Move.HINT:
            turn.set_flow(replace(flow_state, data=stored(data), updated_at=turn.now))
        else:  # AGAIN, or REDRAW of a typed answer (no message to redraw)
            self._enter(turn, flow, state.id, data)

    def _enter(self, turn: Turn, flow: Flow, state_id: str, data: dict[str, Any]) -> None:
        for _ in range(MAX_SKIPS):
            state = flow.states[state_id]
            ctx = self.context(turn, data)
            if not state.skip(ctx):
                break
            state_id = state.next_state(ctx)
        prompt = state.prompt(self.context(turn, data))
        token = self._token()
        if prompt.text:  # a state completed by a hook in the same turn may say nothing
            turn.say(prompt.text, self._keyboard(prompt, token))
        turn.set_flow(
            FlowState(
                user_id=turn.person.id,
                flow=flow.name,
                state=state_id,
                data=stored(data),
                token=token,
                updated_at=turn.now,
            )
        )

    @staticmethod
    def _keyboard(prompt: Prompt, token: str) -> Keyboard:
        return tuple(
            tuple(Button(text=c.label, data=button_data(token, c.value)) for c in row)
            for row in prompt.choices
        )
