"""Long polling that confirms an update to Telegram only once the core has handled it, for every
transport.

Telegram confirms every update below the `offset` of the next getUpdates. The frameworks' own
polling loops ask for the next batch as soon as one arrives, while its handlers still run, so an
update whose handler then fails, or is still running when the process stops, has been confirmed
and is lost. Here the updates of a batch are handed to the core concurrently (the core
serialises each person's), and the next getUpdates, which confirms them, waits until each one
was handled, or failed in a way no retry can mend: a bug, logged and confirmed, as the webhook
server answers it 200. A failure that may pass (`is_transient`: the database unreachable or
locked, a timeout) is retried in place after short pauses; if it persists, polling pauses and
fetches again from that update, and the core's update log skips the ones already handled.

On stop the long poll is cancelled (what it was fetching stays unconfirmed) and the batch under
way gets the stop grace; an update it did not finish is fetched again by the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core.events import Inbound
from bot.logs import log_bug
from bot.transports.base import UpdateHandler
from bot.transports.transient import is_transient

log = logging.getLogger(__name__)

RETRY_PAUSES_S = (0.5, 1.0, 2.0, 4.0)
"""Pauses between the tries of an update that failed transiently, before leaving it for later."""
REFETCH_PAUSE_S = (1.0, 30.0)
"""The first and the longest pause before fetching again after a failed fetch, or after an update
that kept failing transiently (doubling in between)."""


@dataclass(frozen=True)
class Fetched:
    """One update as a transport fetched it: its id, its kind (for logs) and how to map it."""

    update_id: int
    kind: str
    to_event: Callable[[], Inbound | None]


Fetch = Callable[[int | None], Awaitable[Sequence[Fetched]]]
"""getUpdates from `offset` (None: from the first unconfirmed update), as a long poll."""


async def hand_over(handler: UpdateHandler, to_event: Callable[[], Inbound | None]) -> None:
    """Map an update and hand the event to the core (an update mentorbot ignores maps to None);
    failures are raised, for the poller or the webhook server to decide what follows."""
    event = to_event()
    if event is not None:
        await handler.handle(event)


class Poller:
    """Fetches batches of updates and hands them to the core; see the module's docstring."""

    def __init__(
        self,
        fetch: Fetch,
        handler: UpdateHandler,
        *,
        stop_grace: float = 10.0,
        retry_pauses: Sequence[float] = RETRY_PAUSES_S,
        refetch_pause: tuple[float, float] = REFETCH_PAUSE_S,
    ) -> None:
        self._fetch = fetch
        self._handler = handler
        self._stop_grace = stop_grace
        self._retry_pauses = tuple(retry_pauses)
        self._first_pause, self._longest_pause = refetch_pause
        self._task: asyncio.Task[None] | None = None
        self._handling_batch = False
        self._stopping = False

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="polling")

    async def stop(self) -> None:
        """Stop fetching; let the batch under way finish within the stop grace."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        if not self._handling_batch:
            task.cancel()  # a long poll or a pause: nothing under way to wait for
        done, _ = await asyncio.wait({task}, timeout=self._stop_grace)
        if not done:
            log.warning("stopped with updates still being handled; they will come again")
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        offset: int | None = None
        pause = self._first_pause
        while not self._stopping:
            try:
                batch = await self._fetch(offset)
            except Exception as exc:
                log.warning("polling for updates failed (%s); trying again", type(exc).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, self._longest_pause)
                continue
            if not batch:
                pause = self._first_pause
                continue
            self._handling_batch = True
            try:
                done = await asyncio.gather(*(self._handle(update) for update in batch))
            finally:
                self._handling_batch = False
            unfinished = [u.update_id for u, ok in zip(batch, done, strict=True) if not ok]
            if unfinished:
                offset = min(unfinished)
                if self._stopping:
                    return
                log.warning("update %s still failing; fetching it again in %.0f s", offset, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, self._longest_pause)
            else:
                offset = max(u.update_id for u in batch) + 1
                pause = self._first_pause

    async def _handle(self, update: Fetched) -> bool:
        """Hand one update to the core: True once handled (or dropped as a bug), False if it
        kept failing in a way that may pass."""
        for pause in (*self._retry_pauses, None):
            try:
                await hand_over(self._handler, update.to_event)
                return True
            except Exception as exc:
                if not is_transient(exc):
                    log_bug(log, f"update {update.update_id} ({update.kind}) failed", exc)
                    return True
                if pause is None or self._stopping:
                    return False
                log.warning(
                    "update %s (%s) failed (%s); trying again",
                    update.update_id,
                    update.kind,
                    type(exc).__name__,
                )
                await asyncio.sleep(pause)
        return False
