"""Port for the staff inbox: cases, the team messages a person can reply to, and each
program's staff group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.core.cases import Case, CaseKind, StaffGroup


class CaseRepository(Protocol):
    """Cases, the person-side ids of team messages, and staff groups."""

    async def add(self, case: Case) -> Case:
        """Store a new case; the stored case (with its id)."""
        ...

    async def get(self, case_id: int) -> Case | None: ...

    async def open_case(self, person_id: int, kind: CaseKind) -> Case | None:
        """The person's open case of this kind."""
        ...

    async def open_cases(self, person_id: int) -> list[Case]:
        """The person's open cases, newest first."""
        ...

    async def latest(self, person_id: int) -> Case | None:
        """The person's most recently opened case, open or closed."""
        ...

    async def by_topic(self, chat_id: int, thread_id: int) -> Case | None:
        """The case of a staff group's topic (the latest, if a topic was reused)."""
        ...

    async def update(self, case: Case) -> None:
        """Store a case's status, topic, closing and staff member."""
        ...

    async def close(self, case_id: int, at: datetime, by: int | None) -> Case | None:
        """Close a case (None: no such case or already closed)."""
        ...

    async def note_message(self, case_id: int, chat_id: int, message_id: int) -> None:
        """Remember a team message delivered to a person (its id in their chat), so that a
        reply to it goes to the case."""
        ...

    async def of_message(self, chat_id: int, message_id: int) -> Case | None:
        """The case of a team message in a person's chat."""
        ...

    async def staff_group(self, program: str) -> StaffGroup | None: ...

    async def staff_groups(self, programs: Sequence[str]) -> list[StaffGroup]: ...

    async def set_staff_group(self, group: StaffGroup) -> None:
        """Set (or replace) a program's staff group."""
        ...

    async def remove_staff_group(self, program: str) -> bool: ...
