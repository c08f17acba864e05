"""SQL implementation of the core's MatchingRepository: mentees' requests and the proposals
made to mentors.

The queue of a program is its `waiting` requests by `(created_at, id)`, read from the
`(program, status, created_at)` index. A mentee has at most one waiting request: a partial
unique index on `mentee_id WHERE status = 'waiting'` (SQLite and PostgreSQL) makes a second one
raise `sqlalchemy.exc.IntegrityError`, and serves `open_request`. Proposals are read by request,
by mentor (`(mentor_id, status)`) and by deadline (`(status, deadline)`, for expiry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Select,
    String,
    Table,
    func,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import (
    CAPACITY_DECLINE,
    MatchRequest,
    PairStatus,
    PastCouple,
    PastOutcome,
    Proposal,
    ProposalStatus,
    RequestStatus,
)
from bot.storage.repositories import rowcount
from bot.storage.tables import MatchRequestRow, PairRow, ProposalRow

__all__ = ["SqlMatchingRepository"]

_requests = cast(Table, MatchRequestRow.__table__)
_proposals = cast(Table, ProposalRow.__table__)
_pairs = cast(Table, PairRow.__table__)
_r = _requests.c
HISTORY_CHUNK = 500  # mentee ids per query (well under every database's parameter limit)
_p = _proposals.c
_pr = _pairs.c


class SqlMatchingRepository:
    """Mentees' requests for a mentor and the proposals made to mentors."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_request(self, request: MatchRequest) -> MatchRequest:
        """Store a new request (its `id` must be 0); returns it with its id. The mentee must be
        stored (foreign key) and have no other waiting request (`IntegrityError`)."""
        if request.id:
            raise ValueError(f"request already has id {request.id}")
        values = _request_to_row(request)
        result = await self._session.execute(_requests.insert().values(**values).returning(_r.id))
        return replace(request, id=result.scalar_one())

    async def get_request(self, request_id: int) -> MatchRequest | None:
        result = await self._session.execute(select(_requests).where(_r.id == request_id))
        row = result.mappings().one_or_none()
        return None if row is None else _request_from_row(row)

    async def open_request(self, mentee_id: int) -> MatchRequest | None:
        """The mentee's waiting request, if any."""
        result = await self._session.execute(
            select(_requests).where(
                _r.mentee_id == mentee_id, _r.status == RequestStatus.WAITING.value
            )
        )
        row = result.mappings().one_or_none()
        return None if row is None else _request_from_row(row)

    async def update_request(self, request: MatchRequest) -> None:
        """Replace every stored field of an existing request; `LookupError` if there is none."""
        result = await self._session.execute(
            update(_requests).where(_r.id == request.id).values(**_request_to_row(request))
        )
        if rowcount(result) != 1:
            raise LookupError(f"no match request {request.id}")

    async def waiting(self, program: str) -> list[MatchRequest]:
        """Waiting requests of a program, oldest first (the queue)."""
        result = await self._session.execute(
            select(_requests)
            .where(_r.program == program, _r.status == RequestStatus.WAITING.value)
            .order_by(_r.created_at, _r.id)
        )
        return [_request_from_row(row) for row in result.mappings()]

    async def add_proposal(self, proposal: Proposal) -> Proposal:
        """Store a new proposal (its `id` must be 0); returns it with its id. Its request and
        mentor must be stored (foreign keys)."""
        if proposal.id:
            raise ValueError(f"proposal already has id {proposal.id}")
        values = _proposal_to_row(proposal)
        result = await self._session.execute(_proposals.insert().values(**values).returning(_p.id))
        return replace(proposal, id=result.scalar_one())

    async def get_proposal(self, proposal_id: int) -> Proposal | None:
        result = await self._session.execute(select(_proposals).where(_p.id == proposal_id))
        row = result.mappings().one_or_none()
        return None if row is None else _proposal_from_row(row)

    async def update_proposal(self, proposal: Proposal) -> None:
        """Replace every stored field of an existing proposal; `LookupError` if there is none."""
        result = await self._session.execute(
            update(_proposals).where(_p.id == proposal.id).values(**_proposal_to_row(proposal))
        )
        if rowcount(result) != 1:
            raise LookupError(f"no proposal {proposal.id}")

    async def proposals_for(self, request_id: int) -> list[Proposal]:
        """Every proposal made for a request, oldest first."""
        result = await self._session.execute(
            select(_proposals).where(_p.request_id == request_id).order_by(_p.created_at, _p.id)
        )
        return [_proposal_from_row(row) for row in result.mappings()]

    async def pending_for_mentor(self, mentor_id: int) -> list[Proposal]:
        """The mentor's pending proposals, oldest first."""
        result = await self._session.execute(
            select(_proposals)
            .where(_p.mentor_id == mentor_id, _p.status == ProposalStatus.PENDING.value)
            .order_by(_p.created_at, _p.id)
        )
        return [_proposal_from_row(row) for row in result.mappings()]

    async def expired(self, now: datetime, limit: int) -> list[Proposal]:
        """Up to `limit` pending proposals whose deadline is `now` or earlier, oldest deadline
        first, locked for this transaction on PostgreSQL (`SKIP LOCKED`) so that two replicas
        never expire the same proposal."""
        if limit <= 0:
            return []
        query = (
            select(_proposals)
            .where(_p.status == ProposalStatus.PENDING.value, _p.deadline <= now)
            .order_by(_p.deadline, _p.id)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        result = await self._session.execute(query)
        return [_proposal_from_row(row) for row in result.mappings()]

    async def history(self, mentee_ids: Iterable[int]) -> list[PastCouple]:
        """The past couples of these mentees, oldest first: ended pairs (by the
        `pairs.mentee_id` index) and proposals the mentor declined, except for capacity (by the
        mentee's requests, then `proposals.request_id`)."""
        ids = sorted(set(mentee_ids))
        found: list[PastCouple] = []
        for start in range(0, len(ids), HISTORY_CHUNK):
            chunk = ids[start : start + HISTORY_CHUNK]
            result = await self._session.execute(union_all(_ended(chunk), _declined(chunk)))
            found += [
                PastCouple(
                    mentee_id=row["mentee_id"],
                    mentor_id=row["mentor_id"],
                    outcome=PastOutcome(row["outcome"]),
                    at=row["at"],
                    by=row["by"],
                    reason=row["reason"],
                )
                for row in result.mappings()
            ]
        return sorted(found, key=lambda c: (c.at, c.mentee_id, c.mentor_id, c.outcome))


def _ended(mentee_ids: list[int]) -> Select[Any]:
    return select(
        _pr.mentee_id,
        _pr.mentor_id,
        literal_column(f"'{PastOutcome.ENDED.value}'", String).label("outcome"),
        func.coalesce(_pr.ended_at, _pr.started_at).label("at"),
        _pr.ended_by.label("by"),
        _pr.end_reason.label("reason"),
    ).where(_pr.mentee_id.in_(mentee_ids), _pr.status == PairStatus.ENDED.value)


def _declined(mentee_ids: list[int]) -> Select[Any]:
    return (
        select(
            _r.mentee_id,
            _p.mentor_id,
            literal_column(f"'{PastOutcome.DECLINED.value}'", String).label("outcome"),
            func.coalesce(_p.decided_at, _p.created_at).label("at"),
            _p.mentor_id.label("by"),
            _p.reason.label("reason"),
        )
        .select_from(_requests.join(_proposals, _p.request_id == _r.id))
        .where(
            _r.mentee_id.in_(mentee_ids),
            _p.status == ProposalStatus.DECLINED.value,
            or_(_p.reason.is_(None), _p.reason != CAPACITY_DECLINE),
        )
    )


def _request_to_row(request: MatchRequest) -> dict[str, Any]:
    return {
        "mentee_id": request.mentee_id,
        "program": request.program,
        "status": RequestStatus(request.status).value,
        "created_at": request.created_at,
        "closed_at": request.closed_at,
        "pair_id": request.pair_id,
    }


def _request_from_row(row: Any) -> MatchRequest:
    return MatchRequest(
        id=row["id"],
        mentee_id=row["mentee_id"],
        program=row["program"],
        status=RequestStatus(row["status"]),
        created_at=row["created_at"],
        closed_at=row["closed_at"],
        pair_id=row["pair_id"],
    )


def _proposal_to_row(proposal: Proposal) -> dict[str, Any]:
    return {
        "request_id": proposal.request_id,
        "mentee_id": proposal.mentee_id,
        "mentor_id": proposal.mentor_id,
        "score": float(proposal.score),
        "status": ProposalStatus(proposal.status).value,
        "created_at": proposal.created_at,
        "deadline": proposal.deadline,
        "decided_at": proposal.decided_at,
        "reason": proposal.reason,
    }


def _proposal_from_row(row: Any) -> Proposal:
    return Proposal(
        id=row["id"],
        request_id=row["request_id"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        score=float(row["score"]),
        status=ProposalStatus(row["status"]),
        created_at=row["created_at"],
        deadline=row["deadline"],
        decided_at=row["decided_at"],
        reason=row["reason"],
    )
