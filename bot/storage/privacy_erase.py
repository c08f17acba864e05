"""Erasing one person (`/forgetme`) across every table, in the caller's transaction: the SQL
side of `PrivacyRepository.erase`.

Erasure keeps the other side of each pair whole: the person's place in their pairs goes to a
stand-in row (`persons.forgotten_at` set, no personal data). Delivery records (the outbox) and
the partners' conversations are searched for the person with a cheap SQL prefilter (`LIKE` on
the JSON text) and decided in Python by `bot.core.privacy`, the same rules the fakes use.
Reports naming the person are held while open, then released by the retention round
(`bot.storage.privacy`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import AgeStatus, ReportStatus
from bot.core.privacy import (
    Erased,
    Erasure,
    delivery_record_to_erase,
    redact,
    redact_data,
    relabel,
    text_needles,
)
from bot.core.staff import REJECTED
from bot.storage.repositories import chunks
from bot.storage.tables import (
    AuditLogRow,
    CaseMessageRow,
    CaseRow,
    CheckinAnswerRow,
    FlowStateRow,
    MatchRequestRow,
    OutboxRow,
    PairRow,
    PersonFlagRow,
    PersonRow,
    ProposalRow,
    RelationshipRatingRow,
    RelayLinkRow,
    ReportRow,
    ScheduledStepRow,
    StaffDraftRow,
    StaffNoteRow,
    TrainingResultRow,
    table_of,
)

__all__ = ["SqlErasure"]


_persons, _flows, _outbox = table_of(PersonRow), table_of(FlowStateRow), table_of(OutboxRow)
_pairs, _steps, _answers = (
    table_of(PairRow),
    table_of(ScheduledStepRow),
    table_of(CheckinAnswerRow),
)
_training, _requests, _proposals = (
    table_of(TrainingResultRow),
    table_of(MatchRequestRow),
    table_of(ProposalRow),
)
_links, _reports, _ratings = (
    table_of(RelayLinkRow),
    table_of(ReportRow),
    table_of(RelationshipRatingRow),
)
_drafts, _flags, _audit = table_of(StaffDraftRow), table_of(PersonFlagRow), table_of(AuditLogRow)
_cases, _case_messages = table_of(CaseRow), table_of(CaseMessageRow)  # the staff inbox
_notes = table_of(StaffNoteRow)
_OPEN = ReportStatus.OPEN.value


class SqlErasure:
    """Erases one person across every table, in one session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _all(self, statement: Any) -> list[Any]:
        return list((await self._session.execute(statement)).mappings())

    async def erase(self, erasure: Erasure) -> Erased:
        """Erase a person in the caller's transaction (see `bot.core.privacy.Erasure`)."""
        me = erasure.person_id
        held, deleted_reports = await self._reports_of(erasure)
        await self._session.execute(delete(_flows).where(_flows.c.user_id == me))
        await self._relabel_partner_flows(erasure)
        records = await self._scrub_outbox(erasure)
        p = _pairs.c
        pair_ids = list(
            (
                await self._session.execute(
                    select(p.id).where(or_(p.mentee_id == me, p.mentor_id == me)).order_by(p.id)
                )
            ).scalars()
        )
        if pair_ids:
            await self._session.execute(_persons.insert().values(**_stand_in(erasure)))
            for column in (p.mentee_id, p.mentor_id):
                await self._session.execute(
                    update(_pairs).where(column == me).values({column.name: erasure.stand_in_id})
                )
            for chunk in chunks(pair_ids):
                await self._session.execute(delete(_links).where(_links.c.pair_id.in_(chunk)))
        await self._session.execute(
            update(_pairs).where(p.ended_by == me).values(ended_by=erasure.stand_in_id)
        )
        await self._session.execute(delete(_ratings).where(_ratings.c.person_id == me))
        await self._session.execute(delete(_answers).where(_answers.c.person_id == me))
        await self._session.execute(delete(_steps).where(_steps.c.person_id == me))
        await self._session.execute(delete(_training).where(_training.c.person_id == me))
        await self._session.execute(
            delete(_proposals).where(
                or_(_proposals.c.mentor_id == me, _proposals.c.mentee_id == me)
            )
        )
        await self._session.execute(delete(_requests).where(_requests.c.mentee_id == me))
        await self._session.execute(delete(_case_messages).where(_case_messages.c.chat_id == me))
        await self._session.execute(delete(_cases).where(_cases.c.person_id == me))
        await self._staff_records(erasure)
        if erasure.keep_age_lock:
            await self._session.execute(
                update(_persons).where(_persons.c.id == me).values(**_lock_only(erasure))
            )
        else:
            await self._session.execute(delete(_persons).where(_persons.c.id == me))
        return Erased(tuple(pair_ids), held, deleted_reports, records)

    async def _reports_of(self, erasure: Erasure) -> tuple[tuple[int, ...], int]:
        me, r = erasure.person_id, _reports.c
        rows = await self._all(
            select(r.id, r.reporter_id, r.status, r.erasure_requested_at)
            .where(or_(r.reporter_id == me, r.reported_id == me))
            .order_by(r.id)
        )
        held: list[int] = []
        deleted = 0
        for row in rows:
            reporter = row["reporter_id"] == me
            if row["status"] == _OPEN:
                held.append(row["id"])
                values: dict[str, Any] = {
                    "erasure_requested_at": row["erasure_requested_at"] or erasure.at
                }
                if reporter:
                    values["erase_reporter"] = True
                await self._session.execute(
                    update(_reports).where(r.id == row["id"]).values(**values)
                )
            elif reporter:
                await self._session.execute(delete(_reports).where(r.id == row["id"]))
                deleted += 1
            else:
                await self._session.execute(
                    update(_reports).where(r.id == row["id"]).values(reported_id=None)
                )
        return tuple(held), deleted

    async def _staff_records(self, erasure: Erasure) -> None:
        """Staff decisions about a mentor application go; a ban stays (like the age lock),
        its reason redacted. The audit log keeps what staff did, and resolved reports by
        others what was reported, with the person's name and ids redacted. Their own staff
        draft goes; other staff members' drafts lose what names them. The team's notes about
        them go; other notes lose what names them."""
        me = erasure.person_id
        await self._session.execute(delete(_notes).where(_notes.c.person_id == me))
        await self._redact(_notes, (_notes.c.id,), (_notes.c.text,), erasure)
        await self._session.execute(
            delete(_flags).where(_flags.c.user_id == me, _flags.c.kind == REJECTED)
        )
        a, f, r = _audit.c, _flags.c, _reports.c
        await self._redact(_audit, (a.id,), (a.target, a.detail), erasure)
        await self._redact(_flags, (f.user_id, f.kind), (f.reason,), erasure)
        await self._redact(
            _reports, (r.id,), (r.text, r.resolution_note), erasure, r.status != _OPEN
        )
        d = _drafts.c
        await self._session.execute(delete(_drafts).where(d.user_id == me))
        for row in list(await self._session.execute(select(d.user_id, d.data))):
            data = redact_data(row.data, erasure)
            if data != row.data:
                await self._session.execute(
                    update(_drafts).where(d.user_id == row.user_id).values(data=data)
                )

    async def _redact(
        self,
        target: Any,
        keys: tuple[Any, ...],
        texts: tuple[Any, ...],
        erasure: Erasure,
        *where: ColumnElement[bool],
    ) -> None:
        """Replace the person's name and ids in the text columns `texts` of `target`."""
        needles = text_needles(erasure)
        found = await self._session.execute(
            select(*keys, *texts).where(
                *where,
                or_(*(col.contains(n, autoescape=True) for col in texts for n in needles)),
            )
        )
        for row in list(found.mappings()):
            values = {
                col.name: redact(row[col.name], erasure)
                for col in texts
                if row[col.name] is not None
            }
            if any(row[name] != value for name, value in values.items()):
                await self._session.execute(
                    update(target).where(*(key == row[key.name] for key in keys)).values(**values)
                )

    async def _relabel_partner_flows(self, erasure: Erasure) -> None:
        c = _flows.c
        for partner, label in erasure.partner_labels.items():
            row = (
                await self._session.execute(select(c.data).where(c.user_id == partner))
            ).one_or_none()
            if row is None:
                continue
            data = relabel(dict(row.data), erasure.names, label)
            if data != row.data:
                await self._session.execute(
                    update(_flows).where(c.user_id == partner).values(data=data)
                )

    async def _scrub_outbox(self, erasure: Erasure) -> int:
        c = _outbox.c
        text = cast(c.payload, Text)
        matches: list[ColumnElement[bool]] = [c.chat_id.in_(sorted(erasure.ids))]
        needles = text_needles(erasure) + list(erasure.buttons)
        matches += [text.contains(needle, autoescape=True) for needle in needles]
        rows = await self._session.execute(
            select(c.id, c.chat_id, c.status, c.payload).where(or_(*matches))
        )
        doomed = [
            row.id
            for row in rows
            if delivery_record_to_erase(row.chat_id, row.status, row.payload, erasure)
        ]
        for chunk in chunks(doomed):
            await self._session.execute(delete(_outbox).where(c.id.in_(chunk)))
        return len(doomed)


def _stand_in(erasure: Erasure) -> dict[str, Any]:
    return {
        "id": erasure.stand_in_id,
        "chat_id": erasure.stand_in_id,
        "language": "en",
        "created_at": erasure.at,
        "updated_at": erasure.at,
        "age_status": AgeStatus.UNKNOWN.value,
        "goals": [],
        "interests": [],
        "experiences": [],
        "languages": [],
        "forgotten_at": erasure.at,
    }


def _lock_only(erasure: Erasure) -> dict[str, Any]:
    """An under-age person's row reduced to the lock (the age check cannot be retried)."""
    return {
        "updated_at": erasure.at,
        "consent_at": None,
        "birth_year": None,
        "role": None,
        "program": None,
        "display_name": None,
        "goals": [],
        "interests": [],
        "experiences": [],
        "languages": [],
        "time_zone": None,
        "preferred_hour": None,
        "capacity": None,
        "onboarded_at": None,
        "training_passed_at": None,
        "approved_at": None,
        "active_pair_id": None,
        "age_status": AgeStatus.MINOR.value,
    }
