"""The in-memory PrivacyRepository: the same rules as `bot.storage.privacy`, over the fake
unit of work's working copies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from bot.core.cases import CaseMessage
from bot.core.models import AgeStatus, FlowState, Person, ReportStatus
from bot.core.privacy import (
    FINISHED,
    Erased,
    Erasure,
    PersonalRecords,
    delivery_record_to_erase,
    redact,
    redact_data,
    relabel,
)
from bot.core.staff import DRAFT_WORDS, REJECTED, draft_without_words

if TYPE_CHECKING:
    from tests.fakes.store import FakeUnitOfWork

HeldReports = dict[int, tuple[datetime, bool]]  # report id → (asked at, erase the reporter)
K = TypeVar("K")
V = TypeVar("V")


def _flow_order(flow: FlowState) -> tuple[datetime, int]:
    return flow.updated_at, flow.user_id


def _drop(data: dict[K, V], doomed: Callable[[V], bool]) -> None:
    for key in [k for k, v in data.items() if doomed(v)]:
        del data[key]


class _Privacy:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    async def records(self, person_id: int) -> PersonalRecords:
        u = self.uow
        pairs = sorted((p for p in u._pairs.values() if p.member(person_id)), key=lambda p: p.id)
        flags = [f for f in u._staff.flags.values() if f.user_id == person_id]
        pair_ids = {p.id for p in pairs}
        cases = sorted(
            (c for c in u._cases.cases.values() if c.person_id == person_id),
            key=lambda c: (c.opened_at, c.id),
        )
        return PersonalRecords(
            pairs=tuple(pairs),
            steps=tuple(
                sorted(
                    (s for s in u._schedule.values() if s.person_id == person_id),
                    key=lambda s: (s.pair_id, s.position),
                )
            ),
            checkins=tuple(
                sorted(
                    (a for a in u._checkins.values() if a.person_id == person_id),
                    key=lambda a: a.answered_at,
                )
            ),
            training=tuple(
                sorted(
                    (r for r in u._training.values() if r.person_id == person_id),
                    key=lambda r: (r.curriculum, r.module_id),
                )
            ),
            ratings=tuple(
                sorted(
                    (r for r in u._ratings.values() if r.person_id == person_id),
                    key=lambda r: r.at,
                )
            ),
            requests=tuple(
                sorted(
                    (r for r in u._requests.values() if r.mentee_id == person_id),
                    key=lambda r: r.id,
                )
            ),
            proposals=tuple(
                sorted(
                    (p for p in u._proposals.values() if p.mentor_id == person_id),
                    key=lambda p: p.id,
                )
            ),
            reports=tuple(
                sorted(
                    (r for r in u._reports.values() if r.reporter_id == person_id),
                    key=lambda r: r.id,
                )
            ),
            relayed=tuple(
                sorted((k for k in u._relay if k.pair_id in pair_ids), key=lambda k: k.created_at)
            ),
            flags=tuple(sorted(flags, key=lambda f: (f.at, f.kind))),
            cases=tuple(cases),
            case_messages=tuple(
                CaseMessage(case_id, chat_id, message_id)
                for (chat_id, message_id), case_id in sorted(
                    u._cases.messages.items(), key=lambda item: (item[1], item[0][1])
                )
                if case_id in {c.id for c in cases}
            ),
        )

    async def erase(self, erasure: Erasure) -> Erased:
        u, me = self.uow, erasure.person_id
        held, deleted = self._reports_of(erasure)
        u._flows.pop(me, None)
        for partner, label in erasure.partner_labels.items():
            flow = u._flows.get(partner)
            if flow is not None:
                u._flows[partner] = replace(flow, data=relabel(flow.data, erasure.names, label))
        doomed = {
            row.item.id
            for row in u._outbox
            if delivery_record_to_erase(row.item.chat_id, row.status, row.item.payload, erasure)
        }
        u._outbox[:] = [row for row in u._outbox if row.item.id not in doomed]
        pair_ids = tuple(sorted(p.id for p in u._pairs.values() if p.member(me)))
        if pair_ids:
            u._persons[erasure.stand_in_id] = Person(
                id=erasure.stand_in_id,
                chat_id=erasure.stand_in_id,
                language="en",
                created_at=erasure.at,
                updated_at=erasure.at,
            )
        stand_in = erasure.stand_in_id
        for pair in list(u._pairs.values()):
            u._pairs[pair.id] = replace(
                pair,
                mentee_id=stand_in if pair.mentee_id == me else pair.mentee_id,
                mentor_id=stand_in if pair.mentor_id == me else pair.mentor_id,
                ended_by=stand_in if pair.ended_by == me else pair.ended_by,
            )
        u._relay[:] = [k for k in u._relay if k.pair_id not in pair_ids]
        _drop(u._ratings, lambda r: r.person_id == me)
        _drop(u._checkins, lambda a: a.person_id == me)
        _drop(u._schedule, lambda s: s.person_id == me)
        _drop(u._training, lambda r: r.person_id == me)
        requests = {k for k, r in u._requests.items() if r.mentee_id == me}
        _drop(u._proposals, lambda p: me in (p.mentor_id, p.mentee_id) or p.request_id in requests)
        _drop(u._requests, lambda r: r.id in requests)
        _drop(u._cases.cases, lambda c: c.person_id == me)  # the staff inbox
        u._cases.messages = {k: v for k, v in u._cases.messages.items() if k[0] != me}
        for report in list(u._reports.values()):
            if report.status is not ReportStatus.OPEN:
                note = report.resolution_note
                u._reports[report.id] = replace(
                    report,
                    text=redact(report.text, erasure),
                    resolution_note=None if note is None else redact(note, erasure),
                )
        staff = u._staff
        _drop(staff.flags, lambda f: f.user_id == me and f.kind == REJECTED)
        for key, flag in list(staff.flags.items()):
            staff.flags[key] = replace(flag, reason=redact(flag.reason, erasure))
        staff.drafts.pop(me, None)
        for user_id, draft in list(staff.drafts.items()):
            staff.drafts[user_id] = replace(draft, data=redact_data(draft.data, erasure))
        for entry_id, entry in list(staff.audit.items()):
            staff.audit[entry_id] = replace(
                entry,
                target=redact(entry.target, erasure),
                detail=redact(entry.detail, erasure),
            )
        person = u._persons.get(me)
        if erasure.keep_age_lock and person is not None:
            u._persons[me] = Person(
                id=person.id,
                chat_id=person.chat_id,
                language=person.language,
                created_at=person.created_at,
                updated_at=erasure.at,
                age_status=AgeStatus.MINOR,
                age_checked_at=person.age_checked_at,
                blocked_bot=person.blocked_bot,
            )
        else:
            u._persons.pop(me, None)
        return Erased(pair_ids, held, deleted, len(doomed))

    def _reports_of(self, erasure: Erasure) -> tuple[tuple[int, ...], int]:
        u, me = self.uow, erasure.person_id
        held: list[int] = []
        deleted = 0
        for report in sorted(u._reports.values(), key=lambda r: r.id):
            reporter = report.reporter_id == me
            if not reporter and report.reported_id != me:
                continue
            if report.status is ReportStatus.OPEN:
                held.append(report.id)
                asked, erase_reporter = u._held.get(report.id, (erasure.at, False))
                u._held[report.id] = (asked, erase_reporter or reporter)
            elif reporter:
                del u._reports[report.id]
                deleted += 1
            else:
                u._reports[report.id] = replace(report, reported_id=None)
        return tuple(held), deleted

    async def purge_delivery_records(self, before: datetime, limit: int) -> int:
        u = self.uow
        old = [r for r in u._outbox if r.status in FINISHED and r.item.created_at < before]
        gone = {r.item.id for r in sorted(old, key=lambda r: r.item.id)[: max(limit, 0)]}
        u._outbox[:] = [r for r in u._outbox if r.item.id not in gone]
        return len(gone)

    async def purge_idle_flows(self, before: datetime, limit: int) -> int:
        flows = self.uow._flows
        idle = sorted((f for f in flows.values() if f.updated_at < before), key=_flow_order)
        for flow in idle[: max(limit, 0)]:
            del flows[flow.user_id]
        return min(len(idle), max(limit, 0))

    async def purge_draft_words(self, before: datetime, limit: int) -> int:
        drafts = self.uow._staff.drafts
        holding = sorted(
            (
                d
                for d in drafts.values()
                if d.created_at < before and DRAFT_WORDS.intersection(d.data)
            ),
            key=lambda d: (d.created_at, d.user_id),
        )[: max(limit, 0)]
        for draft in holding:
            drafts[draft.user_id] = replace(draft, data=draft_without_words(draft.data))
        return len(holding)

    async def release_held_reports(self, resolved_before: datetime) -> int:
        u = self.uow
        released = 0
        for report_id, (_asked, erase_reporter) in list(u._held.items()):
            report = u._reports.get(report_id)
            if report is None:
                del u._held[report_id]
                continue
            resolved = report.resolved_at
            if report.status is ReportStatus.OPEN or resolved is None:
                continue
            if resolved >= resolved_before:
                continue
            if erase_reporter:
                del u._reports[report_id]
            else:
                u._reports[report_id] = replace(report, reported_id=None)
            del u._held[report_id]
            released += 1
        return released

    async def clear_report_words(self, resolved_before: datetime) -> int:
        u = self.uow
        cleared = 0
        for report_id, report in list(u._reports.items()):
            resolved = report.resolved_at
            if report.status is ReportStatus.OPEN or resolved is None:
                continue
            if resolved >= resolved_before or (not report.text and not report.resolution_note):
                continue
            u._reports[report_id] = replace(report, text="", resolution_note=None)
            cleared += 1
        return cleared
