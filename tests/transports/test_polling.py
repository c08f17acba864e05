"""The poller (bot/transports/polling.py) against a fake Telegram that keeps every update until
a getUpdates confirms it: an update is confirmed only once handled, a bug is confirmed, a failure
that may pass is tried again and then fetched again, and a stop loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy.exc import OperationalError

from bot.core.events import Inbound, TextMessage, UserRef
from bot.transports.polling import Fetched, Poller


class FakeTelegram:
    """Pending updates, confirmed (dropped) by a getUpdates with a higher offset."""

    def __init__(self, update_ids: Sequence[int]) -> None:
        self.pending = list(update_ids)
        self.offsets: list[int | None] = []
        self.fail_next = 0

    async def fetch(self, offset: int | None) -> list[Fetched]:
        self.offsets.append(offset)
        await asyncio.sleep(0.005)  # a long poll's round trip
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("network down")
        if offset is not None:
            self.pending = [u for u in self.pending if u >= offset]
        if not self.pending:
            await asyncio.sleep(0.02)  # an empty long poll
            return []
        return [Fetched(u, "message", partial(event, u)) for u in self.pending[:3]]


def event(update_id: int) -> Inbound:
    person = UserRef(id=update_id * 10, first_name="P", language_code="en")
    return TextMessage(
        update_id=update_id,
        user=person,
        chat_id=person.id,
        at=datetime(2026, 11, 21, tzinfo=UTC),
        message_id=update_id,
        text="hi",
    )


class Core:
    """Handles each update once (like the update log); can fail, transiently or not."""

    def __init__(
        self, *, transient: dict[int, int] | None = None, bug: int | None = None, delay: float = 0
    ) -> None:
        self.handled: list[int] = []
        self.tries: dict[int, int] = {}
        self.transient = dict(transient or {})  # update id -> failures before it succeeds
        self.bug = bug
        self.delay = delay

    async def handle(self, event: Inbound) -> None:
        update_id = event.update_id
        self.tries[update_id] = self.tries.get(update_id, 0) + 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if update_id == self.bug:
            raise KeyError("a bug")
        if self.transient.get(update_id, 0) > 0:
            self.transient[update_id] -= 1
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        if update_id not in self.handled:  # the update log skips a redelivery
            self.handled.append(update_id)


def poller(telegram: FakeTelegram, core: Core, *, stop_grace: float = 1.0) -> Poller:
    return Poller(
        telegram.fetch,
        core,
        stop_grace=stop_grace,
        retry_pauses=(0.01, 0.01),
        refetch_pause=(0.01, 0.05),
    )


async def until(predicate: object, within: float = 3.0) -> None:
    async with asyncio.timeout(within):
        while not predicate():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def test_a_batch_is_confirmed_only_after_every_update_in_it_was_handled() -> None:
    telegram = FakeTelegram([1, 2, 3, 4, 5])
    core = Core(delay=0.05)
    polling = poller(telegram, core)
    polling.start()
    await until(lambda: not telegram.pending)
    await polling.stop()
    assert sorted(core.handled) == [1, 2, 3, 4, 5]
    assert telegram.offsets[:3] == [None, 4, 6]  # batches 1-3 and 4-5, each once handled
    assert core.tries == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}


async def test_a_bug_is_logged_and_confirmed(caplog: pytest.LogCaptureFixture) -> None:
    telegram = FakeTelegram([1, 2])
    core = Core(bug=1)
    polling = poller(telegram, core)
    polling.start()
    await until(lambda: not telegram.pending)
    await polling.stop()
    assert core.handled == [2] and core.tries[1] == 1  # never tried again
    assert "update 1 (message) failed: KeyError" in caplog.text


async def test_a_passing_failure_is_tried_again_in_place() -> None:
    telegram = FakeTelegram([1, 2])
    core = Core(transient={1: 2})
    polling = poller(telegram, core)
    polling.start()
    await until(lambda: not telegram.pending)
    await polling.stop()
    assert sorted(core.handled) == [1, 2] and core.tries[1] == 3
    assert telegram.offsets[:2] == [None, 3]


async def test_a_failure_that_persists_leaves_the_update_unconfirmed_until_it_passes() -> None:
    telegram = FakeTelegram([1, 2, 3])
    core = Core(transient={2: 7})  # three tries per fetch: fails through two fetches
    polling = poller(telegram, core)
    polling.start()
    await until(lambda: 2 in core.handled)
    await until(lambda: not telegram.pending)
    await polling.stop()
    assert sorted(core.handled) == [1, 2, 3]
    assert telegram.offsets[:4] == [None, 2, 2, 4]  # 1 confirmed, 2 fetched again twice
    assert core.tries[2] == 8
    assert core.tries[3] == 3  # fetched with 2 each time; the core skipped it after the first


async def test_a_failed_fetch_is_tried_again() -> None:
    telegram = FakeTelegram([1])
    telegram.fail_next = 2
    core = Core()
    polling = poller(telegram, core)
    polling.start()
    await until(lambda: core.handled == [1])
    await polling.stop()
    assert telegram.offsets[:3] == [None, None, None]


async def test_a_stop_during_a_long_poll_returns_at_once() -> None:
    telegram = FakeTelegram([])
    polling = poller(telegram, Core(), stop_grace=5)
    polling.start()
    await until(lambda: telegram.offsets)
    async with asyncio.timeout(0.5):
        await polling.stop()


async def test_a_stop_waits_for_the_batch_and_confirms_nothing_unfinished() -> None:
    telegram = FakeTelegram([1, 2])
    core = Core(delay=0.1)
    polling = poller(telegram, core)
    polling.start()
    await until(lambda: core.tries)
    await polling.stop()
    assert sorted(core.handled) == [1, 2]  # the batch under way finished
    assert telegram.offsets == [None]  # and the next start gets it again (the core skips it)


async def test_a_batch_that_outlives_the_stop_grace_is_fetched_again_next_time() -> None:
    telegram = FakeTelegram([1])
    slow = Core(delay=5)
    polling = poller(telegram, slow, stop_grace=0.1)
    polling.start()
    await until(lambda: slow.tries)
    await polling.stop()
    assert slow.handled == [] and telegram.pending == [1]
    core = Core()  # the next start
    polling = poller(telegram, core)
    polling.start()
    await until(lambda: core.handled == [1])
    await polling.stop()
