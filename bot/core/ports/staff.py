"""Port for staff work: members, pending confirmations, broadcasts, decisions about people,
the audit log, and the reads across programs that staff commands need."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.core.models import Pair, Person, Report, ScheduledStep
from bot.core.staff import (
    AuditEntry,
    Broadcast,
    PersonFlag,
    StaffDraft,
    StaffMember,
    StaffNote,
)


class StaffRepository(Protocol):
    """Staff members, their pending confirmations, broadcasts, decisions about people, the
    audit log, and the reads across programs that staff commands need."""

    async def member(self, user_id: int) -> StaffMember | None: ...

    async def save_member(self, member: StaffMember) -> None:
        """Add a staff member, or change their organisation and role."""
        ...

    async def remove_member(self, user_id: int) -> bool: ...

    async def members(self, organisation: str | None) -> list[StaffMember]:
        """Staff of an organisation (None: of every organisation), by organisation then id."""
        ...

    async def record(self, entry: AuditEntry) -> None:
        """Append to the audit log."""
        ...

    async def audit(
        self, organisations: Sequence[str] | None, limit: int, offset: int = 0
    ) -> list[AuditEntry]:
        """Audit entries of these organisations (None: all), newest first."""
        ...

    async def audit_count(self, organisations: Sequence[str] | None) -> int: ...

    async def draft(self, user_id: int) -> StaffDraft | None: ...

    async def save_draft(self, draft: StaffDraft) -> None:
        """Store a staff member's pending confirmation, replacing any earlier one."""
        ...

    async def delete_draft(self, user_id: int) -> bool: ...

    async def add_broadcast(self, broadcast: Broadcast) -> Broadcast: ...

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None: ...

    async def count_sent(self, broadcast_id: int, delivered: bool = True) -> Broadcast | None:
        """Count one message of a broadcast as delivered (or, with `delivered=False`, as
        failed for good), atomically; the updated broadcast."""
        ...

    async def update_broadcast(self, broadcast: Broadcast) -> None:
        """Store the progress message id and when it was last edited."""
        ...

    async def flag(self, flag: PersonFlag) -> None:
        """Record a decision about a person (replacing one of the same kind)."""
        ...

    async def unflag(self, user_id: int, kind: str) -> bool: ...

    async def flags(self, user_ids: Iterable[int]) -> list[PersonFlag]: ...

    async def banned(self, user_ids: Iterable[int]) -> set[int]:
        """Which of these people are banned (the one check matching, broadcasts and staff
        lists share)."""
        ...

    async def people(self, programs: Sequence[str]) -> list[Person]:
        """Everyone who chose one of these programs, by id."""
        ...

    async def age_locked(self, programs: Sequence[str], ownerless: bool = False) -> list[Person]:
        """People locked by the age check in these programs (and, when `ownerless`, those whose
        lock belongs to no program: locked before the program was asked, or after /forgetme),
        by id."""
        ...

    async def pairs_of(self, programs: Sequence[str]) -> list[Pair]:
        """Every pair of these programs, ended ones too, by id."""
        ...

    async def sent_steps(self, programs: Sequence[str]) -> list[ScheduledStep]:
        """The delivered curriculum steps of these programs' pairs."""
        ...

    async def add_note(self, note: StaffNote) -> StaffNote:
        """Store a staff note about a person; the note with its id."""
        ...

    async def notes_of(self, person_id: int) -> list[StaffNote]:
        """The staff notes about a person, oldest first."""
        ...

    async def reports_of(self, person_id: int) -> list[Report]:
        """Every report by or about a person (open and resolved), oldest first."""
        ...
