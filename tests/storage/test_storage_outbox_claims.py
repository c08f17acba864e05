"""Contract tests: an outcome is recorded only while its claim holds (SQLite, PostgreSQL and the
in-memory fake). A sender whose lease ran out must not, by a late release, retry or failure, put
back an item that another sender has claimed since (it would be sent twice), and no late outcome
overwrites `dropped`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.effects import SendText
from bot.core.ports import UnitOfWorkFactory
from bot.storage.tables import OutboxRow
from bot.storage.uow import SqlUnitOfWork

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
LEASE = 30.0
EXPIRED = T0 + timedelta(seconds=LEASE)


async def add_one(uow: UnitOfWorkFactory, chat_id: int = 1) -> int:
    async with uow() as tx:
        await tx.outbox.add([SendText(chat_id=chat_id, text="hello")], T0)
        await tx.commit()
    async with uow() as tx:
        (item,) = await tx.outbox.pending_for_chat(chat_id)
    return item.id


async def claim(uow: UnitOfWorkFactory, now: datetime) -> list[tuple[int, int]]:
    """Claim what is due at `now`: (id, attempt) of each item."""
    async with uow() as tx:
        items = await tx.outbox.claim_due(now, 10, LEASE)
        await tx.commit()
    return [(item.id, item.attempts) for item in items]


async def status(uow: UnitOfWorkFactory, item_id: int) -> str:
    async with uow() as tx:
        if isinstance(tx, SqlUnitOfWork):
            table = OutboxRow.__table__
            result = await tx.session.execute(select(table.c.status).where(table.c.id == item_id))
            return str(result.scalar_one())
        rows = tx.outbox.rows  # type: ignore[attr-defined]
        return str(next(r.status for r in rows if r.item.id == item_id))


async def test_a_late_release_leaves_another_senders_claim_alone(
    any_uow: UnitOfWorkFactory,
) -> None:
    item = await add_one(any_uow)
    assert await claim(any_uow, T0) == [(item, 1)]  # sender A
    assert await claim(any_uow, EXPIRED) == [(item, 2)]  # A's lease ran out: sender B
    async with any_uow() as tx:  # A, late, hands its claim back
        await tx.outbox.retry_later(item, EXPIRED, "released: sender stopped", attempt=1)
        await tx.commit()
    assert await status(any_uow, item) == "sending"
    assert await claim(any_uow, EXPIRED + timedelta(seconds=1)) == [], "B still holds it"
    async with any_uow() as tx:  # B's own retry counts
        await tx.outbox.retry_later(item, EXPIRED, "502", attempt=2)
        await tx.commit()
    assert await claim(any_uow, EXPIRED) == [(item, 3)]


async def test_a_late_failure_leaves_another_senders_claim_alone(
    any_uow: UnitOfWorkFactory,
) -> None:
    item = await add_one(any_uow)
    await claim(any_uow, T0)
    await claim(any_uow, EXPIRED)
    async with any_uow() as tx:
        await tx.outbox.mark_failed(item, "gave up", EXPIRED, attempt=1)
        await tx.commit()
    assert await status(any_uow, item) == "sending"
    async with any_uow() as tx:
        assert await tx.outbox.pending_count() == 1
        await tx.outbox.mark_failed(item, "400 chat not found", EXPIRED, attempt=2)
        await tx.commit()
    assert await status(any_uow, item) == "failed"


async def test_no_outcome_overwrites_dropped(any_uow: UnitOfWorkFactory) -> None:
    first, second, third = [await add_one(any_uow, chat) for chat in (1, 2, 3)]
    await claim(any_uow, T0)
    async with any_uow() as tx:
        for chat in (1, 2, 3):
            assert await tx.outbox.drop_pending_for_chat(chat, "recipient blocked", T0) == 1
        await tx.commit()
    async with any_uow() as tx:
        await tx.outbox.mark_sent_many([(first, 10, T0)])
        await tx.outbox.mark_sent_many([(second, 20, T0)])
        await tx.outbox.retry_later(third, T0, "502")
        await tx.outbox.mark_failed(third, "400", T0)
        await tx.commit()
    assert [await status(any_uow, i) for i in (first, second, third)] == ["dropped"] * 3
    assert await claim(any_uow, T0 + timedelta(days=1)) == []


async def test_outcomes_of_a_pending_or_unknown_item_change_nothing(
    any_uow: UnitOfWorkFactory,
) -> None:
    item = await add_one(any_uow)
    async with any_uow() as tx:  # never claimed
        await tx.outbox.mark_sent_many([(item, 1, T0)])
        await tx.outbox.mark_failed(item, "400", T0)
        await tx.outbox.mark_sent_many([(999_999, None, T0)])
        await tx.outbox.retry_later(999_999, T0, "502")
        await tx.commit()
    assert await status(any_uow, item) == "pending"


async def test_a_lost_claim_is_logged_with_ids_only(
    uow: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    item = await add_one(uow)
    await claim(uow, T0)
    await claim(uow, EXPIRED)
    with caplog.at_level(logging.WARNING, logger="bot.storage.outbox"):
        async with uow() as tx:
            await tx.outbox.retry_later(item, EXPIRED, "a secret error text", attempt=1)
            await tx.outbox.mark_sent_many([(item + 1, 5, T0)])
            await tx.commit()
    assert [r.getMessage() for r in caplog.records] == [
        f"outbox item {item}: claim lost, retry not recorded",
        f"outbox: claim lost on 1 of 1 items sent (first id {item + 1})",
    ]
