"""Port for matching: mentees' requests for a mentor, the proposals made to mentors, and
the past couples that are never proposed again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from bot.core.models import MatchRequest, PastCouple, Proposal


class MatchingRepository(Protocol):
    """Mentees' requests for a mentor and the proposals made to mentors."""

    async def add_request(self, request: MatchRequest) -> MatchRequest: ...

    async def get_request(self, request_id: int) -> MatchRequest | None: ...

    async def open_request(self, mentee_id: int) -> MatchRequest | None:
        """The mentee's waiting request, if any."""
        ...

    async def update_request(self, request: MatchRequest) -> None: ...

    async def waiting(self, program: str) -> list[MatchRequest]:
        """Waiting requests of a program, oldest first (the queue)."""
        ...

    async def add_proposal(self, proposal: Proposal) -> Proposal: ...

    async def get_proposal(self, proposal_id: int) -> Proposal | None: ...

    async def update_proposal(self, proposal: Proposal) -> None: ...

    async def proposals_for(self, request_id: int) -> list[Proposal]:
        """Every proposal made for a request, oldest first."""
        ...

    async def pending_for_mentor(self, mentor_id: int) -> list[Proposal]: ...

    async def expired(self, now: datetime, limit: int) -> list[Proposal]:
        """Pending proposals whose deadline has passed, oldest deadline first."""
        ...

    async def history(self, mentee_ids: Iterable[int]) -> list[PastCouple]:
        """The past couples of these mentees, oldest first: every ended pair and every
        proposal the mentor declined (except a `CAPACITY_DECLINE`). The one rule that keeps a
        couple from being proposed or suggested again, and what staff see before re-pairing."""
        ...
