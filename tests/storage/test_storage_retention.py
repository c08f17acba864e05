"""Contract tests of the retention clocks on SQLite, PostgreSQL and the in-memory fake: held
reports are released exactly when their clock runs out, and the retention round purges exactly
the relayed-message and delivery records (and step message ids) older than the retention
period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from bot.core.effects import SendText
from bot.core.models import (
    Pair,
    Person,
    RelayLink,
    Report,
    ReportStatus,
    Role,
    ScheduledStep,
    StepStatus,
)
from bot.core.ports import UnitOfWorkFactory
from bot.core.privacy import Retention
from bot.services.privacy import retention_round
from tests.fakes import FakeClock
from tests.storage.test_storage_privacy import ANNA, MARCO, OTHER, T0, erasure, person


async def test_held_reports_are_released_exactly_when_their_clock_runs_out(
    any_uow: UnitOfWorkFactory,
) -> None:
    async with any_uow() as tx:
        await tx.persons.add(person(ANNA, Role.MENTEE, "Annabel Quill"))
        mine = await tx.safety.add_report(
            Report(reporter_id=ANNA, reason="other", text="my words", created_at=T0)
        )
        about = await tx.safety.add_report(
            Report(reporter_id=MARCO, reported_id=ANNA, reason="other", created_at=T0)
        )
        await tx.safety.add_report(
            Report(
                reporter_id=ANNA,
                reason="other",
                status=ReportStatus.RESOLVED,
                resolved_at=T0,
                created_at=T0,
            )
        )
        unrelated = await tx.safety.add_report(
            Report(reporter_id=OTHER, reason="other", created_at=T0)
        )
        done = await tx.privacy.erase(erasure())
        await tx.commit()
    assert done.held_reports == (mine.id, about.id) and done.deleted_reports == 1
    resolved = T0 + timedelta(days=10)
    async with any_uow() as tx:
        for report in (mine, about, unrelated):
            await tx.safety.update_report(
                replace(report, status=ReportStatus.RESOLVED, resolved_at=resolved)
            )
        assert await tx.privacy.release_held_reports(resolved) == 0, "not before the clock"
        assert await tx.privacy.release_held_reports(resolved + timedelta(seconds=1)) == 2
        assert await tx.privacy.release_held_reports(resolved + timedelta(days=99)) == 0
        await tx.commit()
    async with any_uow() as tx:
        left = await tx.privacy.records(MARCO)
        assert [r.id for r in left.reports] == [about.id]
        assert left.reports[0].reported_id is None, "his report stays, without her"
        assert [r.id for r in (await tx.privacy.records(OTHER)).reports] == [unrelated.id]
        assert (await tx.privacy.records(ANNA)).reports == ()


async def test_retention_round_purges_exactly_the_old_rows(
    any_uow: UnitOfWorkFactory, make_person: Callable[..., Person]
) -> None:
    async with any_uow() as tx:
        await tx.persons.add(make_person(1))
        await tx.persons.add(make_person(2))
        pair = await tx.pairs.add(Pair(program="college", mentee_id=1, mentor_id=2, started_at=T0))
        await tx.commit()
    now = T0 + timedelta(days=100)
    cutoff = now - timedelta(days=90)
    just_old, just_new = cutoff - timedelta(microseconds=1), cutoff
    async with any_uow() as tx:
        for n, at in enumerate((T0, just_old, just_new, now)):
            await tx.relay.add_many(
                [
                    RelayLink(
                        pair_id=pair.id,
                        sender_id=1,
                        source_chat_id=1,
                        source_message_id=n,
                        target_chat_id=2,
                        target_message_id=n,
                        created_at=at,
                    )
                ]
            )
        for n, at in enumerate((T0, just_old, just_new, now)):
            await tx.outbox.add([SendText(chat_id=1, text=f"sent {n}")], at)
        await tx.outbox.add([SendText(chat_id=1, text="never sent, old")], T0)
        await tx.schedule.add_many([step_row(pair, f"w{n}", n) for n in (1, 2)])
        steps = await tx.schedule.of_pair(pair.id)
        for row, at in zip(steps, (just_old, just_new), strict=True):
            await tx.schedule.mark([row.id], StepStatus.SENT, at)
        await tx.schedule.record_messages([(row.id, 50 + row.position) for row in steps])
        await tx.commit()
    async with any_uow() as tx:
        items = await tx.outbox.claim_due(now, 10, 60)
        sent = [i for i in items if i.payload["text"].startswith("sent ")]
        await tx.outbox.mark_sent_many([(i.id, 1, now) for i in sent])
        await tx.outbox.retry_later(items[-1].id, now + timedelta(days=1), "later")
        await tx.commit()
    clock = FakeClock(now)
    purged = await retention_round(any_uow, clock, Retention(relay_days=90), batch=1)
    assert (purged.relay_links, purged.delivery_records, purged.reports) == (2, 2, 0)
    assert purged.step_messages == 1, "the message id of a step sent that long ago"
    async with any_uow() as tx:
        assert [r.message_id for r in await tx.schedule.of_pair(pair.id)] == [None, 52]
        assert [k.source_message_id for k in await tx.relay.recent(pair.id, 10)] == [3, 2]
        assert [i.payload["text"] for i in await tx.outbox.pending_for_chat(1)] == [
            "never sent, old"
        ], "pending messages are never purged"
    again = await retention_round(any_uow, clock, Retention(relay_days=90))
    assert (again.relay_links, again.delivery_records, again.step_messages) == (0, 0, 0)


def step_row(pair: Pair, step_id: str, position: int) -> ScheduledStep:
    return ScheduledStep(
        pair_id=pair.id,
        person_id=pair.mentee_id,
        role=Role.MENTEE,
        curriculum="college-first-year",
        step_id=step_id,
        position=position,
        due_at=T0,
    )
