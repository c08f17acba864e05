"""Contract tests of the staff repository on SQLite, PostgreSQL and the in-memory fake: staff
members, the audit log (newest first, per organisation, paginated), pending confirmations,
broadcast progress, person flags, and the reads across programs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.models import AgeStatus, Pair, PairStatus, Person, Role, ScheduledStep, StepStatus
from bot.core.ports import UnitOfWorkFactory
from bot.core.staff import (
    BANNED,
    REJECTED,
    AuditEntry,
    Broadcast,
    DraftKind,
    PersonFlag,
    StaffDraft,
    StaffMember,
    StaffRole,
)

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BIG_ID = 7_123_456_789


async def test_members_are_saved_changed_listed_and_removed(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        for user_id, org, role in (
            (BIG_ID, "b", StaffRole.ADMIN),
            (5, "a", StaffRole.COORDINATOR),
        ):
            await tx.staff.save_member(
                StaffMember(user_id=user_id, organisation=org, role=role, added_at=T0, added_by=1)
            )
        await tx.commit()
    async with any_uow() as tx:
        assert [m.user_id for m in await tx.staff.members(None)] == [5, BIG_ID]
        assert [m.user_id for m in await tx.staff.members("b")] == [BIG_ID]
        await tx.staff.save_member(
            StaffMember(user_id=5, organisation="b", role=StaffRole.ADMIN, added_at=T0)
        )
        await tx.commit()
    async with any_uow() as tx:
        changed = await tx.staff.member(5)
        assert changed == StaffMember(
            user_id=5, organisation="b", role=StaffRole.ADMIN, added_at=T0, added_by=None
        )
        assert await tx.staff.remove_member(5) is True
        assert await tx.staff.remove_member(5) is False
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.staff.member(5) is None
        assert await tx.staff.member(BIG_ID) is not None


async def test_audit_log_newest_first_per_organisation(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        for i in range(25):
            await tx.staff.record(
                AuditEntry(
                    at=T0 + timedelta(minutes=i),
                    actor_id=BIG_ID,
                    organisation="a" if i % 5 else "b",
                    action=f"act{i}",
                    target="Mia (1)",
                    detail="a note",
                )
            )
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.staff.audit_count(None) == 25
        assert await tx.staff.audit_count(["a"]) == 20
        assert await tx.staff.audit_count(["a", "b"]) == 25
        page = await tx.staff.audit(["a"], 10, 10)
        assert [e.action for e in page] == [f"act{i}" for i in range(12, 0, -1) if i % 5][:10]
        newest = (await tx.staff.audit(None, 1))[0]
        assert (newest.action, newest.actor_id, newest.organisation) == ("act24", BIG_ID, "a")
        assert newest.at == T0 + timedelta(minutes=24) and newest.id > 0


async def test_drafts_one_per_member(any_uow: UnitOfWorkFactory) -> None:
    first = StaffDraft(
        user_id=BIG_ID,
        kind=DraftKind.BROADCAST,
        token="ab12",
        created_at=T0,
        data={"program": "college", "audience": "all", "text": "Hi ☀"},
    )
    async with any_uow() as tx:
        await tx.staff.save_draft(first)
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.staff.draft(BIG_ID) == first
        second = StaffDraft(
            user_id=BIG_ID,
            kind=DraftKind.MATCH,
            token="cd34",
            created_at=T0,
            data={"program": "college", "pairs": [[1, 2, 0.5]]},
        )
        await tx.staff.save_draft(second)
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.staff.draft(BIG_ID) == second
        assert await tx.staff.delete_draft(BIG_ID) is True
        assert await tx.staff.delete_draft(BIG_ID) is False
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.staff.draft(BIG_ID) is None


async def test_broadcast_progress_counts_atomically(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        added = await tx.staff.add_broadcast(
            Broadcast(
                organisation="a",
                program="college",
                audience="all",
                created_by=BIG_ID,
                staff_chat_id=BIG_ID,
                total=4,
                created_at=T0,
            )
        )
        await tx.commit()
    assert added.id > 0 and added.sent == 0 and not added.done
    for expected in (1, 2, 3):
        async with any_uow() as tx:
            counted = await tx.staff.count_sent(added.id)
            await tx.commit()
        assert counted is not None and counted.sent == expected
    async with any_uow() as tx:
        failed = await tx.staff.count_sent(added.id, delivered=False)
        await tx.commit()
    assert failed is not None and (failed.sent, failed.failed, failed.done) == (3, 1, True)
    async with any_uow() as tx:
        assert await tx.staff.count_sent(999) is None
        await tx.staff.update_broadcast(replace(added, progress_message_id=77, progress_at=T0))
        await tx.commit()
    async with any_uow() as tx:
        stored = await tx.staff.get_broadcast(added.id)
    assert stored is not None and (stored.sent, stored.progress_message_id) == (3, 77)
    assert stored.progress_at == T0


async def test_flags(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        await tx.staff.flag(PersonFlag(user_id=BIG_ID, kind=BANNED, reason="spam", at=T0, by=1))
        await tx.staff.flag(PersonFlag(user_id=BIG_ID, kind=REJECTED, reason="no", at=T0, by=1))
        await tx.staff.flag(PersonFlag(user_id=BIG_ID, kind=BANNED, reason="abuse", at=T0, by=2))
        await tx.commit()
    async with any_uow() as tx:
        flags = await tx.staff.flags([BIG_ID, 3])
        assert [(f.kind, f.reason, f.by) for f in flags] == [
            (BANNED, "abuse", 2),
            (REJECTED, "no", 1),
        ]
        await tx.staff.flag(PersonFlag(user_id=3, kind=REJECTED, reason="no", at=T0, by=1))
        assert await tx.staff.banned([BIG_ID, 3, 4]) == {BIG_ID}
        assert await tx.staff.banned([]) == set()
        assert await tx.staff.unflag(BIG_ID, BANNED) is True
        assert await tx.staff.unflag(BIG_ID, BANNED) is False
        await tx.commit()
    async with any_uow() as tx:
        assert [f.kind for f in await tx.staff.flags([BIG_ID])] == [REJECTED]
        assert await tx.staff.banned([BIG_ID, 3]) == set()


async def test_reads_across_programs(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async with any_uow() as tx:
        for user_id, program in ((1, "college"), (2, "college"), (3, "rebuild"), (4, "rebuild")):
            await tx.persons.add(make_person(user_id, program=program))
        await tx.persons.add(make_person(5))  # no program yet
        college = await tx.pairs.add(
            Pair(program="college", mentee_id=1, mentor_id=2, started_at=T0)
        )
        rebuild = await tx.pairs.add(
            Pair(
                program="rebuild", mentee_id=3, mentor_id=4, started_at=T0, status=PairStatus.ENDED
            )
        )
        await tx.schedule.add_many(
            [
                ScheduledStep(
                    pair_id=pair.id,
                    person_id=pair.mentee_id,
                    role=Role.MENTEE,
                    curriculum="c",
                    step_id=f"s{i}",
                    position=i,
                    due_at=T0,
                )
                for pair in (college, rebuild)
                for i in range(3)
            ]
        )
        rows = await tx.schedule.of_pair(college.id)
        await tx.schedule.mark([rows[0].id, rows[1].id], StepStatus.SENT, T0)
        await tx.commit()
    async with any_uow() as tx:
        assert [p.id for p in await tx.staff.people(["college"])] == [1, 2]
        assert [p.id for p in await tx.staff.people(["college", "rebuild"])] == [1, 2, 3, 4]
        assert [p.id for p in await tx.staff.pairs_of(["rebuild"])] == [rebuild.id]
        sent = await tx.staff.sent_steps(["college", "rebuild"])
        assert [(s.pair_id, s.step_id) for s in sent] == [(college.id, "s0"), (college.id, "s1")]
        assert all(s.sent_at == T0 for s in sent)
        assert await tx.staff.people([]) == []


async def test_age_locked_people_by_program_and_those_of_no_program(
    any_uow: UnitOfWorkFactory,
) -> None:
    def person(user_id: int, program: str | None, status: AgeStatus) -> Person:
        return Person(
            id=user_id,
            chat_id=user_id,
            language="en",
            created_at=T0,
            updated_at=T0,
            age_status=status,
            birth_year=2011,
            program=program,
        )

    async with any_uow() as tx:
        for user_id, program, status in (
            (BIG_ID, "college", AgeStatus.MINOR),
            (2, "rebuild", AgeStatus.MINOR),
            (3, None, AgeStatus.MINOR),
            (4, "college", AgeStatus.ADULT),
            (5, None, AgeStatus.UNKNOWN),
        ):
            await tx.persons.add(person(user_id, program, status))
        await tx.commit()
    async with any_uow() as tx:
        assert [p.id for p in await tx.staff.age_locked(["college"])] == [BIG_ID]
        assert [p.id for p in await tx.staff.age_locked(["college", "rebuild"])] == [2, BIG_ID]
        assert [p.id for p in await tx.staff.age_locked(["college"], ownerless=True)] == [
            3,
            BIG_ID,
        ]
        assert await tx.staff.age_locked([]) == []
