"""The worker lease on PostgreSQL: one holder per schema, lost with its connection, taken over
by a standby that makes the dead worker's claimed items sendable at once; NOTIFY wakes the
holder. And the Worker around it: one replica sends, the other stands by and takes over."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import Core
from bot.core import effects as fx
from bot.storage import migrate
from bot.storage.db import create_engine, session_factory
from bot.storage.uow import sql_uow_factory
from bot.storage.worker_lease import (
    LocalWorkerLease,
    OutboxNotifier,
    PostgresWorkerLease,
    WorkerLease,
)
from bot.worker import Role, Worker
from tests.replicas.support import POSTGRES_ENV, postgres_schema

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason="set MENTORBOT_TEST_POSTGRES_URL"),
]
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    async with postgres_schema(os.environ[POSTGRES_ENV]) as url:
        await migrate.upgrade(url)
        made = create_engine(url)
        try:
            yield made
        finally:
            await made.dispose()


async def eventually(check: Callable[[], bool], within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_one_holder_per_schema_until_released(engine: AsyncEngine) -> None:
    first, second = (
        PostgresWorkerLease(engine, lambda: None),
        PostgresWorkerLease(engine, lambda: None),
    )
    assert await first.acquire()
    assert not await second.acquire()
    assert await first.held() and not await second.held()
    await first.release()
    assert await second.acquire()
    await second.release()


async def test_another_schema_has_its_own_lease(engine: AsyncEngine) -> None:
    mine = PostgresWorkerLease(engine, lambda: None)
    async with postgres_schema(os.environ[POSTGRES_ENV]) as other_url:
        other_engine = create_engine(other_url)
        theirs = PostgresWorkerLease(other_engine, lambda: None)
        try:
            assert await mine.acquire() and await theirs.acquire()
        finally:
            await theirs.release()
            await other_engine.dispose()
    await mine.release()


async def test_the_lease_goes_with_its_connection(engine: AsyncEngine) -> None:
    holder, standby = (
        PostgresWorkerLease(engine, lambda: None),
        PostgresWorkerLease(engine, lambda: None),
    )
    assert await holder.acquire()
    async with engine.begin() as connection:  # the holder's backend dies (a crash, a restart)
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() "
                "AND objid = (hashtextextended('mentorbot.worker:' || current_schema(), 0) "
                "& 4294967295)::oid"
            )
        )
    assert not await holder.held(), "the holder notices"
    assert await standby.acquire(), "and somebody else can take over"
    await standby.release()
    await holder.release()


async def test_take_over_makes_the_dead_workers_items_claimable_now(engine: AsyncEngine) -> None:
    uows = sql_uow_factory(session_factory(engine))
    async with uows() as uow:
        await uow.outbox.add(
            [fx.SendText(chat_id=1, text="a"), fx.SendText(chat_id=2, text="b")], T0
        )
        await uow.outbox.add([fx.SendText(chat_id=3, text="c")], T0)
        claimed = await uow.outbox.claim_due(T0, 2, lease_seconds=60)  # the dead worker's
        await uow.commit()
    assert len(claimed) == 2
    later = T0 + timedelta(seconds=1)
    async with uows() as uow:  # without a take-over, they wait for their leases (60 s)
        assert [i.chat_id for i in await uow.outbox.claim_due(later, 10, 60)] == [3]
        # not committed: rolled back
    lease = PostgresWorkerLease(engine, lambda: None)
    assert await lease.take_over(later) == 2
    async with uows() as uow:
        again = await uow.outbox.claim_due(later, 10, 60)
        await uow.commit()
    assert [i.chat_id for i in again] == [1, 2, 3], "sendable at once, in order"


async def test_a_notify_wakes_the_holder(engine: AsyncEngine) -> None:
    woken: list[int] = []
    holder = PostgresWorkerLease(engine, lambda: woken.append(1))
    assert await holder.acquire()
    notifier = OutboxNotifier(engine)
    notifier.notify()
    notifier.notify()  # coalesced with the first, or sent once more
    await eventually(lambda: len(woken) >= 1)
    await notifier.close()
    await holder.release()


@dataclass
class FakeSender:
    runs: int = 0
    stops: int = 0
    drains: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        self.runs += 1
        self._stop.clear()
        await self._stop.wait()

    async def stop(self) -> None:
        self.stops += 1
        self._stop.set()

    async def drain(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        self.drains += 1

    def wake(self) -> None:
        return None


@dataclass
class FakeDelivery:
    rounds: int = 0

    async def run_due(self) -> int:
        self.rounds += 1
        return 0


@dataclass
class FakeClock:
    def now(self) -> datetime:
        return T0


def fake_core() -> Any:
    return type(
        "FakeCore", (), {"sender": FakeSender(), "delivery": FakeDelivery(), "clock": FakeClock()}
    )()


async def test_one_worker_the_other_takes_over(engine: AsyncEngine) -> None:
    cores = [fake_core(), fake_core()]
    jobs_ran: list[str] = []

    async def job() -> None:
        jobs_ran.append("tick")

    workers = [
        Worker(
            cast(Core, core),
            {"tick": (job, 0.05)},
            PostgresWorkerLease(engine, lambda: None),
            retry_every=0.1,
        )
        for core in cores
    ]
    await workers[0].start()
    await workers[1].start()
    assert [w.role for w in workers] == [Role.WORKER, Role.STANDBY]
    assert workers[0].alive and workers[1].alive
    assert cores[0].delivery.rounds == 1 and cores[1].delivery.rounds == 0
    await eventually(lambda: len(jobs_ran) >= 2)
    await workers[0].stop()
    assert cores[0].sender.drains == 1, "a graceful stop lets the sender finish first"
    await eventually(lambda: workers[1].role is Role.WORKER)
    # The sender is a task of its own: it starts at the loop's next turn, not before the role.
    await eventually(lambda: cores[1].sender.runs == 1)
    assert cores[1].sender.runs == 1 and cores[1].delivery.rounds == 1
    await workers[1].stop()
    assert workers[1].role is Role.STOPPED and not workers[1].alive


async def test_sqlite_has_one_process_which_is_the_worker() -> None:
    lease: WorkerLease = LocalWorkerLease()
    assert await lease.acquire() and await lease.held()
    assert await lease.take_over(T0) == 0
    worker = Worker(cast(Core, fake_core()), {}, lease, retry_every=0.1)
    await worker.start()
    assert worker.role is Role.WORKER and worker.alive
    await worker.stop()
