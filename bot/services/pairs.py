"""A pair's life: starting it enrolls it in its program's curricula; pausing stops its schedule;
resuming plans the remaining steps again from the moment of resuming, so the pair continues where
it stopped instead of receiving a backlog; ending it cancels what was still to be sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.core.effects import Effect
from bot.core.models import Contact, Pair, PairStatus, Person, Role, ScheduledStep, StepStatus
from bot.core.planning import out_of_quiet, plan, recipient
from bot.core.ports import UnitOfWork
from bot.core.programs import ProgramCatalog, QuietHours
from bot.i18n import Catalogs, Translator


class PairError(Exception):
    """A pair operation that cannot be done; the message says why in plain words."""


async def _member(uow: UnitOfWork, person_id: int, role: Role, program: str) -> Person:
    person = await uow.persons.get(person_id)
    if person is None or not person.is_onboarded:
        raise PairError(f"person {person_id} has not finished signing up")
    if person.role is not role or person.program != program:
        raise PairError(f"person {person_id} is not a {role.value} of {program}")
    return person


def _rows(
    pair: Pair,
    person: Person,
    role: Role,
    catalog: ProgramCatalog,
    start: datetime,
    from_position: int = 0,
) -> list[ScheduledStep]:
    program = catalog.get(pair.program)
    assert program is not None
    planned = plan(
        catalog.pair_curricula(program),
        start,
        recipient(person.time_zone, person.preferred_hour),
        program.schedule.quiet_hours,
        from_position=from_position,
    )
    return [
        ScheduledStep(
            pair_id=pair.id,
            person_id=person.id,
            role=role,
            curriculum=p.curriculum,
            step_id=p.step_id,
            position=p.position,
            due_at=p.due_at,
        )
        for p in planned
    ]


async def start_pair(
    uow: UnitOfWork,
    catalog: ProgramCatalog,
    *,
    mentee_id: int,
    mentor_id: int,
    program: str,
    at: datetime,
) -> Pair:
    """Create a pair and schedule every step of its curricula for both people."""
    if catalog.get(program) is None:
        raise PairError(f"there is no program {program!r}")
    mentee = await _member(uow, mentee_id, Role.MENTEE, program)
    mentor = await _member(uow, mentor_id, Role.MENTOR, program)
    pair = await uow.pairs.add(
        Pair(program=program, mentee_id=mentee.id, mentor_id=mentor.id, started_at=at)
    )
    rows = _rows(pair, mentee, Role.MENTEE, catalog, at) + _rows(
        pair, mentor, Role.MENTOR, catalog, at
    )
    await uow.schedule.add_many(rows)
    return pair


async def pause_pair(uow: UnitOfWork, pair_id: int, at: datetime) -> Pair:
    """Stop a pair's schedule; nothing is sent until it is resumed."""
    pair = await uow.pairs.get(pair_id)
    if pair is None or pair.status is PairStatus.ENDED:
        raise PairError(f"pair {pair_id} does not exist or has ended")
    if pair.status is PairStatus.PAUSED:
        return pair
    paused = replace(pair, status=PairStatus.PAUSED, paused_at=at)
    await uow.pairs.update(paused)
    return paused


async def resume_pair(
    uow: UnitOfWork, catalog: ProgramCatalog, pair_id: int, at: datetime
) -> Pair:
    """Restart a paused pair's schedule from its first unsent step, planned from `at`."""
    pair = await uow.pairs.get(pair_id)
    if pair is None or pair.status is not PairStatus.PAUSED:
        raise PairError(f"pair {pair_id} is not paused")
    resumed = replace(pair, status=PairStatus.ACTIVE, paused_at=None)
    await uow.pairs.update(resumed)
    pending = [r for r in await uow.schedule.of_pair(pair_id) if r.status is StepStatus.SCHEDULED]
    for person_id in {r.person_id for r in pending}:
        person = await uow.persons.get(person_id)
        mine = sorted((r for r in pending if r.person_id == person_id), key=lambda r: r.position)
        if person is None or not mine:
            continue
        fresh = _rows(resumed, person, mine[0].role, catalog, at, from_position=mine[0].position)
        due = {(r.curriculum, r.step_id): r.due_at for r in fresh}
        await uow.schedule.reschedule(
            [
                (r.id, due[(r.curriculum, r.step_id)])
                for r in mine
                if (r.curriculum, r.step_id) in due
            ]
        )
    return resumed


async def end_pair(uow: UnitOfWork, pair: Pair, by: int, reason: str, at: datetime) -> Pair:
    """End a pair for good: nothing more is relayed or scheduled for it. The one way a pair
    ends (/end, /block, staff /unpair and /ban, /forgetme); `by` is who ended it, `reason` the
    closing reason kept with it."""
    ended = replace(pair, status=PairStatus.ENDED, ended_at=at, ended_by=by, end_reason=reason)
    await uow.pairs.update(ended)
    await uow.schedule.cancel_pending(pair.id, at)
    return ended


PairMessage = Callable[[Role, Contact, str, Translator], Effect]


async def to_both(
    uow: UnitOfWork,
    pair: Pair,
    now: datetime,
    quiet: QuietHours | None,
    catalogs: Catalogs,
    build: PairMessage,
) -> list[Effect]:
    """One message to each member of a pair, built with their role, contact and partner's
    name; none at all while either is in their quiet hours (a later round tries again)."""
    people = {p.id: p for p in await uow.persons.contacts({pair.mentee_id, pair.mentor_id})}
    effects: list[Effect] = []
    for person_id, role in ((pair.mentee_id, Role.MENTEE), (pair.mentor_id, Role.MENTOR)):
        person = people.get(person_id)
        if person is None:
            continue
        zone = recipient(person.time_zone, person.preferred_hour).zone
        if out_of_quiet(now, zone, quiet) > now:
            return []
        partner = people.get(pair.partner_of(person_id))
        t = catalogs.translator(person.language)
        name = (partner.display_name if partner else None) or t._("your partner")
        effects.append(build(role, person, name, t))
    return effects
