"""A person's case file: everything staff need to know about them, read in one place, for
`/user` and for the top of every case topic of the staff inbox (`case_card`). The words are
built by `bot.messages.case_file`; this module only reads.

Nothing here shows what people wrote to each other: only the program's own records (sign-up
answers, pairs, steps, check-in counts, ratings, reports and their reasons, staff notes)."""

from __future__ import annotations

from datetime import datetime

from bot.core.effects import Keyboard
from bot.core.health import health, latest_ratings
from bot.core.models import Pair, Person, Report, RequestStatus, Role, StepStatus
from bot.core.parsing.arguments import typed_name
from bot.core.ports import UnitOfWork
from bot.core.programs import HealthThresholds, ProgramCatalog
from bot.core.staff import BANNED, REJECTED
from bot.i18n import Translator
from bot.messages.case_file import (
    MAX_TEXT,
    CaseFacts,
    PairStory,
    Training,
    case_buttons,
    case_sections,
    pages,
)


async def training_of(uow: UnitOfWork, programs: ProgramCatalog, person: Person) -> Training:
    """Where a mentor stands with their program's training (each module's latest attempt)."""
    program = programs.get(person.program)
    curriculum = programs.training_of(program) if program else None
    if curriculum is None:
        return Training(needed=False, passed_at=person.training_passed_at)
    latest: dict[str, tuple[datetime, int, int, bool]] = {}
    for result in await uow.training.of_person(person.id, curriculum.id):
        seen = latest.get(result.module_id)
        if seen is None or result.completed_at >= seen[0]:
            latest[result.module_id] = (
                result.completed_at,
                result.correct,
                result.total,
                result.passed,
            )
    return Training(
        needed=True,
        passed_at=person.training_passed_at,
        modules_passed=sum(1 for r in latest.values() if r[3]),
        modules=len(curriculum.steps),
        correct=sum(r[1] for r in latest.values()),
        questions=sum(r[2] for r in latest.values()),
    )


async def _story(
    uow: UnitOfWork, programs: ProgramCatalog, person: Person, pair: Pair, now: datetime
) -> PairStory:
    program = programs.get(pair.program)
    ratings = await uow.safety.ratings(pair.id)
    bucket = health(
        pair,
        ratings,
        pair.last_activity_at,
        now,
        program.safety.health if program else HealthThresholds(),
    )
    steps = [s for s in await uow.schedule.of_pair(pair.id) if s.person_id == person.id]
    answers = [a for a in await uow.checkins.of_pair(pair.id) if a.person_id == person.id]
    return PairStory(
        pair=pair,
        partner=await uow.persons.get(pair.partner_of(person.id)),
        bucket=bucket,
        steps_sent=sum(1 for s in steps if s.status is StepStatus.SENT),
        steps=len(steps),
        checkins=len(answers),
        rating=latest_ratings(pair, ratings).get(person.id),
    )


async def case_facts(
    uow: UnitOfWork, programs: ProgramCatalog, person: Person, now: datetime
) -> CaseFacts:
    """Everything the case file shows about `person`."""
    flags = await uow.staff.flags([person.id])
    kinds = {f.kind for f in flags}
    request = await uow.matching.open_request(person.id)
    waiting = request.created_at if request and request.status is RequestStatus.WAITING else None
    mine = [
        p
        for p in (await uow.staff.pairs_of([person.program]) if person.program else [])
        if p.member(person.id)
    ]
    mine.sort(key=lambda p: (p.ended_at is None, p.started_at), reverse=True)  # current first
    reports = await uow.staff.reports_of(person.id)
    named = {p.id: p for p in await uow.persons.get_many(_people_of(reports))}
    return CaseFacts(
        person=person,
        program=programs.get(person.program),
        training=await training_of(uow, programs, person),
        flags=flags,
        waiting_since=waiting,
        pairs=[await _story(uow, programs, person, p, now) for p in mine],
        reports=[
            (r, named.get(r.reporter_id), named.get(r.reported_id) if r.reported_id else None)
            for r in reversed(reports)  # newest first
        ],
        notes=await uow.staff.notes_of(person.id),
        pending=(
            person.role is Role.MENTOR
            and person.is_onboarded
            and person.approved_at is None
            and not kinds & {BANNED, REJECTED}
        ),
    )


def _people_of(reports: list[Report]) -> set[int]:
    return {i for r in reports for i in (r.reporter_id, r.reported_id) if i is not None}


async def case_file(
    uow: UnitOfWork, programs: ProgramCatalog, person: Person, t: Translator, now: datetime
) -> tuple[list[str], Keyboard]:
    """The whole case file as messages of at most Telegram's length, and its buttons (for the
    last message)."""
    facts = await case_facts(uow, programs, person, now)
    return pages(case_sections(facts, t)), case_buttons(facts, t)


async def case_card(
    uow: UnitOfWork, programs: ProgramCatalog, person: Person, t: Translator, now: datetime
) -> tuple[str, Keyboard]:
    """The case file as ONE message (the top of a case topic): when the whole file is longer
    than a message, its first part, with a line saying where the rest is."""
    facts = await case_facts(uow, programs, person, now)
    sections, buttons = case_sections(facts, t), case_buttons(facts, t)
    whole = pages(sections)
    if len(whole) == 1:
        return whole[0], buttons
    more = "\n\n" + t._(
        "… the rest of the case file: /user {name}", name=typed_name(person.display_name or "")
    )
    return pages(sections, MAX_TEXT - len(more))[0] + more, buttons
