"""Handing mapped updates to the core, for every transport: failures are raised for the poller
or the webhook server to choose what follows (a retry, or a log line with ids and types, never
texts). The handlers under way are tracked so that a stop can let them finish."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bot.core.events import Inbound
from bot.transports.base import UpdateHandler

log = logging.getLogger(__name__)


class Handling:
    """Runs the core's handler for each update and remembers which runs are under way."""

    def __init__(self, handler: UpdateHandler, *, stop_grace: float = 10.0) -> None:
        self._handler = handler
        self._stop_grace = stop_grace
        self._running: set[asyncio.Task[Any]] = set()

    async def handle(self, to_event: Callable[[], Inbound | None]) -> None:
        """Map the update with `to_event` and hand the event over; failures are raised."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            event = to_event()
            if event is not None:
                await self._handler.handle(event)
        finally:
            if task is not None:
                self._running.discard(task)

    async def wait(self) -> None:
        """Wait up to the stop grace for the handlers under way."""
        if not self._running:
            return
        _, late = await asyncio.wait(set(self._running), timeout=self._stop_grace)
        if late:
            log.warning("stopped with %d update handlers still running", len(late))
