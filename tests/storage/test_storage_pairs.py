"""Contract tests of pairs, training results, `PersonRepository.mentors` and the people's and
pairs' own fields (`training_passed_at`, `approved_at`, `active_pair_id`, `end_reason`,
`ended_by`), on SQLite, PostgreSQL and the in-memory fake (`any_uow`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.core.models import ModuleResult, Pair, PairStatus, Person, Role
from bot.core.ports import UnitOfWorkFactory
from bot.storage.tables import PairRow
from bot.storage.uow import SqlUnitOfWork

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BIG_ID = 7_123_456_789


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


async def add_people(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person], *ids: int
) -> None:
    async with uow() as tx:
        for user_id in ids:
            await tx.persons.add(make_person(user_id))
        await tx.commit()


async def add_pair(uow: UnitOfWorkFactory, **fields: object) -> Pair:
    values: dict[str, object] = {
        "program": "college",
        "mentee_id": 1,
        "mentor_id": 2,
        "started_at": T0,
    }
    values.update(fields)
    async with uow() as tx:
        pair = await tx.pairs.add(Pair(**values))  # type: ignore[arg-type]
        await tx.commit()
    return pair


async def test_pair_add_get_and_update(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, BIG_ID, 2, 3)
    first = await add_pair(any_uow, mentee_id=BIG_ID, mentor_id=2)
    second = await add_pair(any_uow, mentee_id=3, mentor_id=2, started_at=hours(1))
    assert first.id > 0 and second.id > first.id
    assert first == Pair(
        id=first.id, program="college", mentee_id=BIG_ID, mentor_id=2, started_at=T0
    )
    changed = replace(
        first,
        status=PairStatus.PAUSED,
        paused_at=hours(2),
        ended_at=hours(3),
        last_activity_at=hours(1.5),
        nudged_at=datetime(2026, 11, 21, 11, 0, tzinfo=timezone(timedelta(hours=2))),
    )
    async with any_uow() as tx:
        assert await tx.pairs.get(first.id) == first
        assert await tx.pairs.get(first.id + second.id + 100) is None
        await tx.pairs.update(changed)
        await tx.commit()
    async with any_uow() as tx:
        stored = await tx.pairs.get(first.id)
        assert stored == changed
        assert stored is not None and stored.status is PairStatus.PAUSED
        assert stored.nudged_at == T0
        if isinstance(tx, SqlUnitOfWork):  # the fake keeps what it was given
            assert stored.nudged_at.tzinfo is UTC
        assert await tx.pairs.get_many([second.id, 999_999, first.id, second.id]) == [
            changed,
            second,
        ]
        assert await tx.pairs.get_many([]) == []
        with pytest.raises(LookupError):
            await tx.pairs.update(replace(first, id=999_999))
        with pytest.raises(ValueError):
            await tx.pairs.add(first)  # already has an id


async def test_of_person_lists_open_pairs_oldest_first(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, 1, 2, 3, 4)
    newer = await add_pair(any_uow, mentee_id=3, mentor_id=1, started_at=hours(5))
    older = await add_pair(any_uow, mentee_id=1, mentor_id=2, started_at=hours(1))
    paused = await add_pair(
        any_uow, mentee_id=4, mentor_id=1, started_at=hours(9), status=PairStatus.PAUSED
    )
    await add_pair(any_uow, mentee_id=1, mentor_id=4, started_at=T0, status=PairStatus.ENDED)
    await add_pair(any_uow, mentee_id=3, mentor_id=4, started_at=T0)
    async with any_uow() as tx:
        assert await tx.pairs.of_person(1) == [older, newer, paused]
        assert await tx.pairs.of_person(2) == [older]
        assert await tx.pairs.of_person(99) == []
        # every pair ever, ended ones included, as mentee and as mentor (issue 13, defect 1)
        assert [await tx.pairs.count_ever(i) for i in (1, 2, 3, 4, 99)] == [4, 1, 2, 3, 0]


async def test_silent_pairs(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, 1, 2)
    before = hours(10)
    never_heard = await add_pair(any_uow, started_at=hours(1))
    heard_long_ago = await add_pair(any_uow, last_activity_at=hours(3))
    nudged_long_ago = await add_pair(any_uow, last_activity_at=hours(2), nudged_at=hours(9))
    await add_pair(any_uow, last_activity_at=hours(10))  # heard at `before`: not silent
    await add_pair(any_uow, started_at=hours(11))  # started recently
    await add_pair(any_uow, last_activity_at=hours(1), nudged_at=hours(10))  # just nudged
    await add_pair(any_uow, program="rebuild")  # another program
    await add_pair(any_uow, status=PairStatus.PAUSED)
    await add_pair(any_uow, status=PairStatus.ENDED)
    async with any_uow() as tx:
        assert await tx.pairs.silent("college", before, 10) == [
            never_heard,
            nudged_long_ago,
            heard_long_ago,
        ]
        assert await tx.pairs.silent("college", before, 2) == [never_heard, nudged_long_ago]
        assert await tx.pairs.silent("college", before, 0) == []
        assert await tx.pairs.silent("none", before, 10) == []


async def test_pair_members_are_a_narrow_read(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, 1, 2)
    first = await add_pair(any_uow)
    second = await add_pair(any_uow, program="rebuild")
    async with any_uow() as tx:
        found = sorted(await tx.pairs.members([second.id, first.id, 999]), key=lambda m: m.id)
    assert [(m.id, m.program, m.mentee_id, m.mentor_id) for m in found] == [
        (first.id, "college", first.mentee_id, first.mentor_id),
        (second.id, "rebuild", second.mentee_id, second.mentor_id),
    ]
    assert found[0].partner_of(first.mentee_id) == first.mentor_id


async def test_pairs_due_for_a_checkin(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, 1, 2)
    before = hours(10)
    asked_long_ago = await add_pair(any_uow, started_at=hours(0), checkin_asked_at=hours(5))
    never_asked = await add_pair(any_uow, started_at=hours(2))
    at_the_limit = await add_pair(any_uow, started_at=hours(1), checkin_asked_at=hours(10))
    await add_pair(any_uow, started_at=hours(1), checkin_asked_at=hours(11))  # asked recently
    await add_pair(any_uow, started_at=hours(11))  # matched recently
    await add_pair(any_uow, program="rebuild", started_at=hours(1))
    await add_pair(any_uow, status=PairStatus.PAUSED, started_at=hours(1))
    async with any_uow() as tx:
        assert await tx.pairs.checkin_due("college", before, 10) == [
            never_asked,
            asked_long_ago,
            at_the_limit,
        ]
        assert await tx.pairs.checkin_due("college", before, 1) == [never_asked]
        assert await tx.pairs.checkin_due("college", before, 0) == []


async def test_record_activity(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, 1, 2)
    pair = await add_pair(any_uow)
    async with any_uow() as tx:
        await tx.pairs.record_activity(pair.id, hours(4))
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.pairs.get(pair.id) == replace(pair, last_activity_at=hours(4))
        assert await tx.pairs.silent("college", hours(4), 10) == []
        assert await tx.pairs.silent("college", hours(5), 10) != []
        with pytest.raises(LookupError):
            await tx.pairs.record_activity(pair.id + 1000, hours(4))


async def test_uncommitted_pairs_are_not_stored(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, 1, 2)
    async with any_uow() as tx:
        pair = await tx.pairs.add(Pair(program="college", mentee_id=1, mentor_id=2, started_at=T0))
        assert await tx.pairs.get(pair.id) == pair
    async with any_uow() as tx:
        assert await tx.pairs.get(pair.id) is None
        assert await tx.pairs.of_person(1) == []


def result(module_id: str, at: datetime, **fields: object) -> ModuleResult:
    values: dict[str, object] = {
        "person_id": BIG_ID,
        "curriculum": "volunteer-basics",
        "module_id": module_id,
        "correct": 4,
        "total": 5,
        "passed": True,
        "completed_at": at,
    }
    values.update(fields)
    return ModuleResult(**values)  # type: ignore[arg-type]


async def test_training_results_are_upserted_per_module(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, BIG_ID, 2)
    safety_failed = result("safety", hours(1), correct=1, passed=False)
    async with any_uow() as tx:
        await tx.training.record(safety_failed)
        await tx.training.record(result("intro", hours(2)))
        await tx.training.record(result("intro", hours(0), curriculum="other"))
        await tx.training.record(result("intro", hours(0), person_id=2))
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.training.of_person(BIG_ID, "volunteer-basics") == [
            safety_failed,
            result("intro", hours(2)),
        ]
        await tx.training.record(result("safety", hours(3), correct=5, total=5))
        await tx.commit()
    async with any_uow() as tx:
        results = await tx.training.of_person(BIG_ID, "volunteer-basics")
        assert results == [result("intro", hours(2)), result("safety", hours(3), correct=5)]
        assert all(r.passed is True for r in results)
        assert await tx.training.of_person(BIG_ID, "other") == [
            result("intro", hours(0), curriculum="other")
        ]
        assert await tx.training.of_person(3, "volunteer-basics") == []


async def test_training_passed_at_round_trips(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    person = make_person(BIG_ID)
    async with any_uow() as tx:
        await tx.persons.add(person)
        await tx.persons.add(make_person(2, training_passed_at=hours(1)))
        await tx.commit()
    async with any_uow() as tx:
        stored = await tx.persons.get(BIG_ID)
        assert stored == person and stored.training_passed_at is None
        await tx.persons.update(replace(person, training_passed_at=hours(2)))
        await tx.commit()
    async with any_uow() as tx:
        stored = await tx.persons.get(BIG_ID)
        assert stored is not None and stored.training_passed_at == hours(2)
        if isinstance(tx, SqlUnitOfWork):
            assert stored.training_passed_at.tzinfo is UTC
        assert await tx.persons.get_many([2, 99, BIG_ID, 2]) == [
            make_person(2, training_passed_at=hours(1)),
            replace(person, training_passed_at=hours(2)),
        ]
        assert await tx.persons.get_many(iter(())) == []


async def test_matching_fields_of_people_and_pairs_round_trip(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(any_uow, make_person, 1, 2)
    pair = await add_pair(any_uow)
    assert pair.end_reason is None and pair.ended_by is None
    ended = replace(
        pair, status=PairStatus.ENDED, ended_at=hours(5), end_reason="completed", ended_by=BIG_ID
    )
    async with any_uow() as tx:
        mentee = await tx.persons.get(1)
        assert mentee is not None and mentee.approved_at is None
        assert mentee.active_pair_id is None
        await tx.persons.update(replace(mentee, approved_at=hours(1), active_pair_id=pair.id))
        await tx.pairs.update(ended)
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.pairs.get(pair.id) == ended
        assert await tx.persons.get(1) == make_person(
            1, approved_at=hours(1), active_pair_id=pair.id
        )
        await tx.persons.update(make_person(1))
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.persons.get(1) == make_person(1)


async def test_mentors_are_the_onboarded_mentors_of_a_program(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    def mentor(user_id: int, **fields: object) -> Person:
        values: dict[str, object] = {"role": Role.MENTOR, "program": "college", "onboarded_at": T0}
        values.update(fields)
        return make_person(user_id, **values)

    chosen = [mentor(BIG_ID), mentor(3, approved_at=T0, blocked_bot=True), mentor(2, capacity=0)]
    async with any_uow() as tx:
        for person in (
            *chosen,
            mentor(4, role=Role.MENTEE),
            mentor(5, program="rebuild"),
            mentor(6, onboarded_at=None),
            make_person(7),
        ):
            await tx.persons.add(person)
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.persons.mentors("college") == sorted(chosen, key=lambda p: p.id)
        assert [p.id for p in await tx.persons.mentors("rebuild")] == [5]
        assert await tx.persons.mentors("none") == []
        await tx.persons.update(replace(chosen[0], onboarded_at=None))
        assert [p.id for p in await tx.persons.mentors("college")] == [2, 3]


async def test_a_deleted_pair_is_no_ones_active_pair(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    await add_people(uow, make_person, 1, 2)
    pair = await add_pair(uow)
    async with uow() as tx:
        await tx.persons.update(make_person(1, active_pair_id=pair.id))
        await tx.commit()
    async with uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        with pytest.raises(IntegrityError):  # the pair must exist
            await tx.persons.update(make_person(2, active_pair_id=pair.id + 1))
    async with uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        await tx.session.execute(delete(PairRow).where(PairRow.id == pair.id))
        await tx.commit()
    async with uow() as tx:
        assert await tx.persons.get(1) == make_person(1)
