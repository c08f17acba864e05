"""Port for safeguarding: reports and relationship check-in ratings."""

from __future__ import annotations

from typing import Protocol

from bot.core.models import RelationshipRating, Report


class SafetyRepository(Protocol):
    """Safeguarding reports and relationship check-ins."""

    async def add_report(self, report: Report) -> Report: ...

    async def open_reports(self) -> list[Report]: ...

    async def update_report(self, report: Report) -> None: ...

    async def add_rating(self, rating: RelationshipRating) -> None: ...

    async def ratings(self, pair_id: int) -> list[RelationshipRating]:
        """A pair's check-in ratings, oldest first."""
        ...
