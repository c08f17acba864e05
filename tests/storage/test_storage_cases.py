"""Contract tests of the case repository on SQLite, PostgreSQL and the in-memory fake: one open
case per person and kind, cases by topic, closing once, team message ids for replies, and each
program's staff group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.cases import Case, CaseKind, CaseStatus, StaffGroup
from bot.core.ports import UnitOfWorkFactory

T0 = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
GROUP = -1_001_234_567_890


async def test_cases_are_stored_found_and_closed_once(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        crisis = await tx.cases.add(
            Case(person_id=7, kind=CaseKind.CRISIS, program="p", opened_at=T0)
        )
        team = await tx.cases.add(
            Case(
                person_id=7,
                kind=CaseKind.TEAM,
                program="p",
                opened_at=T0 + timedelta(minutes=1),
                staff_chat_id=GROUP,
                thread_id=42,
            )
        )
        await tx.commit()
    assert crisis.id and team.id and crisis.id != team.id
    async with any_uow() as tx:
        assert await tx.cases.open_case(7, CaseKind.CRISIS) == crisis
        assert await tx.cases.open_case(7, CaseKind.REPORT) is None
        assert await tx.cases.open_case(8, CaseKind.CRISIS) is None
        assert [c.id for c in await tx.cases.open_cases(7)] == [team.id, crisis.id]
        assert await tx.cases.by_topic(GROUP, 42) == team
        assert await tx.cases.by_topic(GROUP, 43) is None
        assert (await tx.cases.latest(7)) == team
        closed = await tx.cases.close(team.id, T0 + timedelta(hours=1), 99)
        assert closed is not None and closed.status is CaseStatus.CLOSED
        assert closed.closed_by == 99 and closed.closed_at == T0 + timedelta(hours=1)
        assert await tx.cases.close(team.id, T0, 99) is None, "closed once"
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.cases.open_case(7, CaseKind.TEAM) is None
        found = await tx.cases.get(team.id)
        assert found is not None and not found.is_open and found.in_topic
        reopened = Case(**{**found.__dict__, "status": CaseStatus.OPEN, "staff_id": 5})
        await tx.cases.update(reopened)
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.cases.open_case(7, CaseKind.TEAM) == reopened


async def test_a_team_message_id_finds_its_case(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        case = await tx.cases.add(
            Case(person_id=7, kind=CaseKind.TEAM, program=None, opened_at=T0)
        )
        await tx.cases.note_message(case.id, 7, 1001)
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.cases.of_message(7, 1001) == case
        assert await tx.cases.of_message(7, 1002) is None
        assert await tx.cases.of_message(8, 1001) is None


async def test_a_program_has_one_staff_group(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        await tx.cases.set_staff_group(StaffGroup("p", GROUP, 5, T0))
        await tx.cases.set_staff_group(StaffGroup("q", GROUP, 5, T0))
        await tx.cases.set_staff_group(StaffGroup("p", GROUP - 1, 6, T0 + timedelta(days=1)))
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.cases.staff_group("p") == StaffGroup(
            "p", GROUP - 1, 6, T0 + timedelta(days=1)
        )
        assert [g.program for g in await tx.cases.staff_groups(["q", "p", "r"])] == ["p", "q"]
        assert await tx.cases.remove_staff_group("q")
        assert not await tx.cases.remove_staff_group("q")
        assert await tx.cases.staff_group("q") is None
