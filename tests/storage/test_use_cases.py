"""Contract tests of the use cases written once (`bot.services.matches`, `bot.services.pairs`,
`bot.services.bans`), on SQLite, PostgreSQL and the in-memory fake: closing a request withdraws
what is still pending, forming a pair closes the mentee's request, the capacity rule, ending a
pair, and a ban."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.effects import SendText
from bot.core.matching import free_places
from bot.core.models import (
    Pair,
    PairStatus,
    Person,
    ProposalStatus,
    RequestStatus,
    Role,
    StepStatus,
)
from bot.core.ports import UnitOfWorkFactory
from bot.core.programs import ProgramCatalog, load_programs
from bot.core.staff import BANNED
from bot.i18n import Catalogs
from bot.services.bans import ban
from bot.services.matches import (
    close_request,
    current_load,
    form_pair,
    has_room,
    mentor_pair,
    withdraw,
)
from bot.services.matchmaking import Matchmaker
from bot.services.pairs import end_pair, start_pair
from tests.storage.test_storage_matching import T0, add_proposals, add_request, hours, proposal

CURRICULA = Path(__file__).resolve().parents[2] / "curricula"
STAFF = 9000
DONE: dict[str, Any] = {
    "onboarded_at": T0,
    "program": "college",
    "languages": ("en",),
    "time_zone": "Europe/Rome",
    "preferred_hour": 18,
}


@pytest.fixture(scope="module")
def catalog() -> ProgramCatalog:
    return load_programs(CURRICULA)


async def add_members(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person], mentors: int, mentees: int
) -> None:
    """Mentors 1..mentors (capacity 1, approved, trained), mentees 101..100+mentees."""
    async with uow() as tx:
        for n in range(1, mentors + 1):
            await tx.persons.add(
                make_person(
                    n,
                    role=Role.MENTOR,
                    capacity=1,
                    approved_at=T0,
                    training_passed_at=T0,
                    display_name=f"Mentor {n}",
                    **DONE,
                )
            )
        for n in range(101, 101 + mentees):
            await tx.persons.add(
                make_person(n, role=Role.MENTEE, display_name=f"Mentee {n}", **DONE)
            )
        await tx.commit()


def test_current_load_counts_only_pairs_that_have_not_ended() -> None:
    """One count of who has a mentor and how full each mentor is, for /match's pool as for
    `active_pairs` (a paused pair still holds its place; an ended one does not)."""
    pairs = [
        Pair(id=1, program="p", mentee_id=10, mentor_id=20, started_at=T0),
        Pair(
            id=2, program="p", mentee_id=11, mentor_id=20, started_at=T0, status=PairStatus.PAUSED
        ),
        Pair(
            id=3, program="p", mentee_id=12, mentor_id=21, started_at=T0, status=PairStatus.ENDED
        ),
    ]
    paired, load = current_load(pairs)
    assert paired == {10, 11}
    assert load[20] == 2 and load[21] == 0


def test_free_places_is_capacity_minus_pairs_never_below_zero() -> None:
    assert free_places(3, 1) == 2
    assert free_places(1, 1) == 0
    assert free_places(1, 4) == 0
    assert free_places(None, 0) == 0


async def test_closing_a_request_withdraws_only_what_is_pending(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_members(any_uow, make_person, 2, 1)
    request = await add_request(any_uow, 101)
    declined, pending = await add_proposals(
        any_uow,
        proposal(request, 1, status=ProposalStatus.DECLINED, decided_at=hours(1)),
        proposal(request, 2, created_at=hours(2)),
    )
    async with any_uow() as tx:
        withdrawn = await close_request(tx, request, RequestStatus.CANCELLED, hours(3))
        await tx.commit()
    assert [p.id for p in withdrawn] == [pending.id]
    async with any_uow() as tx:
        stored = await tx.matching.get_request(request.id)
        first = await tx.matching.get_proposal(declined.id)
        second = await tx.matching.get_proposal(pending.id)
        open_now = await tx.matching.open_request(101)
    assert stored is not None and stored.status is RequestStatus.CANCELLED
    assert stored.closed_at == hours(3) and stored.pair_id is None
    assert first is not None and first.status is ProposalStatus.DECLINED
    assert first.decided_at == hours(1)
    assert second is not None and second.status is ProposalStatus.WITHDRAWN
    assert second.decided_at == hours(3)
    assert open_now is None


async def test_withdrawing_one_proposal(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_members(any_uow, make_person, 1, 1)
    request = await add_request(any_uow, 101)
    (pending,) = await add_proposals(any_uow, proposal(request, 1))
    async with any_uow() as tx:
        done = await withdraw(tx, pending, hours(1))
        await tx.commit()
        assert not await tx.matching.pending_for_mentor(1)
    assert done.status is ProposalStatus.WITHDRAWN and done.decided_at == hours(1)


async def test_forming_a_pair_accepts_closes_and_tells_both(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person], catalog: ProgramCatalog
) -> None:
    await add_members(any_uow, make_person, 1, 1)
    request = await add_request(any_uow, 101)
    (offered,) = await add_proposals(any_uow, proposal(request, 1))
    program = catalog.get("college")
    assert program is not None
    async with any_uow() as tx:
        mentee, mentor = await tx.persons.get(101), await tx.persons.get(1)
        assert mentee is not None and mentor is not None
        assert await has_room(tx, mentor)
        assert await mentor_pair(tx, 101) is None
        pair, told = await form_pair(
            tx,
            catalog,
            Catalogs(),
            mentee=mentee,
            mentor=mentor,
            program=program,
            request=request,
            now=hours(1),
            accepted=offered,
        )
        await tx.commit()
    assert {e.chat_id for e in told if isinstance(e, SendText)} == {1, 101}
    async with any_uow() as tx:
        stored = await tx.matching.get_request(request.id)
        accepted = await tx.matching.get_proposal(offered.id)
        mentor_now = await tx.persons.get(1)
        assert mentor_now is not None
        assert not await has_room(tx, mentor_now)  # capacity 1, one pair
        found = await mentor_pair(tx, 101)
        assert found is not None and found.id == pair.id
        assert await mentor_pair(tx, 1) is None  # the mentor's pair is not a mentor of theirs
        steps = await tx.schedule.of_pair(pair.id)
    assert stored is not None and stored.status is RequestStatus.MATCHED
    assert stored.pair_id == pair.id and stored.closed_at == hours(1)
    assert accepted is not None and accepted.status is ProposalStatus.ACCEPTED
    assert accepted.decided_at == hours(1)
    assert mentor_now.active_pair_id == pair.id
    assert steps and {s.person_id for s in steps} == {1, 101}


async def test_forming_a_pair_chosen_by_staff_withdraws_the_pending_proposal(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person], catalog: ProgramCatalog
) -> None:
    await add_members(any_uow, make_person, 2, 1)
    request = await add_request(any_uow, 101)
    (asked,) = await add_proposals(any_uow, proposal(request, 1))
    program = catalog.get("college")
    assert program is not None
    async with any_uow() as tx:
        mentee, mentor = await tx.persons.get(101), await tx.persons.get(2)
        assert mentee is not None and mentor is not None
        pair, _ = await form_pair(
            tx,
            catalog,
            Catalogs(),
            mentee=mentee,
            mentor=mentor,
            program=program,
            request=await tx.matching.open_request(101),
            now=hours(1),
        )
        await tx.commit()
    async with any_uow() as tx:
        other = await tx.matching.get_proposal(asked.id)
        stored = await tx.matching.get_request(request.id)
    assert other is not None and other.status is ProposalStatus.WITHDRAWN
    assert stored is not None and stored.status is RequestStatus.MATCHED
    assert stored.pair_id == pair.id


async def test_ending_a_pair_cancels_what_was_still_to_send(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person], catalog: ProgramCatalog
) -> None:
    await add_members(any_uow, make_person, 1, 1)
    async with any_uow() as tx:
        pair = await start_pair(tx, catalog, mentee_id=101, mentor_id=1, program="college", at=T0)
        ended = await end_pair(tx, pair, 101, "not a good fit", hours(1))
        await tx.commit()
    assert ended.status is PairStatus.ENDED and ended.ended_by == 101
    async with any_uow() as tx:
        stored = await tx.pairs.get(pair.id)
        steps = await tx.schedule.of_pair(pair.id)
    assert stored is not None and stored.status is PairStatus.ENDED
    assert stored.end_reason == "not a good fit" and stored.ended_at == hours(1)
    assert steps and all(s.status is StepStatus.CANCELLED for s in steps)


async def test_banning_a_mentor(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person], catalog: ProgramCatalog
) -> None:
    """Flagged, approval withdrawn, their pairs ended (by the staff member, reason `banned`),
    their pending proposal withdrawn and the mentee's request moved on to the next mentor."""
    await add_members(any_uow, make_person, 2, 2)
    request = await add_request(any_uow, 102)
    (asked,) = await add_proposals(any_uow, proposal(request, 1))
    async with any_uow() as tx:
        pair = await start_pair(tx, catalog, mentee_id=101, mentor_id=1, program="college", at=T0)
        await tx.commit()
    matchmaker = Matchmaker(catalog, Catalogs())
    async with any_uow() as tx:
        mentor = await tx.persons.get(1)
        assert mentor is not None
        banned = await ban(tx, matchmaker, mentor, by=STAFF, reason="spam", now=hours(1))
        await tx.commit()
    assert banned.person.approved_at is None
    assert [p.id for p in banned.ended] == [pair.id]
    assert banned.effects  # the next mentor (2) is asked about mentee 102
    async with any_uow() as tx:
        assert await tx.staff.banned([1, 2]) == {1}
        flags = await tx.staff.flags([1])
        stored = await tx.pairs.get(pair.id)
        withdrawn = await tx.matching.get_proposal(asked.id)
        next_ones = await tx.matching.pending_for_mentor(2)
        mentor_now = await tx.persons.get(1)
    assert [(f.kind, f.reason, f.by) for f in flags] == [(BANNED, "spam", STAFF)]
    assert stored is not None and stored.status is PairStatus.ENDED
    assert stored.ended_by == STAFF and stored.end_reason == "banned"
    assert withdrawn is not None and withdrawn.status is ProposalStatus.WITHDRAWN
    assert [p.mentee_id for p in next_ones] == [102]
    assert mentor_now is not None and mentor_now.approved_at is None


async def test_banning_a_mentee_cancels_their_request(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person], catalog: ProgramCatalog
) -> None:
    await add_members(any_uow, make_person, 1, 1)
    request = await add_request(any_uow, 101)
    (asked,) = await add_proposals(any_uow, proposal(request, 1))
    async with any_uow() as tx:
        mentee = await tx.persons.get(101)
        assert mentee is not None
        banned = await ban(
            tx, Matchmaker(catalog, Catalogs()), mentee, by=STAFF, reason="x", now=hours(1)
        )
        await tx.commit()
    assert banned.ended == [] and banned.effects == []
    assert banned.person == replace(mentee)
    async with any_uow() as tx:
        stored = await tx.matching.get_request(request.id)
        withdrawn = await tx.matching.get_proposal(asked.id)
    assert stored is not None and stored.status is RequestStatus.CANCELLED
    assert stored.closed_at == hours(1)
    assert withdrawn is not None and withdrawn.status is ProposalStatus.WITHDRAWN
