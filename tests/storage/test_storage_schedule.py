"""Contract tests of the schedule and check-ins, on SQLite, PostgreSQL and the in-memory fake
(`any_uow`); concurrency, bulk and cascades on the two databases (`uow`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.models import CheckinAnswer, Pair, PairStatus, Person, Role, ScheduledStep
from bot.core.models import StepStatus as S
from bot.core.ports import UnitOfWorkFactory

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def step(pair: Pair, role: Role, step_id: str, position: int, due: float) -> ScheduledStep:
    person = pair.mentee_id if role is Role.MENTEE else pair.mentor_id
    return ScheduledStep(
        pair_id=pair.id,
        person_id=person,
        role=role,
        curriculum="college-first-year",
        step_id=step_id,
        position=position,
        due_at=hours(due),
    )


async def setup_pairs(
    uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> tuple[Pair, Pair, Pair]:
    """Persons 1–4; an active pair (1, 2), an active pair (3, 4) and a paused pair (1, 4)."""
    async with uow() as tx:
        for user_id in (1, 2, 3, 4):
            await tx.persons.add(make_person(user_id))
        pairs = []
        for mentee, mentor, status in ((1, 2, "active"), (3, 4, "active"), (1, 4, "paused")):
            pair = Pair(
                program="college",
                mentee_id=mentee,
                mentor_id=mentor,
                status=PairStatus(status),
                started_at=T0,
            )
            pairs.append(await tx.pairs.add(pair))
        await tx.commit()
    return pairs[0], pairs[1], pairs[2]


async def add_steps(uow: UnitOfWorkFactory, steps: list[ScheduledStep]) -> None:
    async with uow() as tx:
        await tx.schedule.add_many(steps)
        await tx.commit()


async def test_add_many_get_and_of_pair(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, b, _ = await setup_pairs(any_uow, make_person)
    given = [
        step(a, Role.MENTOR, "week-2", 2, 48),
        step(a, Role.MENTEE, "week-2", 2, 47),
        step(b, Role.MENTEE, "week-1", 1, 1),
        step(a, Role.MENTOR, "week-1", 1, 2),
        step(a, Role.MENTEE, "week-1", 1, 3),
    ]
    await add_steps(any_uow, given)
    async with any_uow() as tx:
        await tx.schedule.add_many([])
        rows = await tx.schedule.of_pair(a.id)
        assert [(r.position, r.role, r.step_id) for r in rows] == [
            (1, Role.MENTEE, "week-1"),
            (1, Role.MENTOR, "week-1"),
            (2, Role.MENTEE, "week-2"),
            (2, Role.MENTOR, "week-2"),
        ]
        assert all(r.id > 0 for r in rows) and len({r.id for r in rows}) == 4
        assert {replace(r, id=0) for r in rows} == {g for g in given if g.pair_id == a.id}
        assert all(r.role is Role(r.role) and r.status is S.SCHEDULED for r in rows)
        assert await tx.schedule.get(rows[2].id) == rows[2]
        assert await tx.schedule.get(999_999) is None
        assert [r.step_id for r in await tx.schedule.of_pair(b.id)] == ["week-1"]
        assert await tx.schedule.of_pair(999_999) == []
        with pytest.raises(ValueError):
            await tx.schedule.add_many([rows[0]])  # already has an id


async def test_a_step_cannot_be_scheduled_twice(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, _, _ = await setup_pairs(any_uow, make_person)
    await add_steps(any_uow, [step(a, Role.MENTEE, "week-1", 1, 1)])
    async with any_uow() as tx:
        with pytest.raises((IntegrityError, AssertionError)):
            await tx.schedule.add_many([step(a, Role.MENTEE, "week-1", 1, 5)])


async def test_claim_due_takes_due_rows_of_active_pairs_in_order(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, b, paused = await setup_pairs(any_uow, make_person)
    await add_steps(
        any_uow,
        [
            step(a, Role.MENTEE, "w3", 3, 3),
            step(b, Role.MENTOR, "w1", 1, 1),
            step(a, Role.MENTOR, "w1", 1, 1),  # same due time: id order
            step(paused, Role.MENTEE, "w1", 1, 0),  # paused pair: never claimed
            step(a, Role.MENTEE, "w4", 4, 4.5),  # not due yet
            step(b, Role.MENTEE, "w2", 2, 2),
        ],
    )
    now = hours(4)
    async with any_uow() as tx:
        assert await tx.schedule.count_due(now) == 4
        claimed = await tx.schedule.claim_due(now, 10)
        assert [(r.pair_id, r.step_id) for r in claimed] == [
            (b.id, "w1"),
            (a.id, "w1"),
            (b.id, "w2"),
            (a.id, "w3"),
        ]
        assert claimed[0].id < claimed[1].id
        assert [r.id for r in await tx.schedule.claim_due(now, 2)] == [r.id for r in claimed[:2]]
        assert await tx.schedule.claim_due(now, 0) == []
        assert await tx.schedule.count_due(hours(1)) == 2  # due_at <= now
        assert [r.step_id for r in await tx.schedule.claim_due(hours(1), 10)] == ["w1", "w1"]
        assert await tx.schedule.claim_due(hours(0.5), 10) == []
        await tx.pairs.update(replace(paused, status=PairStatus.ACTIVE))
        assert [r.pair_id for r in await tx.schedule.claim_due(now, 1)] == [paused.id]
        await tx.pairs.update(replace(a, status=PairStatus.ENDED))
        assert {r.pair_id for r in await tx.schedule.claim_due(now, 10)} == {b.id, paused.id}


async def test_mark_takes_rows_out_of_the_schedule(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, b, _ = await setup_pairs(any_uow, make_person)
    await add_steps(any_uow, [step(p, r, "w1", 1, 1) for p in (a, b) for r in Role])
    async with any_uow() as tx:
        claimed = await tx.schedule.claim_due(hours(2), 3)
        await tx.schedule.mark([r.id for r in claimed[:2]], S.SENT, hours(2))
        await tx.schedule.mark([claimed[2].id], S.SKIPPED, hours(3))
        await tx.schedule.mark([], S.SENT, hours(3))
        await tx.commit()
    async with any_uow() as tx:
        stored = [await tx.schedule.get(r.id) for r in claimed]
        assert stored == [
            replace(claimed[0], status=S.SENT, attempts=1, sent_at=hours(2)),
            replace(claimed[1], status=S.SENT, attempts=1, sent_at=hours(2)),
            replace(claimed[2], status=S.SKIPPED, attempts=1, sent_at=hours(3)),
        ]
        assert await tx.schedule.count_due(hours(2)) == 1
        rest = await tx.schedule.claim_due(hours(2), 10)
        assert len(rest) == 1 and rest[0].id not in {r.id for r in claimed}
        await tx.schedule.mark([rest[0].id], S.SCHEDULED, hours(2))  # e.g. put back to retry
        await tx.commit()
    async with any_uow() as tx:
        again = await tx.schedule.claim_due(hours(2), 10)
        assert [(r.id, r.attempts) for r in again] == [(rest[0].id, 1)]


async def test_reschedule_moves_due_times(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, _, _ = await setup_pairs(any_uow, make_person)
    await add_steps(any_uow, [step(a, Role.MENTEE, f"w{i}", i, i) for i in (1, 2, 3)])
    async with any_uow() as tx:
        w1, w2, w3 = await tx.schedule.of_pair(a.id)
        await tx.schedule.reschedule([(w1.id, hours(10)), (w3.id, hours(0.5)), (999_999, T0)])
        await tx.schedule.reschedule([])
        await tx.commit()
    async with any_uow() as tx:
        assert [r.id for r in await tx.schedule.claim_due(hours(5), 10)] == [w3.id, w2.id]
        assert await tx.schedule.get(w1.id) == replace(w1, due_at=hours(10))


async def test_cancel_pending_cancels_only_scheduled_rows_of_the_pair(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, b, _ = await setup_pairs(any_uow, make_person)
    await add_steps(
        any_uow,
        [step(a, Role.MENTEE, f"w{i}", i, i) for i in (1, 2, 3)]
        + [step(b, Role.MENTEE, "w1", 1, 1)],
    )
    async with any_uow() as tx:
        first = (await tx.schedule.claim_due(hours(1), 1))[0]
        await tx.schedule.mark([first.id], S.SENT, hours(1))
        assert first.pair_id == a.id
        assert await tx.schedule.cancel_pending(a.id, hours(1.5)) == 2
        assert await tx.schedule.cancel_pending(a.id, hours(1.5)) == 0
        await tx.commit()
    async with any_uow() as tx:
        rows = await tx.schedule.of_pair(a.id)
        assert [(r.status, r.attempts, r.sent_at) for r in rows] == [
            (S.SENT, 1, hours(1)),
            (S.CANCELLED, 0, hours(1.5)),
            (S.CANCELLED, 0, hours(1.5)),
        ]
        assert [r.pair_id for r in await tx.schedule.claim_due(hours(9), 10)] == [b.id]


async def test_step_message_ids_find_their_pair_per_person(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, b, paused = await setup_pairs(any_uow, make_person)
    await add_steps(
        any_uow,
        [step(a, r, "w1", 1, 1) for r in Role]
        + [step(paused, Role.MENTOR, "w1", 1, 1), step(b, Role.MENTEE, "w1", 1, 1)],
    )
    async with any_uow() as tx:
        rows = {
            (r.pair_id, r.person_id): r
            for p in (a, b, paused)
            for r in await tx.schedule.of_pair(p.id)
        }
        assert all(r.message_id is None for r in rows.values()), "none until delivered"
        await tx.schedule.mark([r.id for r in rows.values()], S.SENT, hours(1))
        # message ids are per chat: the same id in two people's chats
        await tx.schedule.record_messages(
            [(rows[a.id, 1].id, 7), (rows[a.id, 2].id, 7), (rows[paused.id, 4].id, 8)]
        )
        await tx.schedule.record_messages([(999_999, 9)])  # unknown: ignored
        await tx.schedule.record_messages([])
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.schedule.pair_of_message(1, 7) == a.id
        assert await tx.schedule.pair_of_message(2, 7) == a.id
        assert await tx.schedule.pair_of_message(4, 8) == paused.id
        assert await tx.schedule.pair_of_message(3, 8) is None, "another person's chat"
        assert await tx.schedule.pair_of_message(1, 8) is None
        assert (await tx.schedule.get(rows[a.id, 1].id)) == replace(
            rows[a.id, 1], status=S.SENT, attempts=1, sent_at=hours(1), message_id=7
        )
        # a step opened again (/steps) is found by its latest message
        await tx.schedule.record_messages([(rows[a.id, 1].id, 12)])
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.schedule.pair_of_message(1, 12) == a.id
        assert await tx.schedule.forget_messages(hours(1)) == 0, "sent at the limit: kept"
        assert await tx.schedule.forget_messages(hours(2)) == 3, "the retention purge"
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.schedule.pair_of_message(2, 7) is None
        assert await tx.schedule.forget_messages(hours(2)) == 0
        assert {r.message_id for p in (a, paused) for r in await tx.schedule.of_pair(p.id)} == {
            None
        }


async def test_checkin_answers_are_upserted(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    a, b, _ = await setup_pairs(any_uow, make_person)
    await add_steps(
        any_uow, [step(a, r, "w1", 1, 1) for r in Role] + [step(b, Role.MENTEE, "w1", 1, 1)]
    )
    async with any_uow() as tx:
        mentee_row, mentor_row = await tx.schedule.of_pair(a.id)
        (other_row,) = await tx.schedule.of_pair(b.id)

    def answer(row: ScheduledStep, text: str, at: float) -> CheckinAnswer:
        return CheckinAnswer(
            scheduled_step_id=row.id,
            pair_id=row.pair_id,
            person_id=row.person_id,
            step_id=row.step_id,
            answer=text,
            answered_at=hours(at),
        )

    async with any_uow() as tx:
        assert await tx.checkins.get(mentee_row.id) is None
        await tx.checkins.record(answer(mentee_row, "good", 3))
        await tx.checkins.record(answer(mentor_row, "Tutto bene 👍 <b>", 2))
        await tx.checkins.record(answer(other_row, "meh", 1))
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.checkins.get(mentee_row.id) == answer(mentee_row, "good", 3)
        assert await tx.checkins.of_pair(a.id) == [
            answer(mentor_row, "Tutto bene 👍 <b>", 2),
            answer(mentee_row, "good", 3),
        ]
        await tx.checkins.record(answer(mentor_row, "struggling", 4))  # answering again
        await tx.commit()
    async with any_uow() as tx:
        assert await tx.checkins.of_pair(a.id) == [
            answer(mentee_row, "good", 3),
            answer(mentor_row, "struggling", 4),
        ]
        assert await tx.checkins.of_pair(b.id) == [answer(other_row, "meh", 1)]
        assert await tx.checkins.of_pair(999_999) == []
