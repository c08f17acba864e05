"""Handing mapped updates to the core, for every transport: in polling mode failures are logged
(ids and types, never texts) and go no further; from a webhook they are raised, for the server to
choose its answer. The handlers under way are tracked so that a stop can let them finish."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

from bot.core.events import Inbound
from bot.logs import log_bug
from bot.transports.base import UpdateHandler

log = logging.getLogger(__name__)


class Handling:
    """Runs the core's handler for each update and remembers which runs are under way."""

    def __init__(self, handler: UpdateHandler, *, stop_grace: float = 10.0) -> None:
        self._handler = handler
        self._stop_grace = stop_grace
        self._running: set[asyncio.Task[Any]] = set()

    async def handle(
        self,
        update_id: int,
        kind: str,
        to_event: Callable[[], Inbound | None],
        *,
        reraise: bool = False,
    ) -> None:
        """Map the update with `to_event` and hand the event over. A failure is logged and
        goes no further, unless `reraise` (the webhook server logs it and decides the answer)."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            event = to_event()
            if event is not None:
                await self._handler.handle(event)
        except Exception as exc:
            if reraise:
                raise
            log_bug(log, f"update {update_id} ({kind}) failed", exc)
        finally:
            if task is not None:
                self._running.discard(task)

    def spawn(self, update_id: int, kind: str, to_event: Callable[[], Inbound | None]) -> None:
        """`handle` in a task of its own (updates of different people run concurrently; the
        core serialises each person's)."""
        task = asyncio.create_task(self.handle(update_id, kind, to_event))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def wait(self) -> None:
        """Wait up to the stop grace for the handlers under way."""
        if not self._running:
            return
        _, late = await asyncio.wait(set(self._running), timeout=self._stop_grace)
        if late:
            log.warning("stopped with %d update handlers still running", len(late))


def update_kind(raw: Mapping[str, Any]) -> str:
    """The kind of a raw update ("message", "callback_query"…), for logs."""
    return next((key for key in raw if key != "update_id"), "empty")
