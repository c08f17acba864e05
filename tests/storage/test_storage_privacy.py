"""Contract tests of the PrivacyRepository on SQLite, PostgreSQL and the in-memory fake: one
person's records, their erasure (with a search of the whole database on SQL), and the
retention purges removing exactly the old rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.cases import Case, CaseKind, CaseMessage
from bot.core.effects import Button, CopyMessage, Effect, RelayTag, SendText
from bot.core.models import (
    AgeStatus,
    CheckinAnswer,
    FlowState,
    MatchRequest,
    ModuleResult,
    Pair,
    PairStatus,
    Person,
    Proposal,
    RelationshipRating,
    RelayLink,
    Report,
    ReportStatus,
    Role,
    ScheduledStep,
)
from bot.core.ports import UnitOfWork, UnitOfWorkFactory
from bot.core.privacy import Erasure
from bot.core.staff import AuditEntry, DraftKind, PersonFlag, StaffDraft
from bot.storage.db import session_factory
from bot.storage.uow import sql_uow_factory
from tests.db_search import search

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ANNA, MARCO, OTHER = 7_100_000_001, 7_100_000_002, 7_100_000_003
STAFF = 7_900_000_000
STAND_IN = -424242


def person(user_id: int, role: Role, name: str, **fields: Any) -> Person:
    values: dict[str, Any] = {
        "id": user_id,
        "chat_id": user_id,
        "language": "en",
        "created_at": T0,
        "updated_at": T0,
        "consent_at": T0,
        "age_status": AgeStatus.ADULT,
        "birth_year": 1990,
        "role": role,
        "program": "college",
        "display_name": name,
        "onboarded_at": T0,
    }
    values.update(fields)
    return Person(**values)


async def world(uow: UnitOfWorkFactory) -> Pair:
    """Anna (mentee) and Marco (mentor) paired, with a record of each kind for each of them,
    and Otto, a stranger."""
    async with uow() as tx:
        await tx.persons.add(
            person(
                ANNA,
                Role.MENTEE,
                "Annabel Quill",
                birth_year=1994,
                goals=("goal-anna",),
                time_zone="Europe/Lisbon",
            )
        )
        await tx.persons.add(person(MARCO, Role.MENTOR, "Marco Zephyr", capacity=2))
        await tx.persons.add(person(OTHER, Role.MENTEE, "Otto"))
        pair = await tx.pairs.add(
            Pair(program="college", mentee_id=ANNA, mentor_id=MARCO, started_at=T0)
        )
        await _steps_and_answers(tx, pair)
        await _requests_and_messages(tx, pair)
        await _conversations(tx, pair)
        await tx.commit()
    return pair


async def _steps_and_answers(tx: UnitOfWork, pair: Pair) -> None:
    """A step for each side, their check-in answers, Marco's training, both ratings."""
    await tx.schedule.add_many(
        [
            ScheduledStep(
                pair_id=pair.id,
                person_id=who,
                role=role,
                curriculum="college",
                step_id="w1",
                position=0,
                due_at=T0,
            )
            for who, role in ((ANNA, Role.MENTEE), (MARCO, Role.MENTOR))
        ]
    )
    steps = await tx.schedule.of_pair(pair.id)
    for step in steps:
        await tx.checkins.record(
            CheckinAnswer(
                scheduled_step_id=step.id,
                pair_id=pair.id,
                person_id=step.person_id,
                step_id="w1",
                answer=f"answer of {step.person_id}",
                answered_at=T0,
            )
        )
    await tx.training.record(
        ModuleResult(
            person_id=MARCO,
            curriculum="training",
            module_id="m1",
            correct=3,
            total=3,
            passed=True,
            completed_at=T0,
        )
    )
    for who in (ANNA, MARCO):
        await tx.safety.add_rating(
            RelationshipRating(pair_id=pair.id, person_id=who, rating=4, at=T0)
        )


async def _requests_and_messages(tx: UnitOfWork, pair: Pair) -> None:
    """Anna's request, its proposal to Marco, and a relayed message each way."""
    request = await tx.matching.add_request(
        MatchRequest(mentee_id=ANNA, program="college", created_at=T0)
    )
    await tx.matching.add_proposal(
        Proposal(
            request_id=request.id,
            mentee_id=ANNA,
            mentor_id=MARCO,
            score=80.0,
            created_at=T0,
            deadline=T0 + timedelta(days=2),
        )
    )
    for sender, receiver, n in ((ANNA, MARCO, 1), (MARCO, ANNA, 2)):
        await tx.relay.add_many(
            [
                RelayLink(
                    pair_id=pair.id,
                    sender_id=sender,
                    source_chat_id=sender,
                    source_message_id=n,
                    target_chat_id=receiver,
                    target_message_id=100 + n,
                    created_at=T0,
                )
            ]
        )


async def _conversations(tx: UnitOfWork, pair: Pair) -> None:
    """Marco in the middle of a report naming Anna; Anna's finished /forgetme."""
    await tx.flows.save(
        FlowState(
            user_id=MARCO,
            flow="report",
            state="report.reason",
            data={"pairs": [[pair.id, "Annabel Quill"]], "pair": pair.id},
            token="abc",
            updated_at=T0,
        )
    )
    await tx.flows.save(
        FlowState(user_id=ANNA, flow="forget", state="forget.erased", updated_at=T0)
    )


async def test_records_hold_the_persons_own_rows_only(any_uow: UnitOfWorkFactory) -> None:
    pair = await world(any_uow)
    async with any_uow() as tx:
        await tx.safety.add_report(
            Report(reporter_id=ANNA, pair_id=pair.id, reason="other", created_at=T0)
        )
        await tx.safety.add_report(
            Report(reporter_id=MARCO, reported_id=ANNA, reason="other", created_at=T0)
        )
        anna = await tx.privacy.records(ANNA)
        marco = await tx.privacy.records(MARCO)
    assert [p.id for p in anna.pairs] == [pair.id]
    assert {s.person_id for s in anna.steps} == {ANNA}
    assert [a.answer for a in anna.checkins] == [f"answer of {ANNA}"]
    assert [r.person_id for r in anna.ratings] == [ANNA]
    assert [r.mentee_id for r in anna.requests] == [ANNA]
    assert anna.proposals == () and anna.training == ()
    assert [r.reporter_id for r in anna.reports] == [ANNA], "reports about her are not hers"
    assert len(anna.relayed) == 2
    assert [m.module_id for m in marco.training] == ["m1"]
    assert [p.mentor_id for p in marco.proposals] == [MARCO]
    assert marco.requests == ()


def erasure(**fields: Any) -> Erasure:
    values: dict[str, Any] = {
        "person_id": ANNA,
        "chat_id": ANNA,
        "stand_in_id": STAND_IN,
        "at": T0 + timedelta(hours=1),
        "names": ("Annabel Quill",),
        "related_chats": frozenset({MARCO, STAFF}),
        "partner_labels": {MARCO: "your former mentee"},
        "buttons": ("mp:77:",),
    }
    values.update(fields)
    return Erasure(**values)


async def queue_messages(uow: UnitOfWorkFactory) -> dict[str, int]:
    """Outbox rows of every kind; returns the ids of some, by name."""
    tag = RelayTag(pair_id=1, sender_id=ANNA, source_chat_id=ANNA, source_message_ids=(5,))
    effects: list[Effect] = [
        SendText(chat_id=ANNA, text="Welcome back, Annabel Quill!"),  # 1 to her: goes
        CopyMessage(chat_id=MARCO, from_chat_id=ANNA, message_id=5, relay=tag),  # 2 her copy
        SendText(chat_id=STAFF, text=f"Report #1 from Annabel Quill (id {ANNA})"),  # 3 sent
        SendText(chat_id=OTHER, text="Hello Annabel Quill!"),  # 4 pending, a stranger: kept
        SendText(chat_id=MARCO, text="<b>Annabel Quill</b>: hi"),  # 5 pending, partner: goes
        SendText(chat_id=OTHER, text="Nothing about her"),  # 6 kept
        SendText(chat_id=MARCO, text="Annabel Quill wrote"),  # 7 being sent: kept
        SendText(chat_id=OTHER, text="About her", buttons=((Button("Yes", "mp:77:ok"),),)),
        SendText(chat_id=OTHER, text="Someone else", buttons=((Button("Yes", "mp:7:ok"),),)),
    ]
    async with uow() as tx:
        await tx.outbox.add(effects, T0)
        await tx.commit()
    async with uow() as tx:
        claimed = await tx.outbox.claim_due(T0, 10, 60)
        ids = [item.id for item in claimed]
        await tx.outbox.mark_sent_many([(ids[0], 1, T0), (ids[1], 2, T0), (ids[2], 3, T0)])
        await tx.outbox.retry_later(ids[3], T0, "429")
        await tx.outbox.retry_later(ids[4], T0, "429")
        await tx.outbox.mark_sent_many([(ids[5], 6, T0)])
        await tx.outbox.retry_later(ids[7], T0, "429")  # 8: a proposal of her, pending: goes
        await tx.outbox.retry_later(ids[8], T0, "429")  # 9: someone else's proposal: kept
        await tx.commit()
    return {"stranger": ids[3], "unrelated": ids[5], "sending": ids[6], "other": ids[8]}


async def test_erase_removes_the_person_and_keeps_everyone_elses(
    any_uow: UnitOfWorkFactory,
) -> None:
    pair = await world(any_uow)
    kept = await queue_messages(any_uow)
    async with any_uow() as tx:
        ended = replace(pair, status=PairStatus.ENDED, ended_at=T0, ended_by=ANNA)
        await tx.pairs.update(ended)
        done = await tx.privacy.erase(erasure())
        await tx.commit()
    # issue 13: the staff alert naming her (3) was sent before, so its record already kept no
    # words and does not name her any more; 4 records go (was 5 when sent texts were kept)
    assert done.pairs == (pair.id,) and done.delivery_records == 4
    async with any_uow() as tx:
        assert await tx.persons.get(ANNA) is None
        assert await tx.flows.get(ANNA) is None
        stand_in = await tx.persons.get(STAND_IN)
        assert stand_in is not None and stand_in.display_name is None
        assert stand_in.role is None and stand_in.program is None
        stored = await tx.pairs.get(pair.id)
        assert stored is not None
        assert (stored.mentee_id, stored.mentor_id, stored.ended_by) == (
            STAND_IN,
            MARCO,
            STAND_IN,
        )
        assert [s.person_id for s in await tx.schedule.of_pair(pair.id)] == [MARCO]
        assert [a.person_id for a in await tx.checkins.of_pair(pair.id)] == [MARCO]
        assert [r.person_id for r in await tx.safety.ratings(pair.id)] == [MARCO]
        assert await tx.relay.recent(pair.id, 10) == []
        assert await tx.matching.open_request(ANNA) is None
        assert await tx.matching.pending_for_mentor(MARCO) == []
        assert [m.module_id for m in await tx.training.of_person(MARCO, "training")] == ["m1"]
        marco_flow = await tx.flows.get(MARCO)
        assert marco_flow is not None
        assert marco_flow.data == {"pairs": [[pair.id, "your former mentee"]], "pair": pair.id}
        assert await tx.persons.get(OTHER) is not None
        pending = await tx.outbox.pending_for_chat(OTHER)
        assert [item.id for item in pending] == [kept["stranger"], kept["other"]]
        again = await tx.privacy.records(ANNA)
        assert again.pairs == () and again.steps == () and again.requests == ()


async def test_erasing_someone_under_age_keeps_only_the_lock(
    any_uow: UnitOfWorkFactory,
) -> None:
    async with any_uow() as tx:
        await tx.persons.add(
            person(ANNA, Role.MENTEE, "Kid", age_status=AgeStatus.MINOR, birth_year=2012)
        )
        await tx.privacy.erase(erasure(keep_age_lock=True))
        await tx.commit()
    async with any_uow() as tx:
        kept = await tx.persons.get(ANNA)
    assert kept is not None and kept.age_status is AgeStatus.MINOR
    assert (kept.display_name, kept.birth_year, kept.role, kept.consent_at) == (None,) * 4


async def test_after_erasure_no_table_holds_anything_of_the_person(
    engine: AsyncEngine,
) -> None:
    uow = sql_uow_factory(session_factory(engine))
    pair = await world(uow)
    await queue_messages(uow)
    await staff_world(uow)
    anna = ("Annabel Quill", "goal-anna", "Europe/Lisbon", f"answer of {ANNA}")
    before = await search(engine, anna, [ANNA])
    assert {f.table for f in before} >= {
        "person_flags",
        "reports",
        "staff_drafts",
        "persons",
        "pairs",
        "scheduled_steps",
        "checkin_answers",
        "relationship_ratings",
        "match_requests",
        "proposals",
        "relay_links",
        "outbox",
        "flow_states",
    }, "the search finds her everywhere before"
    async with uow() as tx:
        await tx.pairs.update(replace(pair, status=PairStatus.ENDED, ended_at=T0, ended_by=ANNA))
        await tx.privacy.erase(erasure())
        await tx.commit()
    left = await search(engine, anna, [ANNA])
    assert sorted((f.table, f.column) for f in left) == [
        ("outbox", "payload"),
        ("outbox", "payload"),
        ("person_flags", "user_id"),
    ], left
    left = [f for f in left if f.table == "outbox"]
    texts = sorted(next(t for t in ("Hello", "wrote") if t in f.value) for f in left)
    assert texts == ["Hello", "wrote"], "only a stranger's pending message and one in flight"


async def test_staff_records_keep_the_ban_and_redact_the_audit_log(
    any_uow: UnitOfWorkFactory,
) -> None:
    async with any_uow() as tx:
        staff = tx.staff
        await tx.persons.add(person(ANNA, Role.MENTOR, "Annabel Quill"))
        for kind in ("rejected", "banned"):
            await staff.flag(PersonFlag(user_id=ANNA, kind=kind, reason="why", at=T0, by=STAFF))
        await staff.flag(PersonFlag(user_id=OTHER, kind="rejected", reason="x", at=T0, by=STAFF))
        for target, detail in (("#3", "Annabel Quill + Marco Zephyr"), (str(ANNA), "approve")):
            await staff.record(
                AuditEntry(
                    at=T0,
                    actor_id=STAFF,
                    organisation="org",
                    action="pair",
                    target=target,
                    detail=detail,
                )
            )
        await tx.privacy.erase(erasure())
        await tx.commit()
    async with any_uow() as tx:
        staff = tx.staff
        flags = await staff.flags([ANNA, OTHER])
        assert sorted((f.user_id, f.kind) for f in flags) == [
            (ANNA, "banned"),
            (OTHER, "rejected"),
        ]
        entries = await staff.audit(None, 10)
    assert sorted((e.target, e.detail) for e in entries) == [
        ("#3", "[erased] + Marco Zephyr"),
        ("[erased]", "approve"),
    ]


async def staff_world(uow: UnitOfWorkFactory) -> None:
    """Staff records naming Anna: a ban with a reason, a resolved report about her, her own
    staff draft and two of other staff members' drafts."""
    async with uow() as tx:
        staff = tx.staff
        await staff.flag(
            PersonFlag(user_id=ANNA, kind="banned", reason="Annabel Quill: spam", at=T0, by=STAFF)
        )
        await staff.flag(
            PersonFlag(
                user_id=OTHER, kind="banned", reason="harassed Annabel Quill", at=T0, by=STAFF
            )
        )
        report = await tx.safety.add_report(
            Report(
                reporter_id=MARCO,
                reported_id=ANNA,
                reason="inappropriate",
                text="Annabel Quill was rude",
                created_at=T0,
            )
        )
        await tx.safety.update_report(
            replace(
                report,
                status=ReportStatus.RESOLVED,
                resolved_at=T0,
                resolution_note=f"spoke to Annabel Quill ({ANNA})",
            )
        )
        for user_id, kind, data in (
            (ANNA, DraftKind.BROADCAST, {"program": "college", "text": "hi"}),
            (STAFF, DraftKind.MATCH, {"program": "college", "pairs": [[ANNA, MARCO, 0.9]]}),
            (STAFF + 1, DraftKind.BROADCAST, {"program": "college", "text": "Annabel Quill!"}),
        ):
            await staff.save_draft(
                StaffDraft(user_id=user_id, kind=kind, token="t", data=data, created_at=T0)
            )
        await tx.commit()


async def test_erasure_redacts_bans_resolved_reports_and_drafts(
    any_uow: UnitOfWorkFactory,
) -> None:
    await staff_world(any_uow)
    async with any_uow() as tx:
        await tx.persons.add(person(ANNA, Role.MENTEE, "Annabel Quill"))
        await tx.privacy.erase(erasure())
        await tx.commit()
    async with any_uow() as tx:
        flags = await tx.staff.flags([ANNA, OTHER])
        assert sorted((f.user_id, f.reason) for f in flags) == [
            (ANNA, "[erased]: spam"),
            (OTHER, "harassed [erased]"),
        ], "the ban stays, without her name"
        [report] = (await tx.privacy.records(MARCO)).reports
        assert (report.reported_id, report.text, report.resolution_note) == (
            None,
            "[erased] was rude",
            "spoke to [erased] ([erased])",
        )
        assert await tx.staff.draft(ANNA) is None, "her own draft goes"
        match = await tx.staff.draft(STAFF)
        broadcast = await tx.staff.draft(STAFF + 1)
    assert match is not None and match.data == {"program": "college", "pairs": []}
    assert broadcast is not None and broadcast.data["text"] == "[erased]!"


async def test_records_hold_the_staff_decisions_about_the_person(
    any_uow: UnitOfWorkFactory,
) -> None:
    async with any_uow() as tx:
        staff = tx.staff
        for who, kind in ((ANNA, "banned"), (ANNA, "rejected"), (OTHER, "banned")):
            await staff.flag(PersonFlag(user_id=who, kind=kind, reason=kind, at=T0, by=STAFF))
        await tx.commit()
    async with any_uow() as tx:
        records = await tx.privacy.records(ANNA)
    assert records.flags == (
        PersonFlag(user_id=ANNA, kind="banned", reason="banned", at=T0, by=STAFF),
        PersonFlag(user_id=ANNA, kind="rejected", reason="rejected", at=T0, by=STAFF),
    )


async def test_records_hold_the_persons_cases_and_their_message_ids(
    any_uow: UnitOfWorkFactory,
) -> None:
    async with any_uow() as tx:
        mine = await tx.cases.add(Case(ANNA, CaseKind.TEAM, "college", T0))
        theirs = await tx.cases.add(Case(OTHER, CaseKind.TEAM, "college", T0))
        await tx.cases.note_message(mine.id, ANNA, 12)
        await tx.cases.note_message(mine.id, -100_123, 5)
        await tx.cases.note_message(theirs.id, OTHER, 13)
        await tx.commit()
    async with any_uow() as tx:
        records = await tx.privacy.records(ANNA)
    assert records.cases == (mine,)
    assert set(records.case_messages) == {
        CaseMessage(mine.id, ANNA, 12),
        CaseMessage(mine.id, -100_123, 5),
    }, "the export keeps those in her own chat"
