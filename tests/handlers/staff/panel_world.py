"""A seeded world for the staff home and figures tests, over the in-memory fakes.

College First Year (organisation college-mentors), now = the fake clock's 21 Nov 2026 09:00:
- pair A (mentee 10, mentor 20): talked yesterday, rated 5 three days ago → on track;
- pair B (11, 21): silent 25 days → needs check-in, quiet (the program's quiet_check_in: 21d);
- pair C (12, 22): silent 45 days → at risk (quiet_at_risk: 42d), quiet;
- pair F (14, 26): talked 2 days ago, rated 2 → at risk, not quiet;
- pair E (13, 20): ended → counted nowhere; mentee 13 waits for a mentor again;
- mentors 23 (trained) and 25 (in training) wait for approval; 24 was turned down;
- person 30 opened the link and has not finished signing up; 23, 24, 25 and 30 came this week;
- report 1 (open, pair A), report 2 (resolved) and report 3 (open, the other organisation's).
Rebuilding After Crisis (organisation new-roots): mentor 40 waiting, pair D (41, 42) silent 59
days, and report 3: none of it reaches college-mentors' staff.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.models import (
    Pair,
    PairStatus,
    RelationshipRating,
    Report,
    ReportStatus,
    Role,
    ScheduledStep,
    StepStatus,
)
from bot.core.staff import REJECTED, PersonFlag, StaffMember, StaffRole
from tests.dialog import Bot
from tests.factories import onboarded_person

COORDINATOR, OTHER_ADMIN, EMPTY_ADMIN = 901, 902, 903
DAY = timedelta(days=1)


def _pair(bot: Bot, pair_id: int, mentee: int, mentor: int, silent: int, **fields: object) -> None:
    now = bot.clock.now()
    program = "rebuild" if mentee > 40 else "college"
    bot.store.pairs[pair_id] = Pair(
        id=pair_id,
        program=program,
        mentee_id=mentee,
        mentor_id=mentor,
        started_at=now - 60 * DAY,
        last_activity_at=now - silent * DAY,
        **fields,  # type: ignore[arg-type]
    )


def seeded_bot() -> Bot:
    """The world above."""
    bot = Bot()
    now = bot.clock.now()
    start = now - 60 * DAY
    for user_id, org, role in (
        (COORDINATOR, "college-mentors", StaffRole.COORDINATOR),
        (OTHER_ADMIN, "new-roots", StaffRole.ADMIN),
    ):
        bot.store.staff.members[user_id] = StaffMember(
            user_id=user_id, organisation=org, role=role, added_at=start
        )
    people = bot.store.persons
    for mentee in (10, 11, 12, 13, 14):
        people[mentee] = onboarded_person(mentee, Role.MENTEE, "college", start)
    for mentor in (20, 21, 22, 26):
        people[mentor] = onboarded_person(mentor, Role.MENTOR, "college", start)
    people[23] = onboarded_person(23, Role.MENTOR, "college", now - 5 * DAY, approved_at=None)
    people[24] = onboarded_person(24, Role.MENTOR, "college", now - 5 * DAY, approved_at=None)
    people[25] = onboarded_person(
        25, Role.MENTOR, "college", now - 3 * DAY, approved_at=None, training_passed_at=None
    )
    people[30] = replace(
        onboarded_person(30, Role.MENTEE, "college", now - 2 * DAY), role=None, onboarded_at=None
    )
    bot.store.staff.flags[(24, REJECTED)] = PersonFlag(
        user_id=24, kind=REJECTED, reason="no reply", by=COORDINATOR, at=now - DAY
    )
    people[40] = onboarded_person(40, Role.MENTOR, "rebuild", start, approved_at=None)
    people[41] = onboarded_person(41, Role.MENTEE, "rebuild", start)
    people[42] = onboarded_person(42, Role.MENTOR, "rebuild", start)
    _pair(bot, 1, 10, 20, silent=1)
    _pair(bot, 2, 11, 21, silent=25)
    _pair(bot, 3, 12, 22, silent=45)
    _pair(bot, 6, 14, 26, silent=2)
    _pair(bot, 5, 13, 20, silent=40, status=PairStatus.ENDED, ended_at=now - 30 * DAY)
    _pair(bot, 4, 41, 42, silent=59)
    for pair_id, person, rating, ago in ((1, 10, 5, 3), (6, 14, 2, 2), (2, 11, 4, 10)):
        at = now - ago * DAY
        bot.store.ratings[(pair_id, person, at)] = RelationshipRating(
            pair_id=pair_id, person_id=person, rating=rating, at=at
        )
    for report_id, reporter, pair_id, status in (
        (1, 10, 1, ReportStatus.OPEN),
        (2, 11, 2, ReportStatus.RESOLVED),
        (3, 41, 4, ReportStatus.OPEN),
    ):
        bot.store.reports[report_id] = Report(
            id=report_id,
            reporter_id=reporter,
            pair_id=pair_id,
            reason="behaviour",
            created_at=now - DAY,
            status=status,
        )
    for index, ago in enumerate((2, 3, 9, 40)):  # steps sent to mentee 10, two this week
        bot.store.schedule[index + 1] = ScheduledStep(
            id=index + 1,
            pair_id=1,
            person_id=10,
            role=Role.MENTEE,
            curriculum="college-first-year",
            step_id=f"s{index}",
            position=index,
            due_at=now - ago * DAY,
            status=StepStatus.SENT,
            sent_at=now - ago * DAY,
        )
    return bot


def empty_bot() -> Bot:
    """Nobody has joined either program; an admin of new-roots."""
    bot = Bot()
    bot.store.staff.members[EMPTY_ADMIN] = StaffMember(
        user_id=EMPTY_ADMIN,
        organisation="new-roots",
        role=StaffRole.ADMIN,
        added_at=bot.clock.now(),
    )
    return bot
