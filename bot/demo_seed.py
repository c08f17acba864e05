"""The demo's people: staff for the two sample programs' organisations, trained and approved
volunteer mentors with different goals and languages, and two newcomers who have not met the
bot yet. Stored through the repositories, as the bot itself would store them, and registered
with the sandbox as Telegram users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.bootstrap import Core, queue_staff_menus
from bot.core.models import AgeStatus, ModuleResult, Person, Role
from bot.core.staff import StaffMember, StaffRole
from bot.sandbox.state import Sandbox
from bot.sandbox.user_actions import create_user


@dataclass(frozen=True)
class DemoMentor:
    id: int
    name: str
    program: str
    language: str
    languages: tuple[str, ...]
    goals: tuple[str, ...]
    interests: tuple[str, ...]
    time_zone: str
    hour: int
    capacity: int


@dataclass(frozen=True)
class DemoStaff:
    id: int
    name: str
    program: str  # they run the organisation that owns this program


@dataclass(frozen=True)
class Newcomer:
    id: int
    name: str
    language: str


STAFF = (DemoStaff(900001, "Sofia", "college"), DemoStaff(900002, "Samir", "rebuild"))
MENTORS = (
    DemoMentor(
        900101,
        "Grace",
        "college",
        "en",
        ("en",),
        ("financial_aid", "applications", "study_habits"),
        ("business", "stem"),
        "Europe/London",
        18,
        3,
    ),
    DemoMentor(
        900102,
        "Marco",
        "college",
        "it",
        ("it", "en"),
        ("choosing_courses", "belonging", "career"),
        ("humanities", "arts"),
        "Europe/Rome",
        19,
        2,
    ),
    DemoMentor(
        900103,
        "Amina",
        "rebuild",
        "en",
        ("en", "ar", "fr"),
        ("housing", "paperwork", "work"),
        ("care", "teaching"),
        "Europe/Rome",
        18,
        2,
    ),
    DemoMentor(
        900104,
        "Olena",
        "rebuild",
        "it",
        ("uk", "ru", "it"),
        ("language", "schools", "community"),
        ("tech", "arts"),
        "Europe/Rome",
        17,
        2,
    ),
)
NEWCOMERS = (Newcomer(900201, "Alice", "en"), Newcomer(900202, "Luca", "it"))
MENTEE, MENTOR, STAFF_MEMBER = NEWCOMERS[0], MENTORS[0], STAFF[0]


def _mentor_person(mentor: DemoMentor, at: datetime) -> Person:
    return Person(
        id=mentor.id,
        chat_id=mentor.id,
        language=mentor.language,
        created_at=at,
        updated_at=at,
        consent_at=at,
        age_status=AgeStatus.ADULT,
        birth_year=1985,
        age_checked_at=at,
        role=Role.MENTOR,
        program=mentor.program,
        display_name=mentor.name,
        goals=mentor.goals,
        interests=mentor.interests,
        languages=mentor.languages,
        time_zone=mentor.time_zone,
        preferred_hour=mentor.hour,
        capacity=mentor.capacity,
        onboarded_at=at,
        training_passed_at=at,
        approved_at=at,
    )


async def seed_demo(core: Core, sandbox: Sandbox) -> None:
    """Store the demo's staff and mentors (once) and register everyone with the sandbox, as
    well as anyone already in a kept database."""
    now = core.clock.now()
    users = [(staff.id, staff.name, "en") for staff in STAFF]
    users += [(user.id, user.name, user.language) for user in (*MENTORS, *NEWCOMERS)]
    for user_id, name, language in users:
        create_user(sandbox, id=user_id, first_name=name, language_code=language)
    async with core.conversations.uows() as uow:
        for staff in STAFF:
            program = core.programs.get(staff.program)
            if program is None or await uow.staff.member(staff.id) is not None:
                continue
            await uow.staff.save_member(
                StaffMember(
                    user_id=staff.id,
                    organisation=program.organisation,
                    role=StaffRole.ADMIN,
                    added_at=now,
                )
            )
        for mentor in MENTORS:
            program = core.programs.get(mentor.program)
            if program is None or await uow.persons.get(mentor.id) is not None:
                continue
            await uow.persons.add(_mentor_person(mentor, now))
            training = core.programs.training_of(program)
            if training is None:
                continue
            for module in training.steps:
                await uow.training.record(
                    ModuleResult(
                        person_id=mentor.id,
                        curriculum=training.id,
                        module_id=module.id,
                        correct=len(module.quiz),
                        total=len(module.quiz),
                        passed=True,
                        completed_at=now,
                    )
                )
        await uow.commit()
        known = await uow.staff.people([program.code for program in core.programs])
    for person in known:  # people from an earlier run of a kept database get their chat back
        if person.id not in sandbox.users:
            create_user(
                sandbox,
                id=person.id,
                first_name=person.display_name or f"Person {person.id}",
                language_code=person.language,
            )
    await queue_staff_menus(core.conversations.uows, core.staff, core.clock)  # their own menu
    core.sender.wake()
