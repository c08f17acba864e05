"""The control API event feed: chat messages, edits, deletions, callback answers and chat
actions ("typing…"), long-polled by ``GET /sandbox/events`` (by the terminal chat client) and
pushed to the web chat's sockets."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

EVENT_TYPES = ("message", "edit", "delete", "callback_answer", "chat_action")


class EventLog:
    def __init__(self) -> None:
        self._events: list[dict[str, Any]] = []
        self._changed = asyncio.Event()

    def close(self) -> None:
        """Server shutdown: pending waits return at once."""
        self._changed.set()

    @property
    def last_seq(self) -> int:
        return len(self._events)

    def emit(self, chat_id: int, event_type: str, **payload: Any) -> dict[str, Any]:
        event = {"seq": len(self._events) + 1, "chat_id": chat_id, "type": event_type}
        event.update(payload)
        self._events.append(event)
        self._changed.set()
        self._changed = asyncio.Event()
        return event

    def since(self, seq: int) -> list[dict[str, Any]]:
        return self._events[max(seq, 0) :]

    async def wait(self, seq: int, wait_seconds: float) -> list[dict[str, Any]]:
        """Events after ``seq``, waiting up to ``wait_seconds`` for the first one."""
        events = self.since(seq)
        if events or wait_seconds <= 0:
            return events
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), wait_seconds)
        return self.since(seq)
