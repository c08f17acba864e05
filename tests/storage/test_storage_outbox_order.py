"""Contract tests of the claim's per-chat order (SQLite, PostgreSQL and the in-memory fake): no
item of a chat is claimed while an earlier item of that chat, in lane order, is leased, held or
still waiting; a chat's safety items come before its routine ones that are not yet leased."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.effects import SendText
from bot.core.ports import UnitOfWorkFactory
from bot.storage.uow import SqlUnitOfWork

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
LEASE = 30.0
EXPIRED = T0 + timedelta(seconds=LEASE)


def text(chat_id: int, words: str, *, safety: bool = False) -> SendText:
    return SendText(chat_id=chat_id, text=words, safety=safety)


async def add(uow: UnitOfWorkFactory, *effects: SendText) -> list[int]:
    """Queue `effects` in order; their ids."""
    async with uow() as tx:
        await tx.outbox.add(list(effects), T0)
        await tx.commit()
    async with uow() as tx:
        chats = {e.chat_id for e in effects}
        items = [i for chat in chats for i in await tx.outbox.pending_for_chat(chat)]
    return sorted(i.id for i in items)[-len(effects) :]


async def claim(
    uow: UnitOfWorkFactory, now: datetime = T0, limit: int = 10, safety_limit: int | None = None
) -> list[int]:
    async with uow() as tx:
        items = await tx.outbox.claim_due(now, limit, LEASE, safety_limit=safety_limit)
        await tx.commit()
    return [item.id for item in items]


async def sent(uow: UnitOfWorkFactory, *ids: int) -> None:
    async with uow() as tx:
        await tx.outbox.mark_sent_many([(i, i + 1000, T0) for i in ids])
        await tx.commit()


async def test_a_later_item_waits_while_an_earlier_one_of_its_chat_is_leased(
    any_uow: UnitOfWorkFactory,
) -> None:
    a1, a2, b1 = await add(any_uow, text(1, "a1"), text(1, "a2"), text(2, "b1"))
    assert await claim(any_uow, limit=1) == [a1]
    assert await claim(any_uow) == [b1], "chat 1's second item waits for its first"
    await sent(any_uow, b1)
    assert await claim(any_uow) == []
    await sent(any_uow, a1)
    assert await claim(any_uow) == [a2]


async def test_a_crashed_senders_lease_holds_the_chat_until_it_expires(
    any_uow: UnitOfWorkFactory,
) -> None:
    """The SIGKILL case: step 2 is in flight when the sender dies, step 3 is queued after."""
    (step2,) = await add(any_uow, text(1, "step 2"))
    assert await claim(any_uow) == [step2]  # the sender that dies
    (step3,) = await add(any_uow, text(1, "step 3"))
    assert await claim(any_uow, EXPIRED - timedelta(seconds=1)) == []
    async with any_uow() as tx:
        again = await tx.outbox.claim_due(EXPIRED, 10, LEASE)
        await tx.commit()
    assert [(i.id, i.attempts) for i in again] == [(step2, 2), (step3, 1)]


async def test_a_retried_item_holds_its_chat_until_it_is_due(any_uow: UnitOfWorkFactory) -> None:
    first, second = await add(any_uow, text(1, "first"), text(1, "second"))
    assert await claim(any_uow) == [first, second]
    later = T0 + timedelta(seconds=10)
    async with any_uow() as tx:
        await tx.outbox.retry_later(first, later, "502")
        await tx.outbox.retry_later(second, T0, "released")
        await tx.commit()
    assert await claim(any_uow, T0 + timedelta(seconds=1)) == []
    assert await claim(any_uow, later) == [first, second]


async def test_a_limit_never_splits_a_chat_between_two_claims(any_uow: UnitOfWorkFactory) -> None:
    a1, a2, a3 = await add(any_uow, text(1, "a1"), text(1, "a2"), text(1, "a3"))
    assert await claim(any_uow, limit=2) == [a1, a2]
    assert await claim(any_uow, limit=2) == []
    await sent(any_uow, a1, a2)
    assert await claim(any_uow, limit=2) == [a3]


async def test_a_safety_item_overtakes_unleased_routine_items_of_its_chat(
    any_uow: UnitOfWorkFactory,
) -> None:
    r1, r2, r3 = await add(any_uow, text(5, "r1"), text(5, "r2"), text(5, "r3"))
    assert await claim(any_uow, limit=1) == [r1]  # leased: being sent
    (alert,) = await add(any_uow, text(5, "crisis", safety=True))
    async with any_uow() as tx:
        items = await tx.outbox.claim_due(T0, 10, LEASE)
        await tx.commit()
    assert [(i.id, i.safety) for i in items] == [(alert, True)], "r2 still waits behind r1"
    await sent(any_uow, r1, alert)
    assert await claim(any_uow) == [r2, r3]


async def test_safety_items_come_first_and_have_their_own_room(
    any_uow: UnitOfWorkFactory,
) -> None:
    routine = await add(any_uow, *(text(10 + n, f"r{n}") for n in range(3)))
    alert, context = await add(
        any_uow, text(7, "alert", safety=True), text(7, "context", safety=True)
    )
    assert await claim(any_uow, limit=0, safety_limit=5) == [alert, context]
    assert await claim(any_uow, limit=2) == routine[:2]


async def test_routine_items_wait_behind_a_held_safety_item(any_uow: UnitOfWorkFactory) -> None:
    (alert,) = await add(any_uow, text(7, "alert", safety=True))
    assert await claim(any_uow) == [alert]
    (routine,) = await add(any_uow, text(7, "routine"))
    assert await claim(any_uow) == []
    async with any_uow() as tx:
        await tx.outbox.retry_later(alert, T0 + timedelta(seconds=5), "502")
        await tx.commit()
    assert await claim(any_uow, T0 + timedelta(seconds=1)) == []
    assert await claim(any_uow, T0 + timedelta(seconds=5)) == [alert, routine]


async def test_concurrent_workers_keep_each_chats_order(any_uow: UnitOfWorkFactory) -> None:
    """Workers claim, hold and send concurrently: each chat's items are claimed in order, one
    claim at a time, and each exactly once."""
    chats = range(1, 6)
    await add(any_uow, *(text(c, f"{c}:{n}") for n in range(6) for c in chats))
    order: dict[int, list[int]] = defaultdict(list)
    holding: dict[int, int] = {}
    claimed: list[int] = []

    async def worker() -> None:
        idle = 0
        while idle < 20:
            async with any_uow() as tx:
                items = await tx.outbox.claim_due(T0, 4, LEASE)
                await tx.commit()
            if not items:
                idle += 1
                await asyncio.sleep(0.01)
                continue
            idle = 0
            mine = {i.chat_id for i in items if i.chat_id is not None}
            assert not mine & set(holding), "two claims of one chat at once"
            holding.update(dict.fromkeys(mine, 1))
            for item in items:
                assert item.chat_id is not None
                order[item.chat_id].append(item.id)
                claimed.append(item.id)
            await asyncio.sleep(0.01)
            for chat in mine:
                del holding[chat]
            await sent(any_uow, *(i.id for i in items))

    await asyncio.gather(*(worker() for _ in range(3)))
    assert len(claimed) == 30 and len(set(claimed)) == 30
    assert all(ids == sorted(ids) for ids in order.values())


async def test_postgres_a_claimer_skips_a_chat_whose_earlier_item_another_holds(
    any_uow: UnitOfWorkFactory,
) -> None:
    """`SKIP LOCKED` hides the earlier row another claimer has locked (not yet committed): the
    chat's later items must not be taken meanwhile."""
    async with any_uow() as probe:
        if not isinstance(probe, SqlUnitOfWork) or (
            probe.session.get_bind().dialect.name != "postgresql"
        ):
            pytest.skip("SQLite serialises claimers; the fake has no concurrent transactions")
    a1, a2, b1 = await add(any_uow, text(1, "a1"), text(1, "a2"), text(2, "b1"))
    async with any_uow() as holder:
        held = await holder.outbox.claim_due(T0, 1, LEASE)  # a1, locked until commit
        other = await asyncio.wait_for(claim(any_uow), timeout=5)
        await holder.commit()
    assert [i.id for i in held] == [a1]
    assert other == [b1]
    await sent(any_uow, a1)
    assert await claim(any_uow) == [a2]
