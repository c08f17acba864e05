"""A mentee's request for a mentor, from the proposals made for it to the pair that closes it.

The rules written once here, whoever acts (a mentor accepting, staff with /pair or /match,
staff banning someone, a person asking to be forgotten, a banned mentor):

* one mentor at a time: a mentee with a pair that has not ended gets no other (`mentor_pair`);
* capacity: a mentor has room while `free_places` (offered capacity minus pairs not ended) is
  above 0 (`has_room`; the caller holds the mentor's lock, `UnitOfWork.lock_person`);
* withdrawing a proposal: a pending proposal becomes `withdrawn`, decided now (`withdraw`);
* closing a request: it is marked matched (with its pair) or cancelled, and every proposal
  still pending for it is withdrawn, so no mentor can accept it any more (`close_request`);
* forming a pair: the pair starts (its curriculum scheduled), the accepted proposal (if any)
  is marked accepted, the mentee's open request closes as matched, the mentor's replies go to
  the new mentee, and both are told (`form_pair`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from bot.core.effects import Effect
from bot.core.matching import free_places
from bot.core.models import (
    MatchRequest,
    Pair,
    PairStatus,
    Person,
    Proposal,
    ProposalStatus,
    RequestStatus,
)
from bot.core.ports import UnitOfWork
from bot.core.programs import Program, ProgramCatalog
from bot.i18n import Catalogs
from bot.messages.matching import matched_messages
from bot.services.pairs import start_pair


def current_load(pairs: Iterable[Pair]) -> tuple[frozenset[int], Counter[int]]:
    """Of these pairs, those that have not ended: the mentees who have their mentor (one at a
    time), and how many mentees each mentor has (what counts against their capacity)."""
    current = [p for p in pairs if p.status is not PairStatus.ENDED]
    return frozenset(p.mentee_id for p in current), Counter(p.mentor_id for p in current)


async def active_pairs(uow: UnitOfWork, mentor_id: int) -> int:
    """The mentor's pairs that have not ended."""
    return current_load(await uow.pairs.of_person(mentor_id))[1][mentor_id]


async def mentor_pair(uow: UnitOfWork, mentee_id: int) -> Pair | None:
    """The mentee's pair that has not ended, if any: a mentee has one mentor at a time
    (/findmentor says who, staff /pair and /match refuse a second)."""
    return next(
        (p for p in await uow.pairs.of_person(mentee_id) if p.mentee_id == mentee_id), None
    )


async def has_room(uow: UnitOfWork, mentor: Person) -> bool:
    """Whether the mentor can take one more mentee now."""
    return free_places(mentor.capacity, await active_pairs(uow, mentor.id)) > 0


async def withdraw(uow: UnitOfWork, proposal: Proposal, now: datetime) -> Proposal:
    """A pending proposal nobody may accept any more: withdrawn, decided at `now`."""
    withdrawn = replace(proposal, status=ProposalStatus.WITHDRAWN, decided_at=now)
    await uow.matching.update_proposal(withdrawn)
    return withdrawn


async def close_request(
    uow: UnitOfWork,
    request: MatchRequest,
    status: RequestStatus,
    now: datetime,
    pair_id: int | None = None,
) -> list[Proposal]:
    """Close a request (`matched` with its pair, or `cancelled`) and withdraw the proposals
    still pending for it; returns those withdrawn (oldest first)."""
    withdrawn = [
        await withdraw(uow, proposal, now)
        for proposal in await uow.matching.proposals_for(request.id)
        if proposal.status is ProposalStatus.PENDING
    ]
    closed = replace(request, status=status, closed_at=now)
    if pair_id is not None:
        closed = replace(closed, pair_id=pair_id)
    await uow.matching.update_request(closed)
    return withdrawn


async def form_pair(
    uow: UnitOfWork,
    catalog: ProgramCatalog,
    catalogs: Catalogs,
    *,
    mentee: Person,
    mentor: Person,
    program: Program,
    request: MatchRequest | None,
    now: datetime,
    accepted: Proposal | None = None,
) -> tuple[Pair, list[Effect]]:
    """Start the pair of `mentee` and `mentor`, close the mentee's `request` (None: they had
    none open) as matched, mark the mentor's `accepted` proposal (None: staff chose them) and
    make the new mentee the mentor's active one; the messages tell both. The checks (same
    program, room, not banned...) are the caller's."""
    pair = await start_pair(
        uow, catalog, mentee_id=mentee.id, mentor_id=mentor.id, program=program.code, at=now
    )
    if accepted is not None:
        await uow.matching.update_proposal(
            replace(accepted, status=ProposalStatus.ACCEPTED, decided_at=now)
        )
    if request is not None:
        await close_request(uow, request, RequestStatus.MATCHED, now, pair_id=pair.id)
    await uow.persons.update(replace(mentor, active_pair_id=pair.id, updated_at=now))
    told = matched_messages(
        mentee,
        mentor,
        program,
        catalogs.translator(mentee.language),
        catalogs.translator(mentor.language),
    )
    return pair, list(told)
