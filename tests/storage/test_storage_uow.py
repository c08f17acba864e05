"""Contract tests of the SQL unit of work and update log: transactions and concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.effects import SendText
from bot.core.models import FlowState, Person
from bot.core.ports import UnitOfWorkFactory

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class Boom(Exception):
    pass


async def test_uncommitted_unit_of_work_writes_nothing(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async with uow() as tx:
        await tx.persons.add(make_person(1))
        await tx.flows.save(FlowState(user_id=1, flow="f", state="s", updated_at=T0))
        assert await tx.updates.claim(100, T0)
        await tx.outbox.add([SendText(chat_id=1, text="hi")], T0)
        assert await tx.persons.get(1) is not None  # visible inside the transaction
    async with uow() as tx:
        assert await tx.persons.get(1) is None
        assert await tx.flows.get(1) is None
        assert await tx.updates.claim(100, T0)
        assert await tx.outbox.pending_count() == 0


async def test_exception_inside_unit_of_work_rolls_back(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    with pytest.raises(Boom):
        async with uow() as tx:
            await tx.persons.add(make_person(1))
            raise Boom
    async with uow() as tx:
        assert await tx.persons.get(1) is None


async def test_work_after_a_commit_needs_another_commit(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async with uow() as tx:
        await tx.persons.add(make_person(1))
        await tx.commit()
        await tx.persons.update(make_person(1, language="it"))
        await tx.persons.add(make_person(2))
    async with uow() as tx:
        stored = await tx.persons.get(1)
        assert stored is not None and stored.language == "en"
        assert await tx.persons.get(2) is None


async def test_a_later_unit_of_work_sees_committed_changes(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async with uow() as reader:
        assert await reader.persons.get(1) is None
        await reader.commit()  # on SQLite a transaction holds the write lock until it ends
        async with uow() as writer:
            await writer.persons.add(make_person(1))
            await writer.commit()
        assert await reader.persons.get(1) == make_person(1)


async def test_update_claim_is_idempotent(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        assert await tx.updates.claim(7_000_000_001, T0) is True
        assert await tx.updates.claim(7_000_000_001, T0) is False
        await tx.commit()
    async with uow() as tx:
        assert await tx.updates.claim(7_000_000_001, T0) is False
        assert await tx.updates.claim(7_000_000_002, T0) is True


async def test_concurrent_claims_of_one_update_give_exactly_one_true(
    uow: UnitOfWorkFactory,
) -> None:
    async def claim() -> bool:
        async with uow() as tx:
            won = await tx.updates.claim(42, T0)
            await asyncio.sleep(0.02)
            await tx.commit()
            return won

    results = await asyncio.gather(*(claim() for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]


async def test_a_rolled_back_claim_does_not_count(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        assert await tx.updates.claim(42, T0)
    async with uow() as tx:
        assert await tx.updates.claim(42, T0)


async def test_update_purge_forgets_old_ids(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        for i in range(5):
            await tx.updates.claim(i, T0 + timedelta(hours=i))
        await tx.commit()
    async with uow() as tx:
        assert await tx.updates.purge(T0 + timedelta(hours=2)) == 2
        await tx.commit()
    async with uow() as tx:
        assert [await tx.updates.claim(i, T0) for i in range(5)] == [True, True] + [False] * 3


async def test_lock_person_prevents_lost_updates(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async with uow() as tx:
        await tx.persons.add(make_person(1, capacity=0))
        await tx.commit()

    async def increment() -> None:
        async with uow() as tx:
            await tx.lock_person(1)
            person = await tx.persons.get(1)
            assert person is not None and person.capacity is not None
            await asyncio.sleep(0.01)
            await tx.persons.update(replace(person, capacity=person.capacity + 1))
            await tx.commit()

    await asyncio.gather(*(increment() for _ in range(6)))
    async with uow() as tx:
        person = await tx.persons.get(1)
        assert person is not None and person.capacity == 6


async def test_lock_person_serialises_the_first_contact_of_a_new_user(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async def first_contact() -> bool:
        async with uow() as tx:
            await tx.lock_person(77)
            if await tx.persons.get(77) is not None:
                return False
            await asyncio.sleep(0.01)
            await tx.persons.add(make_person(77))
            await tx.commit()
            return True

    results = await asyncio.gather(*(first_contact() for _ in range(4)))
    assert sorted(results) == [False, False, False, True]


async def test_eight_concurrent_read_then_write_transactions_all_succeed(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async def writer(user_id: int) -> None:
        async with uow() as tx:
            assert await tx.persons.get(user_id) is None  # read first, then write
            await asyncio.sleep(0.005)
            await tx.persons.add(make_person(user_id))
            await tx.outbox.add([SendText(chat_id=user_id, text="welcome")], T0)
            await tx.commit()

    await asyncio.gather(*(writer(i) for i in range(1, 9)))
    async with uow() as tx:
        assert all([await tx.persons.get(i) is not None for i in range(1, 9)])
        assert await tx.outbox.pending_count() == 8


async def test_sqlite_connections_are_configured(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    async with engine.connect() as connection:
        values = {
            pragma: (await connection.exec_driver_sql(f"PRAGMA {pragma}")).scalar()
            for pragma in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert values == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 0,  # waits for the lock are asynchronous (sqlite_inline.py)
        "synchronous": 1,
    }
