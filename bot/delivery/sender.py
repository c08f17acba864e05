"""The one outbound sender: applies the outbox's effects in the chat app within Telegram's limits.

The core never talks to Telegram: it writes effects into the outbox in the same transaction as its
state change and calls `Sender.wake()`. The sender claims due items (leasing them, so a second
sender or a restarted one never applies them twice unless the first died), applies each through
the `ChatApi`, and records every outcome in its own small unit of work.

Ordering: the claimed items of one chat form a *lane* (`bot.delivery.lanes`), applied strictly in
order by one task, the chat's safety items (crisis alerts) first; an item sent back for a retry
holds its lane. Lanes run concurrently (a chat waiting on its rate limit never blocks another
chat), with a cap on concurrent requests. Across senders, crashes and replicas the outbox itself
keeps each chat's order (it never hands out an item while an earlier one of its chat is leased
or waiting), and safety items are claimed even when the sender's backlog is full.

Outcomes: success → `mark_sent_many` (recorded in small batches, see `outcomes`); 429 → global
pause, then the same item again (bounded); 5xx/network → `retry_later` with exponential back-off
until `max_attempts`, then `mark_failed`; blocked (403) → `mark_failed`, the chat's pending items
dropped, `on_blocked(chat_id)`; rejected (400) → `mark_failed`. Whatever fails for good is also
passed to `on_failed(effect)` (broadcast progress counts it). Logs carry ids and error texts,
never message bodies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.core import effects as fx
from bot.core.errors import RetryLater
from bot.core.models import OutboxItem
from bot.core.ports import ChatApi, Clock, UnitOfWorkFactory
from bot.delivery.lanes import Entry, Lane, LaneKey, lane_key, order
from bot.delivery.limits import RateLimits, SendLimits
from bot.delivery.outcomes import (
    BlockedCallback,
    Counters,
    FailedCallback,
    Outcome,
    OutcomeRecorder,
    RecordSent,
)
from bot.logs import log_bug

log = logging.getLogger(__name__)

MAX_429_PER_TRY = 10  # 429s in a row for one item before it counts as a failed attempt
SAFETY_ROOM = 20  # safety items claimed per round even when the backlog is full
DRAIN_POLL = 0.01

SentCallback = Callable[[fx.Effect, fx.Sent], Awaitable[None]]
"""Called after each successful apply, before the success is recorded. A failure in it is logged
and changes nothing else. (What must be stored about a success goes in `record_sent`, written
with the success itself: see `bot.delivery.outcomes`.)"""

AppliedCallback = Callable[[OutboxItem, fx.Effect, datetime], None]
"""Told of each item the chat app accepted, with the time (metrics: relayed messages and their
latency). Must be quick and must not raise."""


class Sender:
    """Claims due outbox items and applies them, owning Telegram's limits."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        api: ChatApi,
        clock: Clock,
        *,
        on_blocked: BlockedCallback | None = None,
        on_sent: SentCallback | None = None,
        on_failed: FailedCallback | None = None,
        record_sent: RecordSent | None = None,
        batch_size: int = 100,
        lease_seconds: float = 60,
        max_attempts: int = 8,
        limits: RateLimits | None = None,
        poll_interval: float = 1.0,
        max_concurrency: int = 32,
    ) -> None:
        self._uows = uows
        self._api = api
        self._clock = clock
        self._on_sent = on_sent
        self.on_applied: AppliedCallback | None = None  # metrics: called after each success
        self._batch_size = batch_size
        self._lease_seconds = lease_seconds
        self._lease_margin = timedelta(seconds=min(5.0, lease_seconds / 4))
        self._poll_interval = poll_interval
        self.limits = SendLimits(limits)
        self._slots = asyncio.Semaphore(max_concurrency)
        self._wake = asyncio.Event()
        self._done = asyncio.Event()
        self._lanes: dict[LaneKey, Lane] = {}
        self._inflight: dict[int, Entry] = {}
        self._running = False
        self._stopping = False
        self._more = False
        self.counters = Counters()
        self._outcomes = OutcomeRecorder(
            uows,
            clock,
            self.counters,
            max_attempts=max_attempts,
            on_blocked=on_blocked,
            wake=self.wake,
            record_sent=record_sent,
            on_failed=on_failed,
        )

    # -- counters, for metrics ----------------------------------------------------------------

    @property
    def sent(self) -> int:
        return self.counters.sent

    @property
    def failed(self) -> int:
        return self.counters.failed

    @property
    def retried(self) -> int:
        return self.counters.retried

    @property
    def rate_limited_429(self) -> int:
        return self.counters.rate_limited_429

    @property
    def dropped(self) -> int:
        return self.counters.dropped

    # -- public API ---------------------------------------------------------------------------

    def wake(self) -> None:
        """New effects were committed: claim them now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Claim and apply due items until `stop()`; only cancellation escapes."""
        if self._running:
            raise RuntimeError("Sender.run() is already running")
        self._running, self._stopping, graceful = True, False, False
        self._done.clear()
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    await self._claim()
                except Exception as exc:
                    log_bug(log, "outbox: claiming due items failed", exc)
                    self._more = False
                if self._stopping:
                    break
                if self._more and self._backlog() <= self._batch_size // 2:
                    await asyncio.sleep(0)
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll_interval):
                        await self._wake.wait()
            graceful = True
        finally:
            await self._shutdown(graceful)
            self._running = False
            self._done.set()

    async def stop(self) -> None:
        """Stop gracefully: requests under way finish and are recorded, unsent claimed items
        go back to the outbox, then `run()` returns."""
        if not self._running:
            return
        self._stopping = True
        self.wake()
        await self._done.wait()

    async def drain(self, timeout: float = 10) -> None:  # noqa: ASYNC109 (a test helper)
        """Return once nothing is pending (raise TimeoutError after `timeout` seconds). Runs the
        sender for the duration if `run()` is not running already."""
        if not self._running:
            await asyncio.sleep(0)  # let a run() task that was just created start
        runner = None if self._running else asyncio.create_task(self.run())
        try:
            async with asyncio.timeout(timeout):
                while True:
                    if runner is not None and runner.done():
                        runner.result()
                    if not self._backlog() and await self._pending() == 0:
                        return
                    self.wake()
                    await asyncio.sleep(DRAIN_POLL)
        finally:
            if runner is not None:
                await self.stop()
                await asyncio.gather(runner, return_exceptions=True)

    # -- claiming -----------------------------------------------------------------------------

    async def _claim(self) -> None:
        await self._outcomes.flush()  # our sent items must not look claimable
        self._housekeep()
        room = max(0, self._batch_size - self._backlog())
        now = self._clock.now()
        async with self._uows() as uow:  # safety items even when the backlog is full
            items = await uow.outbox.claim_due(
                now, room, self._lease_seconds, safety_limit=max(room, SAFETY_ROOM)
            )
            await uow.commit()
        lease_until = now + timedelta(seconds=self._lease_seconds)
        for item in items:
            self._enqueue(Entry(item, lease_until))
        self._more = room == 0 or sum(not item.safety for item in items) >= room

    def _enqueue(self, entry: Entry) -> None:
        item = entry.item
        if item.id in self._inflight:  # our own lease ran out mid-request: keep the new one
            self._inflight[item.id].item = item
            self._inflight[item.id].lease_until = entry.lease_until
            return
        key = lane_key(item)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = Lane(item.chat_id)
        lane.items[item.id] = entry
        self._start(key, lane)

    def _start(self, key: LaneKey, lane: Lane) -> None:
        if lane.task is None and not self._stopping:
            lane.task = asyncio.create_task(self._run_lane(key, lane))

    def _backlog(self) -> int:
        return sum(len(lane.items) for lane in self._lanes.values()) + len(self._inflight)

    def _housekeep(self) -> None:
        """Forget claimed items whose lease is running out (they will be claimed again, by us
        or another sender), abandon overdue holds, restart lanes that may go on."""
        now, mono = self._clock.now(), time.monotonic()
        for key, lane in list(self._lanes.items()):
            expiring = [order(e.item) for e in lane.items.values() if self._expiring(e, now)]
            lane.forget(expiring, mono, self._lease_seconds)
            if lane.items:
                self._start(key, lane)
            elif lane.hold is None and lane.task is None:
                del self._lanes[key]

    def _expiring(self, entry: Entry, now: datetime) -> bool:
        return now >= entry.lease_until - self._lease_margin

    # -- applying -----------------------------------------------------------------------------

    async def _run_lane(self, key: LaneKey, lane: Lane) -> None:
        try:
            while lane.items and not self._stopping:
                place = lane.next_place(time.monotonic())
                if place is None:
                    return  # wait for the held item to come back
                head = place[1]
                entry = lane.items.pop(head)
                self._inflight[head] = entry
                try:
                    outcome = await self._deliver(entry, lane)
                except asyncio.CancelledError:
                    if not lane.applying:
                        lane.items[head] = entry  # never sent: release it
                    raise
                finally:
                    self._inflight.pop(head, None)
                    lane.applying = False
                lane.settle(outcome, place, entry, time.monotonic(), self._lease_seconds)
                if self._more and self._backlog() <= self._batch_size // 2:
                    self.wake()  # room for another batch
        except Exception as exc:  # a bug in the sender itself: the lane's items are re-claimed
            log_bug(log, f"outbox: lane {key} crashed", exc)  # after their lease runs out
            lane.items.clear()
        finally:
            lane.task = None
            if lane.finished and self._lanes.get(key) is lane:
                del self._lanes[key]

    async def _deliver(self, entry: Entry, lane: Lane) -> Outcome:
        item = entry.item
        try:
            effect = fx.from_json(item.payload)
        except Exception as exc:
            log_bug(log, f"outbox item {item.id}: undecodable payload", exc)
            await self._outcomes.fail(item, f"undecodable payload ({type(exc).__name__})")
            return Outcome.DONE
        rate_limited = 0
        while True:
            if self._stopping:
                return Outcome.UNSENT
            ticket = await self.limits.acquire(lane.chat_id if fx.is_send(effect) else None)
            try:
                if not item.safety and any(e.item.safety for e in lane.items.values()):
                    return Outcome.UNSENT  # a safety item came while we waited: it takes the slot
                async with self._slots:
                    if self._expiring(entry, self._clock.now()):
                        return Outcome.EXPIRED
                    lane.applying = True
                    error: Exception | None = None
                    try:
                        sent = await self._api.apply(effect)
                    except Exception as exc:
                        error, sent = exc, fx.Sent()
            finally:
                self.limits.done(ticket)  # counted from its answer (see limits)
            if isinstance(error, RetryLater):
                self.counters.rate_limited_429 += 1
                self.limits.pause(error.seconds)
                log.warning(
                    "outbox item %s: rate limited (429), all sends paused %.1fs",
                    item.id,
                    error.seconds,
                )
                rate_limited += 1
                if rate_limited < MAX_429_PER_TRY:
                    lane.applying = False
                    continue
            if error is None and self.on_applied is not None:
                self.on_applied(item, effect, self._clock.now())
            if error is None and self._on_sent is not None:
                await self._after_sent(item, effect, sent)
            return await self._outcomes.settle(entry.item, effect, sent, error)

    async def _after_sent(self, item: OutboxItem, effect: fx.Effect, sent: fx.Sent) -> None:
        assert self._on_sent is not None
        try:
            await self._on_sent(effect, sent)
        except Exception as exc:
            log_bug(log, f"outbox item {item.id}: the on_sent hook failed", exc)

    # -- stopping -----------------------------------------------------------------------------

    async def _shutdown(self, graceful: bool) -> None:
        self._stopping = True
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        for lane in self._lanes.values():
            if lane.task is not None and not (graceful and lane.applying):
                lane.task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._outcomes.close()
        if graceful:
            await self._release()
        self._lanes.clear()

    async def _release(self) -> None:
        """Hand claimed but unsent items back to the outbox, due now, for the next sender."""
        items = sorted(
            (e.item for lane in self._lanes.values() for e in lane.items.values()),
            key=lambda item: item.id,
        )
        ids = [item.id for item in items]
        if not ids:
            return
        now = self._clock.now()
        try:
            async with self._uows() as uow:
                for item in items:  # only while still our claim: another sender may have it now
                    await uow.outbox.retry_later(
                        item.id, now, "released: sender stopped", attempt=item.attempts
                    )
                await uow.commit()
        except Exception as exc:  # their leases run out instead
            log.error("outbox: could not release %d items (%s)", len(ids), type(exc).__name__)

    async def _pending(self) -> int:
        async with self._uows() as uow:
            return await uow.outbox.pending_count()
