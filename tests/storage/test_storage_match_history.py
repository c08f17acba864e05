"""Contract test of `MatchingRepository.history` (issue 13, defect 7): the one query that keeps
couples who ended or declined from being proposed or suggested again, on SQLite, PostgreSQL
and the in-memory fake."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.models import (
    CAPACITY_DECLINE,
    Pair,
    PairStatus,
    PastCouple,
    PastOutcome,
    Person,
    ProposalStatus,
)
from bot.core.ports import UnitOfWorkFactory
from tests.storage.test_storage_matching import (
    BIG_ID,
    T0,
    add_people,
    add_proposals,
    add_request,
    hours,
    proposal,
)

STAFF = 9000


async def add_pair(uow: UnitOfWorkFactory, mentee: int, mentor: int, **fields: object) -> Pair:
    values: dict[str, object] = {
        "program": "college",
        "mentee_id": mentee,
        "mentor_id": mentor,
        "started_at": T0,
    }
    values.update(fields)
    async with uow() as tx:
        pair = await tx.pairs.add(Pair(**values))  # type: ignore[arg-type]
        await tx.commit()
    return pair


async def test_history_holds_every_ending_and_every_real_decline(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, BIG_ID, 2, 10, 20, 30, 40, 50)
    ended = dict(status=PairStatus.ENDED)
    await add_pair(
        any_uow, BIG_ID, 10, ended_at=hours(5), ended_by=BIG_ID, end_reason="fit", **ended
    )
    await add_pair(
        any_uow, BIG_ID, 20, ended_at=hours(1), ended_by=STAFF, end_reason="moving", **ended
    )
    await add_pair(any_uow, BIG_ID, 30)  # active: not history
    await add_pair(any_uow, 2, 40, ended_at=hours(2), ended_by=40, end_reason="blocked", **ended)
    request = await add_request(any_uow, BIG_ID)
    await add_proposals(
        any_uow,
        proposal(request, 40, status=ProposalStatus.DECLINED, decided_at=hours(3), reason="busy"),
        proposal(request, 50, status=ProposalStatus.DECLINED, decided_at=hours(4)),  # no reason
        proposal(request, 30, status=ProposalStatus.DECLINED, reason=CAPACITY_DECLINE),
        proposal(request, 10, status=ProposalStatus.EXPIRED, decided_at=hours(6)),
        proposal(request, 20, status=ProposalStatus.WITHDRAWN, decided_at=hours(6)),
        proposal(request, 50, status=ProposalStatus.PENDING),
    )
    ended_outcome, declined = PastOutcome.ENDED, PastOutcome.DECLINED
    async with any_uow() as tx:
        mine = await tx.matching.history([BIG_ID])
        both = await tx.matching.history([2, BIG_ID, 2])
        assert await tx.matching.history([]) == []
        assert await tx.matching.history([10, 40]) == [], "mentors are not mentees"
    assert mine == [
        PastCouple(
            mentee_id=BIG_ID,
            mentor_id=20,
            outcome=ended_outcome,
            at=hours(1),
            by=STAFF,
            reason="moving",
        ),
        PastCouple(
            mentee_id=BIG_ID, mentor_id=40, outcome=declined, at=hours(3), by=40, reason="busy"
        ),
        PastCouple(
            mentee_id=BIG_ID, mentor_id=50, outcome=declined, at=hours(4), by=50, reason=None
        ),
        PastCouple(
            mentee_id=BIG_ID,
            mentor_id=10,
            outcome=ended_outcome,
            at=hours(5),
            by=BIG_ID,
            reason="fit",
        ),
    ]
    assert [(c.mentee_id, c.mentor_id) for c in both] == [
        (BIG_ID, 20),
        (2, 40),
        (BIG_ID, 40),
        (BIG_ID, 50),
        (BIG_ID, 10),
    ]
