"""In-memory staff members, audit log, pending confirmations, broadcasts and person flags."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.core.models import Pair, Person, Report, ScheduledStep, StepStatus
from bot.core.staff import (
    BANNED,
    AuditEntry,
    Broadcast,
    PersonFlag,
    StaffDraft,
    StaffMember,
    StaffNote,
)
from tests.fakes.pairs import _next_id


@dataclass
class StaffState:
    """The staff tables of the in-memory store."""

    members: dict[int, StaffMember] = field(default_factory=dict)
    audit: dict[int, AuditEntry] = field(default_factory=dict)
    drafts: dict[int, StaffDraft] = field(default_factory=dict)
    broadcasts: dict[int, Broadcast] = field(default_factory=dict)
    flags: dict[tuple[int, str], PersonFlag] = field(default_factory=dict)
    notes: dict[int, StaffNote] = field(default_factory=dict)

    def copy(self) -> StaffState:
        return copy.deepcopy(self)


class _Staff:
    def __init__(
        self,
        state: StaffState,
        persons: dict[int, Person],
        pairs: dict[int, Pair],
        schedule: dict[int, ScheduledStep],
        reports: dict[int, Report] | None = None,
    ) -> None:
        self.state = state
        self._persons = persons
        self._pairs = pairs
        self._schedule = schedule
        self._reports = reports if reports is not None else {}

    async def member(self, user_id: int) -> StaffMember | None:
        return self.state.members.get(user_id)

    async def save_member(self, member: StaffMember) -> None:
        self.state.members[member.user_id] = member

    async def remove_member(self, user_id: int) -> bool:
        return self.state.members.pop(user_id, None) is not None

    async def members(self, organisation: str | None) -> list[StaffMember]:
        found = [
            m
            for m in self.state.members.values()
            if organisation is None or m.organisation == organisation
        ]
        return sorted(found, key=lambda m: (m.organisation, m.user_id))

    async def record(self, entry: AuditEntry) -> None:
        entry = replace(entry, id=_next_id(self.state.audit))
        self.state.audit[entry.id] = entry

    def _audit(self, organisations: Sequence[str] | None) -> list[AuditEntry]:
        found = [
            e
            for e in self.state.audit.values()
            if organisations is None or e.organisation in organisations
        ]
        return sorted(found, key=lambda e: (e.at, e.id), reverse=True)

    async def audit(
        self, organisations: Sequence[str] | None, limit: int, offset: int = 0
    ) -> list[AuditEntry]:
        return self._audit(organisations)[offset : offset + limit]

    async def audit_count(self, organisations: Sequence[str] | None) -> int:
        return len(self._audit(organisations))

    async def draft(self, user_id: int) -> StaffDraft | None:
        return self.state.drafts.get(user_id)

    async def save_draft(self, draft: StaffDraft) -> None:
        self.state.drafts[draft.user_id] = draft

    async def delete_draft(self, user_id: int) -> bool:
        return self.state.drafts.pop(user_id, None) is not None

    async def add_broadcast(self, broadcast: Broadcast) -> Broadcast:
        if broadcast.id:
            raise ValueError(f"broadcast already has id {broadcast.id}")
        broadcast = replace(broadcast, id=_next_id(self.state.broadcasts))
        self.state.broadcasts[broadcast.id] = broadcast
        return broadcast

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        return self.state.broadcasts.get(broadcast_id)

    async def count_sent(self, broadcast_id: int, delivered: bool = True) -> Broadcast | None:
        found = self.state.broadcasts.get(broadcast_id)
        if found is None:
            return None
        if delivered:
            found = replace(found, sent=found.sent + 1)
        else:
            found = replace(found, failed=found.failed + 1)
        self.state.broadcasts[broadcast_id] = found
        return found

    async def update_broadcast(self, broadcast: Broadcast) -> None:
        found = self.state.broadcasts.get(broadcast.id)
        if found is None:
            raise LookupError(f"no broadcast {broadcast.id}")
        self.state.broadcasts[broadcast.id] = replace(
            found,
            progress_message_id=broadcast.progress_message_id,
            progress_at=broadcast.progress_at,
        )

    async def flag(self, flag: PersonFlag) -> None:
        self.state.flags[(flag.user_id, flag.kind)] = flag

    async def unflag(self, user_id: int, kind: str) -> bool:
        return self.state.flags.pop((user_id, kind), None) is not None

    async def flags(self, user_ids: Iterable[int]) -> list[PersonFlag]:
        wanted = set(user_ids)
        found = [f for (uid, _), f in self.state.flags.items() if uid in wanted]
        return sorted(found, key=lambda f: (f.user_id, f.kind))

    async def banned(self, user_ids: Iterable[int]) -> set[int]:
        wanted = set(user_ids)
        return {uid for (uid, kind) in self.state.flags if uid in wanted and kind == BANNED}

    async def people(self, programs: Sequence[str]) -> list[Person]:
        return sorted(
            (p for p in self._persons.values() if p.program in programs), key=lambda p: p.id
        )

    async def age_locked(self, programs: Sequence[str], ownerless: bool = False) -> list[Person]:
        owners = {*programs, None} if ownerless else set(programs)
        return sorted(
            (p for p in self._persons.values() if p.is_age_locked and p.program in owners),
            key=lambda p: p.id,
        )

    async def pairs_of(self, programs: Sequence[str]) -> list[Pair]:
        return sorted(
            (p for p in self._pairs.values() if p.program in programs), key=lambda p: p.id
        )

    async def sent_steps(self, programs: Sequence[str]) -> list[ScheduledStep]:
        pair_ids = {p.id for p in self._pairs.values() if p.program in programs}
        found = [
            s
            for s in self._schedule.values()
            if s.status is StepStatus.SENT and s.pair_id in pair_ids
        ]
        return sorted(found, key=lambda s: (s.pair_id, s.position, s.role.value))

    async def reports_of(self, person_id: int) -> list[Report]:
        found = [r for r in self._reports.values() if person_id in (r.reporter_id, r.reported_id)]
        return sorted(found, key=lambda r: (r.created_at, r.id))

    async def add_note(self, note: StaffNote) -> StaffNote:
        stored = replace(note, id=_next_id(self.state.notes))
        self.state.notes[stored.id] = stored
        return stored

    async def notes_of(self, person_id: int) -> list[StaffNote]:
        found = [n for n in self.state.notes.values() if n.person_id == person_id]
        return sorted(found, key=lambda n: (n.at, n.id))
