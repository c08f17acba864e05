"""Contract tests of the case file's reads on SQLite, PostgreSQL and the in-memory fake: staff
notes about a person (oldest first, with their author), every report by or about a person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.models import Report, ReportStatus
from bot.core.ports import UnitOfWorkFactory
from bot.core.staff import StaffNote

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BIG_ID = 7_123_456_789


async def test_notes_are_kept_per_person_oldest_first(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        later = await tx.staff.add_note(
            StaffNote(
                person_id=BIG_ID,
                author_id=5,
                author_name="Ann",
                text="second: «call» <b>",
                at=T0 + timedelta(hours=1),
            )
        )
        first = await tx.staff.add_note(
            StaffNote(person_id=BIG_ID, author_id=6, author_name="Bo", text="first", at=T0)
        )
        await tx.staff.add_note(
            StaffNote(person_id=7, author_id=5, author_name="Ann", text="other", at=T0)
        )
        await tx.commit()
    assert later.id and first.id and later.id != first.id
    async with any_uow() as tx:
        notes = await tx.staff.notes_of(BIG_ID)
        assert [(n.text, n.author_name, n.author_id) for n in notes] == [
            ("first", "Bo", 6),
            ("second: «call» <b>", "Ann", 5),
        ]
        assert notes[1] == later
        assert await tx.staff.notes_of(8) == []


async def test_reports_of_a_person_by_and_about_them(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        for reporter, reported, hours in ((1, 2, 2), (2, 1, 1), (3, 4, 0), (5, None, 3)):
            await tx.safety.add_report(
                Report(
                    reporter_id=reporter,
                    reported_id=reported,
                    reason="unsafe",
                    created_at=T0 + timedelta(hours=hours),
                    status=ReportStatus.OPEN,
                )
            )
        await tx.commit()
    async with any_uow() as tx:
        mine = await tx.staff.reports_of(1)
        assert [(r.reporter_id, r.reported_id) for r in mine] == [(2, 1), (1, 2)]
        assert [r.reporter_id for r in await tx.staff.reports_of(5)] == [5]
        assert await tx.staff.reports_of(9) == []
