"""SQL implementation of the core's PrivacyRepository: the retention purges, and one
person's records and erasure, which it leaves to `bot.storage.privacy_records` (the export)
and `bot.storage.privacy_erase` (`/forgetme`).

The purges run in the retention round: finished delivery records, idle conversations, the
typed words of old staff drafts, and the words of resolved reports; reports held for a
forgotten person are released once resolved long enough.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import ReportStatus
from bot.core.privacy import FINISHED, Erased, Erasure, PersonalRecords
from bot.core.staff import DRAFT_WORDS, draft_without_words
from bot.storage.privacy_erase import SqlErasure
from bot.storage.privacy_records import SqlPersonalRecords
from bot.storage.repositories import rowcount
from bot.storage.tables import FlowStateRow, OutboxRow, ReportRow, StaffDraftRow, table_of

__all__ = ["SqlPrivacyRepository"]


_flows, _outbox, _reports, _drafts = (
    table_of(FlowStateRow),
    table_of(OutboxRow),
    table_of(ReportRow),
    table_of(StaffDraftRow),
)
_OPEN = ReportStatus.OPEN.value


class SqlPrivacyRepository:
    """Reads and erasures across every table for one person, and the retention purges."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def records(self, person_id: int) -> PersonalRecords:
        """Everything stored about a person besides their profile and conversation."""
        return await SqlPersonalRecords(self._session).records(person_id)

    async def erase(self, erasure: Erasure) -> Erased:
        """Erase a person in the caller's transaction (see `bot.core.privacy.Erasure`)."""
        return await SqlErasure(self._session).erase(erasure)

    # ------------------------------------------------------------------ retention

    async def purge_delivery_records(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` finished outbox rows created before `before`, oldest first."""
        c = _outbox.c
        ids = list(
            (
                await self._session.execute(
                    select(c.id)
                    .where(c.status.in_(sorted(FINISHED)), c.created_at < before)
                    .order_by(c.id)
                    .limit(limit)
                )
            ).scalars()
        )
        if ids:
            await self._session.execute(delete(_outbox).where(c.id.in_(ids)))
        return len(ids)

    async def purge_idle_flows(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` conversations last changed before `before`, oldest first. The
        delete checks the time again: a person answering meanwhile keeps their conversation."""
        c = _flows.c
        ids = list(
            (
                await self._session.execute(
                    select(c.user_id)
                    .where(c.updated_at < before)
                    .order_by(c.updated_at, c.user_id)
                    .limit(limit)
                )
            ).scalars()
        )
        if not ids:
            return 0
        result = await self._session.execute(
            delete(_flows).where(c.user_id.in_(ids), c.updated_at < before)
        )
        return rowcount(result)

    async def purge_draft_words(self, before: datetime, limit: int) -> int:
        """Remove the typed words of up to `limit` drafts created before `before` (see the
        port); the JSON text is prefiltered on the word keys, Python decides."""
        d = _drafts.c
        text = cast(d.data, Text)
        holding = or_(*(text.contains(f'"{key}":', autoescape=True) for key in DRAFT_WORDS))
        rows = list(
            await self._session.execute(
                select(d.user_id, d.data)
                .where(d.created_at < before, holding)
                .order_by(d.created_at, d.user_id)
                .limit(limit)
            )
        )
        for row in rows:
            await self._session.execute(
                update(_drafts)
                .where(d.user_id == row.user_id, d.created_at < before)
                .values(data=draft_without_words(dict(row.data)))
            )
        return len(rows)

    async def release_held_reports(self, resolved_before: datetime) -> int:
        """Held reports resolved before `resolved_before`: deleted when the reporter asked to
        be forgotten, else stripped of the reported person's id."""
        r = _reports.c
        due = (
            r.erasure_requested_at.is_not(None),
            r.status != _OPEN,
            r.resolved_at < resolved_before,
        )
        gone = await self._session.execute(
            delete(_reports).where(*due, r.erase_reporter.is_(True))
        )
        kept = await self._session.execute(
            update(_reports)
            .where(*due, r.erase_reporter.is_(False))
            .values(reported_id=None, erasure_requested_at=None)
        )
        return rowcount(gone) + rowcount(kept)

    async def clear_report_words(self, resolved_before: datetime) -> int:
        """Remove the words of reports resolved before `resolved_before` (see the port)."""
        r = _reports.c
        result = await self._session.execute(
            update(_reports)
            .where(
                r.status != _OPEN,
                r.resolved_at < resolved_before,
                or_(r.text != "", r.resolution_note.is_not(None)),
            )
            .values(text="", resolution_note=None)
        )
        return rowcount(result)
