"""What the sender does with the chat app's answer to one outbox item, each in its own small unit
of work: mark it sent, schedule a retry with back-off, fail it, or — when the person blocked the
bot — fail it, drop the chat's pending items and tell the core.

Successes are the bulk (hundreds a second in a paid broadcast), so they are recorded in batches:
one unit of work for up to `SENT_BATCH_MAX` items, written at most `SENT_BATCH_DELAY` seconds after
the first of them was sent (a transaction per message cost more CPU than the HTTP request). The
sender flushes them before it claims (so it never re-claims its own sent items), before a chat is
dropped as blocked, and when it stops. The price: a crash loses the record of up to that many
sent messages, which are sent again when their lease runs out — the same kind of duplicate as a
message in flight at the crash, over a window of a few tens of milliseconds more.

What else must be stored about a success (the relay's link from each copy to its original) is
written by the `record_sent` hook in that same unit of work: on SQLite every transaction takes the
database's one write lock, so one per relayed copy would cost the relay most of its throughput.
If the batch cannot be written with it, the successes are recorded without it and the hook runs
again for each success on its own; a success it still fails on is logged and stays recorded.

Logs carry ids and error texts, never message bodies; unexpected errors are logged by type and
stack only, since their text may quote a message.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import effects as fx
from bot.core.errors import DeliveryError, RecipientBlocked, RetryLater, TemporaryFailure
from bot.core.models import OutboxItem
from bot.core.ports import Clock, Outbox, UnitOfWork, UnitOfWorkFactory
from bot.logs import log_bug

log = logging.getLogger("bot.delivery.sender")

FIRST_BACKOFF = 0.5
MAX_BACKOFF = 60.0
SENT_BATCH_DELAY = 0.02  # seconds a success may wait to be recorded with others
SENT_BATCH_MAX = 100  # successes recorded in one unit of work at most

BlockedCallback = Callable[[int], Awaitable[None]]
FailedCallback = Callable[[fx.Effect], Awaitable[None]]
"""Told of an effect the sender gave up on for good (refused, blocked, out of attempts)."""

RecordSent = Callable[[UnitOfWork, Sequence[tuple[fx.Effect, fx.Sent]]], Awaitable[None]]
"""Writes what else must be stored about successes (effect, the chat app's answer), in the unit
of work that records them as sent; it must not commit."""


def backoff(attempts: int) -> float:
    """Seconds to wait before the next try after `attempts` failed ones: 0.5, 1, 2… ≤ 60."""
    return min(FIRST_BACKOFF * 2 ** max(0, attempts - 1), MAX_BACKOFF)


class Outcome(enum.Enum):
    """What became of one try at an item, as far as its chat's lane is concerned."""

    DONE = "done"  # sent, or failed for good
    RETRY = "retry"  # back in the outbox, due after a back-off
    BLOCKED = "blocked"  # the person blocked the bot; the chat's pending items were dropped
    UNSENT = "unsent"  # not tried (stopping, or a safety item of its chat goes first): still ours
    EXPIRED = "expired"  # our lease ran out before the try: left for whoever claims it next


@dataclass
class Counters:
    """Running totals, for metrics."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited_429: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class _Success:
    item_id: int
    at: datetime
    effect: fx.Effect
    sent: fx.Sent


class OutcomeRecorder:
    """Records outcomes in the outbox; a failure to record is logged, and the item, still
    leased, is claimed again once the lease runs out."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        counters: Counters,
        *,
        max_attempts: int,
        on_blocked: BlockedCallback | None,
        wake: Callable[[], None],
        record_sent: RecordSent | None = None,
        on_failed: FailedCallback | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._counters = counters
        self._max_attempts = max_attempts
        self._on_blocked = on_blocked
        self._wake = wake
        self._record_sent = record_sent
        self._on_failed = on_failed
        self._sent: list[_Success] = []  # not yet recorded
        self._flusher: asyncio.Task[None] | None = None
        self._flushing = asyncio.Lock()  # a flush returns only once earlier ones are written

    async def settle(
        self, item: OutboxItem, effect: fx.Effect, sent: fx.Sent, error: Exception | None
    ) -> Outcome:
        """Record the answer (`error` None: success) and say what the lane should do next."""
        kind = type(effect).__name__
        if error is None:
            self._counters.sent += 1
            self._sent.append(_Success(item.id, self._clock.now(), effect, sent))
            if len(self._sent) >= SENT_BATCH_MAX:
                await self.flush()
            elif self._flusher is None:
                self._flusher = asyncio.create_task(self._flush_soon())
            return Outcome.DONE
        if isinstance(error, RetryLater | TemporaryFailure):
            return await self._retry_or_fail(item, effect, error)
        if isinstance(error, RecipientBlocked) and item.chat_id is not None:
            await self._blocked(item, item.chat_id, error)
            await self._failed(effect)
            return Outcome.BLOCKED
        if isinstance(error, DeliveryError):
            level = logging.INFO if isinstance(effect, fx.AnswerButton) else logging.WARNING
            log.log(
                level,
                "outbox item %s (%s, chat %s) rejected: %s",
                item.id,
                kind,
                item.chat_id,
                error,
            )
            await self.fail(item, f"rejected: {error}", effect)
            return Outcome.DONE
        log_bug(log, f"outbox item {item.id} ({kind}): unexpected error from the chat api", error)
        await self.fail(item, f"unexpected {type(error).__name__}", effect)
        return Outcome.DONE

    async def flush(self) -> None:
        """Record the successes not recorded yet (and what `record_sent` adds), in units of work
        of up to `SENT_BATCH_MAX`; if a batch cannot be written, see the module docstring.

        Returns only when every success settled before the call is written, including a batch
        another flush took and is still writing: the sender flushes before it claims, and an item
        whose lease ran out while its "sent" was in flight would otherwise be claimed again."""
        async with self._flushing:
            await self._flush_unlocked()

    async def _flush_unlocked(self) -> None:
        while self._sent:
            batch, self._sent = self._sent[:SENT_BATCH_MAX], self._sent[SENT_BATCH_MAX:]
            marks = [(s.item_id, s.sent.message_id, s.at) for s in batch]
            try:
                async with self._uows() as uow:
                    await uow.outbox.mark_sent_many(marks)
                    if self._record_sent is not None:
                        await self._record_sent(uow, [(s.effect, s.sent) for s in batch])
                    await uow.commit()
            except Exception:
                await self._record_apart(batch, marks)

    async def _record_apart(
        self, batch: list[_Success], marks: list[tuple[int, int | None, datetime]]
    ) -> None:
        """A batch that could not be written at once: the successes first (one by one if need
        be), then the `record_sent` hook for each."""
        try:
            async with self._uows() as uow:
                await uow.outbox.mark_sent_many(marks)
                await uow.commit()
        except Exception:
            for item_id, message_id, at in marks:
                await self._record(item_id, "sent", _mark_sent(item_id, message_id, at))
        if self._record_sent is None:
            return
        for success in batch:
            try:
                async with self._uows() as uow:
                    await self._record_sent(uow, [(success.effect, success.sent)])
                    await uow.commit()
            except Exception as exc:
                log_bug(log, f"outbox item {success.item_id}: the record_sent hook failed", exc)

    async def close(self) -> None:
        """Let the pending timed flush finish (it waits `SENT_BATCH_DELAY` at most; cancelling it
        mid-write would drop the batch it holds) and record every success now."""
        flusher, self._flusher = self._flusher, None
        if flusher is not None:
            await asyncio.gather(flusher, return_exceptions=True)
        await self.flush()

    async def _flush_soon(self) -> None:
        try:
            await asyncio.sleep(SENT_BATCH_DELAY)
        finally:
            self._flusher = None  # successes from now on start a new timer
        await self.flush()

    async def fail(self, item: OutboxItem, error: str, effect: fx.Effect | None = None) -> None:
        """Fail an item for good (`effect`: what it was, if its payload could be read)."""
        self._counters.failed += 1
        now = self._clock.now()
        await self._record(
            item.id, "failed", lambda o: o.mark_failed(item.id, error, now, attempt=item.attempts)
        )
        if effect is not None:
            await self._failed(effect)

    async def _failed(self, effect: fx.Effect) -> None:
        if self._on_failed is None:
            return
        try:
            await self._on_failed(effect)
        except Exception as exc:
            log_bug(log, "the on_failed hook failed", exc)

    async def _retry_or_fail(
        self, item: OutboxItem, effect: fx.Effect, error: Exception
    ) -> Outcome:
        kind = type(effect).__name__
        if item.attempts >= self._max_attempts:
            log.warning(
                "outbox item %s (%s, chat %s) failed after %d attempts: %s",
                *(item.id, kind, item.chat_id, item.attempts, error),
            )
            await self.fail(item, f"gave up after {item.attempts} attempts: {error}", effect)
            return Outcome.DONE
        delay = backoff(item.attempts)
        not_before = self._clock.now() + timedelta(seconds=delay)
        log.warning("outbox item %s (%s): retry in %.1fs (%s)", item.id, kind, delay, error)
        self._counters.retried += 1
        await self._record(
            item.id,
            "retry",
            lambda o: o.retry_later(item.id, not_before, str(error), attempt=item.attempts),
        )
        asyncio.get_running_loop().call_later(delay, self._wake)
        return Outcome.RETRY

    async def _blocked(self, item: OutboxItem, chat_id: int, error: Exception) -> None:
        await self.flush()  # the chat's sent items must not count as dropped
        now, dropped = self._clock.now(), 0
        try:
            async with self._uows() as uow:
                await uow.outbox.mark_failed(
                    item.id, f"blocked: {error}", now, attempt=item.attempts
                )
                dropped = await uow.outbox.drop_pending_for_chat(chat_id, "recipient blocked", now)
                await uow.commit()
        except Exception as exc:
            log.error("outbox item %s: could not record blocked (%s)", item.id, type(exc).__name__)
        self._counters.failed += 1
        self._counters.dropped += dropped
        log.info(
            "chat %s blocked the bot: item %s failed, %d pending dropped",
            chat_id,
            item.id,
            dropped,
        )
        if self._on_blocked is not None:
            try:
                await self._on_blocked(chat_id)
            except Exception as exc:
                log_bug(log, f"on_blocked callback failed for chat {chat_id}", exc)

    async def _record(
        self, item_id: int, what: str, op: Callable[[Outbox], Awaitable[object]]
    ) -> None:
        try:
            async with self._uows() as uow:
                await op(uow.outbox)
                await uow.commit()
        except Exception as exc:
            log.error(
                "outbox item %s: could not record %s (%s)", item_id, what, type(exc).__name__
            )


def _mark_sent(
    item_id: int, message_id: int | None, at: datetime
) -> Callable[[Outbox], Awaitable[object]]:
    return lambda outbox: outbox.mark_sent_many([(item_id, message_id, at)])
