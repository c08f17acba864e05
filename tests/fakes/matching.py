"""In-memory match requests and proposals, relay links, reports and ratings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.models import (
    CAPACITY_DECLINE,
    MatchRequest,
    Pair,
    PairStatus,
    PastCouple,
    PastOutcome,
    Proposal,
    ProposalStatus,
    RelationshipRating,
    RelayLink,
    Report,
    ReportStatus,
    RequestStatus,
)
from tests.fakes.pairs import _next_id

TrainingKey = tuple[int, str, str]
RatingKey = tuple[int, int, datetime]


class _Matching:
    def __init__(
        self,
        requests: dict[int, MatchRequest],
        proposals: dict[int, Proposal],
        pairs: dict[int, Pair],
    ) -> None:
        self.requests = requests
        self.proposals = proposals
        self.pairs = pairs

    def _check_one_waiting(self, request: MatchRequest) -> None:
        # SQL: a partial unique index raises IntegrityError
        assert request.status != RequestStatus.WAITING or not any(
            r.mentee_id == request.mentee_id and r.status == RequestStatus.WAITING
            for r in self.requests.values()
            if r.id != request.id
        ), f"mentee {request.mentee_id} already has a waiting request"

    async def add_request(self, request: MatchRequest) -> MatchRequest:
        if request.id:
            raise ValueError(f"request already has id {request.id}")
        self._check_one_waiting(request)
        request = replace(request, id=_next_id(self.requests))
        self.requests[request.id] = request
        return request

    async def get_request(self, request_id: int) -> MatchRequest | None:
        return self.requests.get(request_id)

    async def open_request(self, mentee_id: int) -> MatchRequest | None:
        return next(
            (
                r
                for r in self.requests.values()
                if r.mentee_id == mentee_id and r.status == RequestStatus.WAITING
            ),
            None,
        )

    async def update_request(self, request: MatchRequest) -> None:
        if request.id not in self.requests:
            raise LookupError(f"no match request {request.id}")
        self._check_one_waiting(request)
        self.requests[request.id] = request

    async def waiting(self, program: str) -> list[MatchRequest]:
        queue = [
            r
            for r in self.requests.values()
            if r.program == program and r.status == RequestStatus.WAITING
        ]
        return sorted(queue, key=lambda r: (r.created_at, r.id))

    async def add_proposal(self, proposal: Proposal) -> Proposal:
        if proposal.id:
            raise ValueError(f"proposal already has id {proposal.id}")
        proposal = replace(proposal, id=_next_id(self.proposals))
        self.proposals[proposal.id] = proposal
        return proposal

    async def get_proposal(self, proposal_id: int) -> Proposal | None:
        return self.proposals.get(proposal_id)

    async def update_proposal(self, proposal: Proposal) -> None:
        if proposal.id not in self.proposals:
            raise LookupError(f"no proposal {proposal.id}")
        self.proposals[proposal.id] = proposal

    async def proposals_for(self, request_id: int) -> list[Proposal]:
        mine = [p for p in self.proposals.values() if p.request_id == request_id]
        return sorted(mine, key=lambda p: (p.created_at, p.id))

    async def pending_for_mentor(self, mentor_id: int) -> list[Proposal]:
        mine = [
            p
            for p in self.proposals.values()
            if p.mentor_id == mentor_id and p.status == ProposalStatus.PENDING
        ]
        return sorted(mine, key=lambda p: (p.created_at, p.id))

    async def expired(self, now: datetime, limit: int) -> list[Proposal]:
        late = [
            p
            for p in self.proposals.values()
            if p.status == ProposalStatus.PENDING and p.deadline <= now
        ]
        return sorted(late, key=lambda p: (p.deadline, p.id))[: max(limit, 0)]

    async def history(self, mentee_ids: Iterable[int]) -> list[PastCouple]:
        ids = set(mentee_ids)
        found = [
            PastCouple(
                mentee_id=p.mentee_id,
                mentor_id=p.mentor_id,
                outcome=PastOutcome.ENDED,
                at=p.ended_at or p.started_at,
                by=p.ended_by,
                reason=p.end_reason,
            )
            for p in self.pairs.values()
            if p.mentee_id in ids and p.status == PairStatus.ENDED
        ]
        found += [
            PastCouple(
                mentee_id=self.requests[p.request_id].mentee_id,
                mentor_id=p.mentor_id,
                outcome=PastOutcome.DECLINED,
                at=p.decided_at or p.created_at,
                by=p.mentor_id,
                reason=p.reason,
            )
            for p in self.proposals.values()
            if p.request_id in self.requests
            and self.requests[p.request_id].mentee_id in ids
            and p.status == ProposalStatus.DECLINED
            and p.reason != CAPACITY_DECLINE
        ]
        return sorted(found, key=lambda c: (c.at, c.mentee_id, c.mentor_id, c.outcome))


class _Relay:
    def __init__(self, links: list[RelayLink]) -> None:
        self.links = links  # in the order they were stored (the SQL id order)

    async def add_many(self, links: Sequence[RelayLink]) -> None:
        self.links.extend(links)

    async def copies_of(self, source_chat_id: int, source_message_id: int) -> list[RelayLink]:
        source = (source_chat_id, source_message_id)
        return [k for k in self.links if (k.source_chat_id, k.source_message_id) == source]

    async def original_of(self, target_chat_id: int, target_message_id: int) -> RelayLink | None:
        target = (target_chat_id, target_message_id)
        found = [k for k in self.links if (k.target_chat_id, k.target_message_id) == target]
        return found[-1] if found else None

    async def recent(self, pair_id: int, limit: int) -> list[RelayLink]:
        return [k for k in reversed(self.links) if k.pair_id == pair_id][: max(limit, 0)]

    async def purge(self, before: datetime) -> int:
        kept = [k for k in self.links if k.created_at >= before]
        purged = len(self.links) - len(kept)
        self.links[:] = kept
        return purged


class _Safety:
    def __init__(
        self, reports: dict[int, Report], ratings: dict[RatingKey, RelationshipRating]
    ) -> None:
        self.reports = reports
        self.rated = ratings

    async def add_report(self, report: Report) -> Report:
        if report.id:
            raise ValueError(f"report already has id {report.id}")
        report = replace(report, id=_next_id(self.reports))
        self.reports[report.id] = report
        return report

    async def open_reports(self) -> list[Report]:
        still_open = [r for r in self.reports.values() if r.status == ReportStatus.OPEN]
        return sorted(still_open, key=lambda r: (not r.priority, r.created_at, r.id))

    async def update_report(self, report: Report) -> None:
        if report.id not in self.reports:
            raise LookupError(f"no report {report.id}")
        self.reports[report.id] = report

    async def add_rating(self, rating: RelationshipRating) -> None:
        key = (rating.pair_id, rating.person_id, rating.at)
        assert 1 <= rating.rating <= 5, f"rating out of range: {rating.rating}"  # SQL: a check
        assert key not in self.rated, f"rated twice at once: {key}"  # SQL: the primary key
        self.rated[key] = rating

    async def ratings(self, pair_id: int) -> list[RelationshipRating]:
        mine = [r for r in self.rated.values() if r.pair_id == pair_id]
        return sorted(mine, key=lambda r: (r.at, r.person_id))
