"""Port for privacy: one person's records across every table, their erasure, and the
retention purges."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.privacy import Erased, Erasure, PersonalRecords


class PrivacyRepository(Protocol):
    """Reads and erasures across every table for one person, and the retention purges."""

    async def records(self, person_id: int) -> PersonalRecords:
        """Everything stored about a person besides their profile and conversation."""
        ...

    async def erase(self, erasure: Erasure) -> Erased:
        """Erase a person (see `bot.core.privacy.Erasure`); their pairs must have ended."""
        ...

    async def purge_delivery_records(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` finished outbox rows created before `before`."""
        ...

    async def release_held_reports(self, resolved_before: datetime) -> int:
        """Reports held for a forgotten person and resolved before `resolved_before`: deleted
        when the reporter asked, else stripped of the reported person's id. How many."""
        ...

    async def clear_report_words(self, resolved_before: datetime) -> int:
        """Remove the words (the reporter's text, the resolution note) of reports resolved
        before `resolved_before`; their reason, dates and ids stay. How many."""
        ...

    async def purge_idle_flows(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` conversations (flow states) last changed before `before`,
        with everything in their data (answers, messages set aside). How many."""
        ...

    async def purge_draft_words(self, before: datetime, limit: int) -> int:
        """Remove the typed words (`bot.core.staff.DRAFT_WORDS`) of up to `limit` staff drafts
        created before `before` that still hold some. How many."""
        ...
