"""Contract tests of the SQL outbox: order, leases, retries, concurrency, on both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from bot.core import effects as fx
from bot.core.effects import AnswerButton, Button, SendDocument, SendText
from bot.core.ports import UnitOfWorkFactory
from bot.storage.tables import OutboxRow
from bot.storage.uow import SqlUnitOfWork

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
LEASE = 30.0


def texts(chat_id: int, n: int) -> list[SendText]:
    return [SendText(chat_id=chat_id, text=f"message {i}") for i in range(n)]


def one_each(n: int) -> list[SendText]:
    """One message to each of `n` chats: claimable side by side (a chat's later items wait for
    its earlier ones, see `test_storage_outbox_order`)."""
    return [SendText(chat_id=100 + i, text=f"message {i}") for i in range(n)]


async def add(uow: UnitOfWorkFactory, effects: list[Any], at: datetime = T0) -> None:
    async with uow() as tx:
        await tx.outbox.add(effects, at)
        await tx.commit()


async def claim(
    uow: UnitOfWorkFactory, now: datetime = T0, limit: int = 10, lease: float = LEASE
) -> list[int]:
    async with uow() as tx:
        items = await tx.outbox.claim_due(now, limit, lease)
        await tx.commit()
    return [item.id for item in items]


async def stored(uow: UnitOfWorkFactory, item_id: int) -> SimpleNamespace:
    """The stored row, columns as attributes."""
    table = OutboxRow.__table__
    async with uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        result = await tx.session.execute(select(table).where(table.c.id == item_id))
        return SimpleNamespace(**result.mappings().one())


async def test_items_come_back_in_order_with_their_payload(uow: UnitOfWorkFactory) -> None:
    effects = [
        SendText(chat_id=-1001234567890, text="<b>hi</b>", buttons=((Button("ok", data="x"),),)),
        AnswerButton(callback_id="cb1", text="done"),
        SendDocument(chat_id=5, filename="export.json", content=b"\x00\xffdata"),
    ]
    await add(uow, effects[:2])
    await add(uow, effects[2:], T0 + timedelta(seconds=1))
    async with uow() as tx:
        items = await tx.outbox.claim_due(T0 + timedelta(seconds=1), 10, LEASE)
    assert [item.id for item in items] == sorted(item.id for item in items)
    assert [fx.from_json(item.payload) for item in items] == effects
    assert [item.chat_id for item in items] == [-1001234567890, None, 5]
    assert [item.attempts for item in items] == [1, 1, 1]
    assert [item.created_at for item in items] == [T0, T0, T0 + timedelta(seconds=1)]
    assert all(item.created_at.tzinfo is UTC for item in items)


async def test_serialised_items_are_stored_as_given_in_order(any_uow: UnitOfWorkFactory) -> None:
    """`add_serialised` takes `to_json` as JSON text; the sender gets the same effects back."""
    effects = [
        SendText(chat_id=7, text='<b>"1"</b> ✓ {x}', buttons=((Button("a", data="ci:1:a"),),)),
        SendText(chat_id=-1001234567890, text="second"),
        SendText(chat_id=7, text="third", buttons=((Button("🔗 tips", url="https://x.org"),),)),
    ]
    serialised = [(fx.chat_of(e), orjson.dumps(fx.to_json(e)).decode()) for e in effects]
    async with any_uow() as tx:
        await tx.outbox.add(effects[:1], T0)
        await tx.outbox.add_serialised(serialised[1:], T0)
        await tx.outbox.add_serialised([], T0)
        await tx.commit()
    async with any_uow() as tx:
        pending = await tx.outbox.pending_for_chat(7)
        items = await tx.outbox.claim_due(T0, 10, LEASE)
        await tx.commit()
    assert [fx.from_json(i.payload) for i in pending] == [effects[0], effects[2]]
    assert [fx.from_json(i.payload) for i in items] == effects
    assert [i.chat_id for i in items] == [7, -1001234567890, 7]
    assert [i.id for i in items] == sorted(i.id for i in items)
    assert all(i.created_at == T0 and i.attempts == 1 for i in items)


async def test_claim_respects_limit_and_leases(uow: UnitOfWorkFactory) -> None:
    await add(uow, one_each(5))
    first = await claim(uow, limit=2)
    second = await claim(uow, limit=2)
    third = await claim(uow, limit=2)
    assert len(first) == 2 and len(second) == 2 and len(third) == 1
    assert first + second + third == sorted(first + second + third)
    assert await claim(uow, T0 + timedelta(seconds=LEASE - 1)) == []
    async with uow() as tx:
        assert await tx.outbox.pending_count() == 5  # sending still counts
        assert await tx.outbox.claim_due(T0, 0, LEASE) == []


async def test_an_expired_lease_is_claimed_again(uow: UnitOfWorkFactory) -> None:
    await add(uow, texts(1, 2))
    first = await claim(uow, limit=1)
    async with uow() as tx:
        again = await tx.outbox.claim_due(T0 + timedelta(seconds=LEASE), 10, LEASE)
        await tx.commit()
    assert [item.id for item in again] == sorted([*first, first[0] + 1])
    assert [item.attempts for item in again] == [2, 1]
    assert (await stored(uow, first[0])).lease_until == T0 + timedelta(seconds=2 * LEASE)


async def test_retry_later_waits_for_not_before(uow: UnitOfWorkFactory) -> None:
    await add(uow, texts(1, 2))
    first, second = await claim(uow)
    later = T0 + timedelta(seconds=60)
    async with uow() as tx:
        await tx.outbox.retry_later(first, later, "429 retry after 60")
        await tx.outbox.mark_sent_many([(second, 1001, T0)])
        await tx.commit()
    assert await claim(uow, later - timedelta(seconds=1)) == []
    async with uow() as tx:
        assert await tx.outbox.pending_count() == 1
        items = await tx.outbox.claim_due(later, 10, LEASE)
        await tx.commit()
    assert [(item.id, item.attempts) for item in items] == [(first, 2)]
    row = await stored(uow, first)
    assert (row.status, row.error, row.not_before) == ("sending", "429 retry after 60", later)


async def test_mark_sent_and_mark_failed_finish_items(uow: UnitOfWorkFactory) -> None:
    await add(uow, texts(1, 3))
    sent, failed, open_ = await claim(uow)
    async with uow() as tx:
        await tx.outbox.mark_sent_many([(sent, 555, T0 + timedelta(seconds=1))])
        await tx.outbox.mark_failed(failed, "400 chat not found", T0 + timedelta(seconds=2))
        await tx.commit()
    assert await claim(uow, T0 + timedelta(days=1)) == [open_]
    row = await stored(uow, sent)
    assert (row.status, row.message_id, row.sent_at) == ("sent", 555, T0 + timedelta(seconds=1))
    row = await stored(uow, failed)
    assert (row.status, row.error) == ("failed", "400 chat not found")
    assert row.finished_at == T0 + timedelta(seconds=2)
    async with uow() as tx:
        assert await tx.outbox.pending_count() == 1


async def test_mark_sent_many_records_each_success(uow: UnitOfWorkFactory) -> None:
    await add(uow, texts(1, 3))
    first, second, third = await claim(uow)
    async with uow() as tx:
        await tx.outbox.mark_sent_many([(first, 11, T0), (third, 33, T0 + timedelta(seconds=3))])
        await tx.commit()
    assert await claim(uow, T0 + timedelta(days=1)) == [second]
    row = await stored(uow, third)
    assert (row.status, row.message_id, row.sent_at) == ("sent", 33, T0 + timedelta(seconds=3))
    assert row.finished_at == T0 + timedelta(seconds=3) and row.lease_until is None
    assert (await stored(uow, first)).message_id == 11


async def test_drop_pending_for_chat(uow: UnitOfWorkFactory) -> None:
    await add(uow, texts(1, 2) + texts(2, 1) + texts(1, 2))
    ids = await claim(uow, limit=1)  # one of chat 1's is being sent
    async with uow() as tx:
        await tx.outbox.mark_sent_many([(ids[0], None, T0)])
        ids += [item.id for item in await tx.outbox.claim_due(T0, 1, LEASE)]
        await tx.commit()
    async with uow() as tx:
        assert await tx.outbox.drop_pending_for_chat(1, "blocked", T0) == 3
        assert await tx.outbox.drop_pending_for_chat(1, "blocked", T0) == 0
        assert await tx.outbox.pending_count() == 1
        await tx.commit()
    remaining = await claim(uow, T0 + timedelta(days=1))
    assert len(remaining) == 1
    assert (await stored(uow, remaining[0])).chat_id == 2
    assert (await stored(uow, ids[0])).status == "sent"
    assert (await stored(uow, ids[1])).status == "dropped"


async def test_two_concurrent_claimers_never_share_an_item(uow: UnitOfWorkFactory) -> None:
    await add(uow, one_each(6))

    async def claimer() -> list[int]:
        async with uow() as tx:
            items = await tx.outbox.claim_due(T0, 3, LEASE)
            await asyncio.sleep(0.05)  # hold the locks while the other one claims
            await tx.commit()
        return [item.id for item in items]

    first, second = await asyncio.gather(claimer(), claimer())
    assert len(first) == 3 and len(second) == 3  # PostgreSQL: skipped, not waited for
    assert sorted(first + second) == list(range(min(first + second), max(first + second) + 1))
    assert not set(first) & set(second)


async def test_many_workers_send_each_item_once(uow: UnitOfWorkFactory) -> None:
    await add(uow, texts(1, 10) + texts(2, 10))
    claimed: list[int] = []

    async def worker() -> None:
        while True:
            async with uow() as tx:
                items = await tx.outbox.claim_due(T0, 3, LEASE)
                await tx.commit()
            if not items:
                return
            claimed.extend(item.id for item in items)
            await asyncio.sleep(0)
            async with uow() as tx:
                for item in items:
                    await tx.outbox.mark_sent_many([(item.id, item.id + 1000, T0)])
                await tx.commit()

    await asyncio.gather(*(worker() for _ in range(4)))
    assert len(claimed) == 20 and len(set(claimed)) == 20
    async with uow() as tx:
        assert await tx.outbox.pending_count() == 0


async def test_postgres_claimers_skip_locked_items_instead_of_waiting(
    uow: UnitOfWorkFactory,
) -> None:
    async with uow() as probe:
        assert isinstance(probe, SqlUnitOfWork)
        if probe.session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite serialises claimers: the second one waits for the write lock")
    await add(uow, one_each(4))
    async with uow() as holder:
        held = await holder.outbox.claim_due(T0, 2, LEASE)  # locked until this transaction ends
        other = await asyncio.wait_for(claim(uow, limit=10), timeout=5)
        await holder.commit()
    assert len(other) == 2
    assert not {item.id for item in held} & set(other)
