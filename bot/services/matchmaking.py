"""Proposal-mode matching: a mentee asks, the best compatible mentor is asked, and either accepts
(the pair starts and is enrolled in the curriculum), declines with a reason, or lets the deadline
pass; then the next mentor is asked. The mentee always knows their place in the queue.

A mentor's capacity is checked in the same transaction that accepts, with the mentor locked
(`UnitOfWork.lock_person`: an advisory lock on PostgreSQL, the single writer on SQLite), so two
concurrent accepts never exceed it. A mentor is asked about one mentee at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.effects import Effect, SendText
from bot.core.matching import profile_of, rank
from bot.core.models import (
    CAPACITY_DECLINE,
    MatchRequest,
    Person,
    Proposal,
    ProposalStatus,
    RequestStatus,
)
from bot.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.core.programs import Program, ProgramCatalog
from bot.i18n import Catalogs
from bot.messages.matching import decline_reasons, proposal_message, waiting_message
from bot.services.matches import active_pairs, form_pair, has_room, withdraw

DEFAULT_DEADLINE = timedelta(hours=48)


class MatchError(Exception):
    """A matching action that cannot be done; the message is for logs, not people."""


@dataclass(frozen=True)
class Outcome:
    """What a matching action changed, and what to tell people."""

    effects: tuple[Effect, ...] = ()
    pair_id: int | None = None
    proposal_id: int | None = None


class Matchmaker:
    """Runs proposal-mode matching over the unit of work it is given."""

    def __init__(
        self, catalog: ProgramCatalog, catalogs: Catalogs, deadline: timedelta = DEFAULT_DEADLINE
    ) -> None:
        self.catalog = catalog
        self.catalogs = catalogs
        self.deadline = deadline

    def eligible(self, mentor: Person, program: Program) -> bool:
        """Approved (when the program requires it) and trained (when it has a training)."""
        approved = mentor.approved_at is not None or not program.mentor_approval
        trained = mentor.training_passed_at is not None or program.training is None
        return approved and trained

    async def ask(self, uow: UnitOfWork, mentee: Person, now: datetime) -> Outcome:
        """A mentee asks for a mentor: queue them and ask the best mentor, if any is free."""
        request = await uow.matching.open_request(mentee.id)
        if request is None:
            assert mentee.program is not None
            request = await uow.matching.add_request(
                MatchRequest(mentee_id=mentee.id, program=mentee.program, created_at=now)
            )
            return await self.propose_next(uow, request, now)
        pending = [
            p
            for p in await uow.matching.proposals_for(request.id)
            if p.status is ProposalStatus.PENDING
        ]
        return Outcome((await self._waiting(uow, request, mentee, asked=bool(pending)),))

    async def _waiting(
        self, uow: UnitOfWork, request: MatchRequest, mentee: Person, asked: bool
    ) -> SendText:
        queue = await uow.matching.waiting(request.program)
        position = next((i for i, r in enumerate(queue, 1) if r.id == request.id), len(queue))
        t = self.catalogs.translator(mentee.language)
        return waiting_message(mentee, position, asked, t)

    async def propose_next(self, uow: UnitOfWork, request: MatchRequest, now: datetime) -> Outcome:
        """Ask the best mentor not yet asked for this request, not busy with another proposal,
        and never paired with this mentee before nor having declined them (`history`: any
        ending, any decline); tell the mentee where they stand (in the queue when nobody is
        left)."""
        mentee = await uow.persons.get(request.mentee_id)
        program = self.catalog.get(request.program)
        if mentee is None or program is None or request.status is not RequestStatus.WAITING:
            return Outcome()
        asked = {p.mentor_id for p in await uow.matching.proposals_for(request.id)}
        asked |= {c.mentor_id for c in await uow.matching.history([mentee.id])}
        profiles = []
        mentors = await uow.persons.mentors(program.code)
        banned = await uow.staff.banned(m.id for m in mentors)
        for mentor in mentors:
            if (
                mentor.id in asked
                or mentor.id in banned
                or await uow.matching.pending_for_mentor(mentor.id)
            ):
                continue
            profiles.append(
                profile_of(
                    mentor,
                    at=now,
                    active_pairs=await active_pairs(uow, mentor.id),
                    eligible=self.eligible(mentor, program),
                )
            )
        ranked = rank(profile_of(mentee, at=now), profiles)
        if not ranked:
            return Outcome((await self._waiting(uow, request, mentee, asked=False),))
        best, value = ranked[0]
        chosen = await uow.persons.get(best.id)
        assert chosen is not None
        proposal = await uow.matching.add_proposal(
            Proposal(
                request_id=request.id,
                mentee_id=mentee.id,
                mentor_id=chosen.id,
                score=value,
                created_at=now,
                deadline=now + self.deadline,
            )
        )
        t_chosen = self.catalogs.translator(chosen.language)
        offer = proposal_message(proposal, mentee, chosen, program, t_chosen)
        waiting = await self._waiting(uow, request, mentee, asked=True)
        return Outcome((offer, waiting), proposal_id=proposal.id)

    async def _pending(self, uow: UnitOfWork, proposal_id: int, mentor_id: int) -> Proposal:
        proposal = await uow.matching.get_proposal(proposal_id)
        if (
            proposal is None
            or proposal.mentor_id != mentor_id
            or proposal.status is not ProposalStatus.PENDING
        ):
            raise MatchError(f"proposal {proposal_id} is not pending for mentor {mentor_id}")
        return proposal

    async def accept(
        self, uow: UnitOfWork, proposal_id: int, mentor_id: int, now: datetime
    ) -> Outcome:
        """The mentor accepts: reserve a place in their capacity and start the pair."""
        await uow.lock_person(mentor_id)
        proposal = await self._pending(uow, proposal_id, mentor_id)
        request = await uow.matching.get_request(proposal.request_id)
        mentor = await uow.persons.get(mentor_id)
        mentee = await uow.persons.get(proposal.mentee_id)
        program = self.catalog.get(request.program) if request else None
        if request is None or mentor is None or mentee is None or program is None:
            raise MatchError(f"proposal {proposal_id} refers to something that is gone")
        if not await has_room(uow, mentor):
            await uow.matching.update_proposal(
                replace(
                    proposal,
                    status=ProposalStatus.DECLINED,
                    decided_at=now,
                    reason=CAPACITY_DECLINE,
                )
            )
            t = self.catalogs.translator(mentor.language)
            full = SendText(
                chat_id=mentor.chat_id,
                text=t._(
                    "You are already mentoring as many people as you offered, so we'll ask "
                    "another mentor. Thank you!"
                ),
            )
            return Outcome((full, *(await self.propose_next(uow, request, now)).effects))
        pair, told = await form_pair(
            uow,
            self.catalog,
            self.catalogs,
            mentee=mentee,
            mentor=mentor,
            program=program,
            request=request,
            now=now,
            accepted=proposal,
        )
        return Outcome(tuple(told), pair_id=pair.id)

    async def decline(
        self, uow: UnitOfWork, proposal_id: int, mentor_id: int, now: datetime
    ) -> Outcome:
        """The mentor declines: record it, ask them why, and ask the next mentor."""
        proposal = await self._pending(uow, proposal_id, mentor_id)
        declined = replace(proposal, status=ProposalStatus.DECLINED, decided_at=now)
        await uow.matching.update_proposal(declined)
        mentor = await uow.persons.get(mentor_id)
        request = await uow.matching.get_request(proposal.request_id)
        assert mentor is not None and request is not None
        ask_why = decline_reasons(declined, mentor, self.catalogs.translator(mentor.language))
        return Outcome((ask_why, *(await self.propose_next(uow, request, now)).effects))

    async def reason(self, uow: UnitOfWork, proposal_id: int, mentor_id: int, reason: str) -> bool:
        """Record why a mentor declined (only their own, only once)."""
        proposal = await uow.matching.get_proposal(proposal_id)
        if (
            proposal is None
            or proposal.mentor_id != mentor_id
            or proposal.status is not ProposalStatus.DECLINED
            or proposal.reason
        ):
            return False
        await uow.matching.update_proposal(replace(proposal, reason=reason))
        return True

    async def expire(self, uow: UnitOfWork, now: datetime, limit: int = 100) -> Outcome:
        """Proposals past their deadline expire and the next mentor is asked."""
        effects: list[Effect] = []
        for proposal in await uow.matching.expired(now, limit):
            await uow.matching.update_proposal(
                replace(proposal, status=ProposalStatus.EXPIRED, decided_at=now)
            )
            mentor = await uow.persons.get(proposal.mentor_id)
            if mentor is not None:
                t = self.catalogs.translator(mentor.language)
                effects.append(
                    SendText(
                        chat_id=mentor.chat_id,
                        text=t._(
                            "The request to mentor someone has expired, so we've asked another "
                            "mentor. No problem: we'll ask you again when someone fits."
                        ),
                    )
                )
            request = await uow.matching.get_request(proposal.request_id)
            if request is not None:
                effects += (await self.propose_next(uow, request, now)).effects
        return Outcome(tuple(effects))

    async def withdraw(self, uow: UnitOfWork, mentor_id: int, now: datetime) -> Outcome:
        """A mentor can no longer mentor (banned): their pending proposals are withdrawn and
        each mentee's request moves on to the next mentor."""
        effects: list[Effect] = []
        for proposal in await uow.matching.pending_for_mentor(mentor_id):
            await withdraw(uow, proposal, now)
            request = await uow.matching.get_request(proposal.request_id)
            if request is not None:
                effects += (await self.propose_next(uow, request, now)).effects
        return Outcome(tuple(effects))

    async def refill(self, uow: UnitOfWork, now: datetime) -> Outcome:
        """Ask mentors for waiting mentees who have no pending proposal (a mentor became free,
        was approved or finished the training since)."""
        effects: list[Effect] = []
        for program in self.catalog:
            for request in await uow.matching.waiting(program.code):
                proposals = await uow.matching.proposals_for(request.id)
                if any(p.status is ProposalStatus.PENDING for p in proposals):
                    continue
                outcome = await self.propose_next(uow, request, now)
                if outcome.proposal_id is not None:  # "still waiting" was said when they asked
                    effects += outcome.effects
        return Outcome(tuple(effects))


async def matching_round(
    uows: UnitOfWorkFactory, matchmaker: Matchmaker, clock: Clock, on_queued: Callable[[], None]
) -> None:
    """The timer's job: expire late proposals, then ask mentors for waiting mentees."""
    now = clock.now()
    async with uows() as uow:
        expired = await matchmaker.expire(uow, now)
        refilled = await matchmaker.refill(uow, now)
        effects = [*expired.effects, *refilled.effects]
        await uow.outbox.add(effects, now)
        await uow.commit()
    if effects:
        on_queued()
