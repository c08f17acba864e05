"""SQL implementation of the core's StaffRepository: staff members, pending confirmations,
broadcasts and their progress, decisions about people, the audit log, and the reads across
programs that staff commands need (people, pairs and delivered steps of some programs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import AgeStatus, Pair, Person, Report, ScheduledStep, StepStatus
from bot.core.staff import (
    BANNED,
    AuditEntry,
    Broadcast,
    DraftKind,
    PersonFlag,
    StaffDraft,
    StaffMember,
    StaffNote,
    StaffRole,
)
from bot.storage.pairs import _pair_from_row
from bot.storage.repositories import _person_from_row, chunks, dialect_insert, rowcount
from bot.storage.safety import _report_from_row
from bot.storage.schedule import _select_steps, _step_from_row
from bot.storage.tables import (
    AuditLogRow,
    BroadcastRow,
    PairRow,
    PersonFlagRow,
    PersonRow,
    ReportRow,
    ScheduledStepRow,
    StaffDraftRow,
    StaffMemberRow,
    StaffNoteRow,
)

__all__ = ["SqlStaffRepository"]

_members = cast(Table, StaffMemberRow.__table__)
_audit = cast(Table, AuditLogRow.__table__)
_drafts = cast(Table, StaffDraftRow.__table__)
_broadcasts = cast(Table, BroadcastRow.__table__)
_flags = cast(Table, PersonFlagRow.__table__)
_persons = cast(Table, PersonRow.__table__)
_pairs = cast(Table, PairRow.__table__)
_steps = cast(Table, ScheduledStepRow.__table__)
_reports = cast(Table, ReportRow.__table__)
_notes = cast(Table, StaffNoteRow.__table__)


class SqlStaffRepository:
    """Implements `bot.core.ports.StaffRepository` in one session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- staff members ---------------------------------------------------------------------

    async def member(self, user_id: int) -> StaffMember | None:
        result = await self._session.execute(select(_members).where(_members.c.user_id == user_id))
        row = result.mappings().one_or_none()
        return None if row is None else _member_from_row(row)

    async def save_member(self, member: StaffMember) -> None:
        values = {
            "user_id": member.user_id,
            "organisation": member.organisation,
            "role": StaffRole(member.role).value,
            "added_at": member.added_at,
            "added_by": member.added_by,
        }
        insert = dialect_insert(self._session, _members).values(**values)
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=[_members.c.user_id],
                set_={k: v for k, v in values.items() if k != "user_id"},
            )
        )

    async def remove_member(self, user_id: int) -> bool:
        result = await self._session.execute(delete(_members).where(_members.c.user_id == user_id))
        return rowcount(result) > 0

    async def members(self, organisation: str | None) -> list[StaffMember]:
        query = select(_members).order_by(_members.c.organisation, _members.c.user_id)
        if organisation is not None:
            query = query.where(_members.c.organisation == organisation)
        result = await self._session.execute(query)
        return [_member_from_row(row) for row in result.mappings()]

    # -- audit log -------------------------------------------------------------------------

    async def record(self, entry: AuditEntry) -> None:
        await self._session.execute(
            _audit.insert().values(
                at=entry.at,
                actor_id=entry.actor_id,
                organisation=entry.organisation,
                action=entry.action,
                target=entry.target,
                detail=entry.detail,
            )
        )

    async def audit(
        self, organisations: Sequence[str] | None, limit: int, offset: int = 0
    ) -> list[AuditEntry]:
        query = select(_audit).order_by(_audit.c.at.desc(), _audit.c.id.desc())
        if organisations is not None:
            query = query.where(_audit.c.organisation.in_(list(organisations)))
        result = await self._session.execute(query.limit(limit).offset(offset))
        return [AuditEntry(**dict(row)) for row in result.mappings()]

    async def audit_count(self, organisations: Sequence[str] | None) -> int:
        query = select(func.count()).select_from(_audit)
        if organisations is not None:
            query = query.where(_audit.c.organisation.in_(list(organisations)))
        return int((await self._session.execute(query)).scalar_one())

    # -- pending confirmations -------------------------------------------------------------

    async def draft(self, user_id: int) -> StaffDraft | None:
        result = await self._session.execute(select(_drafts).where(_drafts.c.user_id == user_id))
        row = result.mappings().one_or_none()
        if row is None:
            return None
        return StaffDraft(
            user_id=row["user_id"],
            kind=DraftKind(row["kind"]),
            token=row["token"],
            data=dict(row["data"]),
            created_at=row["created_at"],
        )

    async def save_draft(self, draft: StaffDraft) -> None:
        values = {
            "user_id": draft.user_id,
            "kind": DraftKind(draft.kind).value,
            "token": draft.token,
            "data": draft.data,
            "created_at": draft.created_at,
        }
        insert = dialect_insert(self._session, _drafts).values(**values)
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=[_drafts.c.user_id],
                set_={k: v for k, v in values.items() if k != "user_id"},
            )
        )

    async def delete_draft(self, user_id: int) -> bool:
        result = await self._session.execute(delete(_drafts).where(_drafts.c.user_id == user_id))
        return rowcount(result) > 0

    # -- broadcasts ------------------------------------------------------------------------

    async def add_broadcast(self, broadcast: Broadcast) -> Broadcast:
        if broadcast.id:
            raise ValueError(f"broadcast already has id {broadcast.id}")
        values = _broadcast_to_row(broadcast)
        result = await self._session.execute(
            _broadcasts.insert().values(**values).returning(_broadcasts.c.id)
        )
        return replace(broadcast, id=result.scalar_one())

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        result = await self._session.execute(
            select(_broadcasts).where(_broadcasts.c.id == broadcast_id)
        )
        row = result.mappings().one_or_none()
        return None if row is None else Broadcast(**dict(row))

    async def count_sent(self, broadcast_id: int, delivered: bool = True) -> Broadcast | None:
        column = _broadcasts.c.sent if delivered else _broadcasts.c.failed
        result = await self._session.execute(
            update(_broadcasts)
            .where(_broadcasts.c.id == broadcast_id)
            .values({column: column + 1})
            .returning(*_broadcasts.c)
        )
        row = result.mappings().one_or_none()
        return None if row is None else Broadcast(**dict(row))

    async def update_broadcast(self, broadcast: Broadcast) -> None:
        result = await self._session.execute(
            update(_broadcasts)
            .where(_broadcasts.c.id == broadcast.id)
            .values(
                progress_message_id=broadcast.progress_message_id,
                progress_at=broadcast.progress_at,
            )
        )
        if rowcount(result) != 1:
            raise LookupError(f"no broadcast {broadcast.id}")

    # -- decisions about people ------------------------------------------------------------

    async def flag(self, flag: PersonFlag) -> None:
        values = {
            "user_id": flag.user_id,
            "kind": flag.kind,
            "reason": flag.reason,
            "at": flag.at,
            "by": flag.by,
        }
        insert = dialect_insert(self._session, _flags).values(**values)
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=[_flags.c.user_id, _flags.c.kind],
                set_={"reason": flag.reason, "at": flag.at, "by": flag.by},
            )
        )

    async def unflag(self, user_id: int, kind: str) -> bool:
        result = await self._session.execute(
            delete(_flags).where(_flags.c.user_id == user_id, _flags.c.kind == kind)
        )
        return rowcount(result) > 0

    async def flags(self, user_ids: Iterable[int]) -> list[PersonFlag]:
        found: list[PersonFlag] = []
        for chunk in chunks(sorted(set(user_ids))):
            result = await self._session.execute(
                select(_flags)
                .where(_flags.c.user_id.in_(chunk))
                .order_by(_flags.c.user_id, _flags.c.kind)
            )
            found.extend(PersonFlag(**dict(row)) for row in result.mappings())
        return found

    async def banned(self, user_ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunks(sorted(set(user_ids))):
            result = await self._session.execute(
                select(_flags.c.user_id).where(
                    _flags.c.user_id.in_(chunk), _flags.c.kind == BANNED
                )
            )
            found.update(int(user_id) for user_id in result.scalars())
        return found

    # -- reads across programs -------------------------------------------------------------

    async def people(self, programs: Sequence[str]) -> list[Person]:
        result = await self._session.execute(
            select(_persons).where(_persons.c.program.in_(list(programs))).order_by(_persons.c.id)
        )
        return [_person_from_row(row) for row in result.mappings()]

    async def age_locked(self, programs: Sequence[str], ownerless: bool = False) -> list[Person]:
        owned = _persons.c.program.in_(list(programs))
        owner = or_(owned, _persons.c.program.is_(None)) if ownerless else owned
        result = await self._session.execute(
            select(_persons)
            .where(_persons.c.age_status == AgeStatus.MINOR.value, owner)
            .order_by(_persons.c.id)
        )
        return [_person_from_row(row) for row in result.mappings()]

    async def pairs_of(self, programs: Sequence[str]) -> list[Pair]:
        result = await self._session.execute(
            select(_pairs).where(_pairs.c.program.in_(list(programs))).order_by(_pairs.c.id)
        )
        return [_pair_from_row(row) for row in result.mappings()]

    async def sent_steps(self, programs: Sequence[str]) -> list[ScheduledStep]:
        pair_ids = select(_pairs.c.id).where(_pairs.c.program.in_(list(programs)))
        result = await self._session.execute(
            _select_steps()
            .where(_steps.c.status == StepStatus.SENT.value, _steps.c.pair_id.in_(pair_ids))
            .order_by(_steps.c.pair_id, _steps.c.position, _steps.c.role)
        )
        return [_step_from_row(row) for row in result]

    # -- a person's case file ----------------------------------------------------------------

    async def add_note(self, note: StaffNote) -> StaffNote:
        values = {
            "person_id": note.person_id,
            "author_id": note.author_id,
            "author_name": note.author_name[:128],
            "text": note.text,
            "at": note.at,
        }
        result = await self._session.execute(
            _notes.insert().values(**values).returning(_notes.c.id)
        )
        return replace(note, id=int(result.scalar_one()))

    async def notes_of(self, person_id: int) -> list[StaffNote]:
        result = await self._session.execute(
            select(_notes)
            .where(_notes.c.person_id == person_id)
            .order_by(_notes.c.at, _notes.c.id)
        )
        return [
            StaffNote(
                id=row["id"],
                person_id=row["person_id"],
                author_id=row["author_id"],
                author_name=row["author_name"],
                text=row["text"],
                at=row["at"],
            )
            for row in result.mappings()
        ]

    async def reports_of(self, person_id: int) -> list[Report]:
        r = _reports.c
        result = await self._session.execute(
            select(_reports)
            .where(or_(r.reporter_id == person_id, r.reported_id == person_id))
            .order_by(r.created_at, r.id)
        )
        return [_report_from_row(row) for row in result.mappings()]


def _member_from_row(row: Any) -> StaffMember:
    return StaffMember(
        user_id=row["user_id"],
        organisation=row["organisation"],
        role=StaffRole(row["role"]),
        added_at=row["added_at"],
        added_by=row["added_by"],
    )


def _broadcast_to_row(broadcast: Broadcast) -> dict[str, Any]:
    return {
        "organisation": broadcast.organisation,
        "program": broadcast.program,
        "audience": broadcast.audience,
        "created_by": broadcast.created_by,
        "staff_chat_id": broadcast.staff_chat_id,
        "total": broadcast.total,
        "sent": broadcast.sent,
        "failed": broadcast.failed,
        "progress_message_id": broadcast.progress_message_id,
        "progress_at": broadcast.progress_at,
        "created_at": broadcast.created_at,
    }
