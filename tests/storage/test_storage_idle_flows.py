"""Contract tests on SQLite, PostgreSQL and the in-memory fake: the retention round deletes the
conversations left unfinished for longer than `FLOW_IDLE_EXPIRY` (a row one microsecond past the
cutoff goes, one at the cutoff stays), in batches, and removes the typed words of staff drafts
that can no longer be confirmed, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core.models import FlowState, Person
from bot.core.ports import UnitOfWorkFactory
from bot.core.privacy import Retention
from bot.core.staff import DRAFT_LIFETIME, DraftKind, StaffDraft
from bot.services.privacy import retention_round
from tests.fakes import FakeClock
from tests.storage.conftest import T0

IDLE = timedelta(days=30)
NOW = T0 + timedelta(days=100)
CUTOFF = NOW - IDLE


def flow(user_id: int, at: datetime, words: str) -> FlowState:
    return FlowState(
        user_id=user_id,
        flow="report",
        state="report.pause",
        data={"reason": "unsafe", "text": words, "set_aside": {"data": {"typed": words}}},
        token=f"t{user_id}",
        updated_at=at,
    )


async def test_idle_conversations_go_exactly_after_the_idle_expiry(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    times = {
        1: T0,
        2: CUTOFF - timedelta(days=1),
        3: CUTOFF - timedelta(microseconds=1),  # one microsecond past the cutoff: goes
        4: CUTOFF,  # exactly at the cutoff: stays
        5: NOW - timedelta(minutes=1),
    }
    async with any_uow() as tx:
        for user_id, at in times.items():
            await tx.persons.add(make_person(user_id))
            await tx.flows.save(flow(user_id, at, f"zebrafinch{user_id}"))
        await tx.commit()
    purged = await retention_round(any_uow, FakeClock(NOW), Retention(flow_idle=IDLE), batch=2)
    assert purged.conversations == 3, "in batches of 2: 2, then 1"
    async with any_uow() as tx:
        left = {user_id: await tx.flows.get(user_id) for user_id in times}
        assert [u for u, f in left.items() if f is not None] == [4, 5]
        assert left[4] == flow(4, CUTOFF, "zebrafinch4"), "the one at the cutoff is untouched"
        assert all([await tx.persons.get(u) for u in times]), "only the conversations go"
    again = await retention_round(any_uow, FakeClock(NOW), Retention(flow_idle=IDLE))
    assert again.conversations == 0
    later = await retention_round(
        any_uow, FakeClock(NOW + timedelta(microseconds=1)), Retention(flow_idle=IDLE)
    )
    assert later.conversations == 1, "a microsecond later, the one at the cutoff goes"


async def test_a_full_batch_of_idle_conversations_goes_in_several_transactions(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async with any_uow() as tx:
        for user_id in range(1, 7):
            await tx.persons.add(make_person(user_id))
            await tx.flows.save(flow(user_id, T0, "old words"))
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.privacy.purge_idle_flows(CUTOFF, 4) == 4, "a batch is at most `limit`"
        await tx.commit()
    purged = await retention_round(any_uow, FakeClock(NOW), Retention(flow_idle=IDLE), batch=2)
    assert purged.conversations == 2
    async with any_uow() as tx:
        assert [await tx.flows.get(u) for u in range(1, 7)] == [None] * 6


def draft(user_id: int, kind: DraftKind, data: dict[str, Any], at: datetime) -> StaffDraft:
    return StaffDraft(
        user_id=user_id,
        kind=kind,
        token=f"k{user_id}",
        data=data,
        created_at=at,
    )


async def test_expired_staff_drafts_lose_their_typed_words_once(
    any_uow: UnitOfWorkFactory,
) -> None:
    expired = NOW - DRAFT_LIFETIME
    words: dict[str, Any] = {"program": "college", "audience": "all", "text": "Quokkaword meeting"}
    match: dict[str, Any] = {"program": "college", "pairs": [[1, 2, 0.5]]}
    drafts = [
        draft(11, DraftKind.BROADCAST, words, expired - timedelta(microseconds=1)),
        draft(12, DraftKind.BROADCAST, words, expired),  # can still be confirmed: kept whole
        draft(13, DraftKind.MATCH, match, T0),  # no typed words: unchanged
        draft(14, DraftKind.BROADCAST, words, T0),
    ]
    async with any_uow() as tx:
        for d in drafts:
            await tx.staff.save_draft(d)
        await tx.commit()
    purged = await retention_round(any_uow, FakeClock(NOW), Retention(), batch=1)
    assert purged.draft_words == 2
    async with any_uow() as tx:
        left = {d.user_id: await tx.staff.draft(d.user_id) for d in drafts}
    without = {"program": "college", "audience": "all"}
    assert left[11] == draft(11, DraftKind.BROADCAST, without, drafts[0].created_at)
    assert left[12] == drafts[1]
    assert left[13] == drafts[2]
    assert left[14] == draft(14, DraftKind.BROADCAST, without, T0)
    assert left[14] is not None and left[14].expired(NOW), "still told as expired if pressed"
    again = await retention_round(any_uow, FakeClock(NOW), Retention())
    assert again.draft_words == 0, "already purged: not rewritten every hour"
