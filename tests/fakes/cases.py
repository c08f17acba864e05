"""In-memory cases, team message ids and staff groups."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core.cases import Case, CaseKind, CaseStatus, StaffGroup


@dataclass
class CaseState:
    """The inbox tables of the in-memory store."""

    cases: dict[int, Case] = field(default_factory=dict)
    messages: dict[tuple[int, int], int] = field(default_factory=dict)
    groups: dict[str, StaffGroup] = field(default_factory=dict)

    def copy(self) -> CaseState:
        return copy.deepcopy(self)


class _Cases:
    def __init__(self, state: CaseState) -> None:
        self.state = state

    async def add(self, case: Case) -> Case:
        if case.id:
            raise ValueError(f"case already has id {case.id}")
        stored = replace(case, id=max(self.state.cases, default=0) + 1)
        self.state.cases[stored.id] = stored
        return stored

    async def get(self, case_id: int) -> Case | None:
        return self.state.cases.get(case_id)

    def _newest(self, cases: list[Case]) -> list[Case]:
        return sorted(cases, key=lambda c: (c.opened_at, c.id), reverse=True)

    async def open_case(self, person_id: int, kind: CaseKind) -> Case | None:
        found = [
            c
            for c in self.state.cases.values()
            if c.person_id == person_id and c.kind is kind and c.is_open
        ]
        return max(found, key=lambda c: c.id, default=None)

    async def open_cases(self, person_id: int) -> list[Case]:
        return self._newest(
            [c for c in self.state.cases.values() if c.person_id == person_id and c.is_open]
        )

    async def latest(self, person_id: int) -> Case | None:
        found = self._newest([c for c in self.state.cases.values() if c.person_id == person_id])
        return found[0] if found else None

    async def by_topic(self, chat_id: int, thread_id: int) -> Case | None:
        found = [
            c
            for c in self.state.cases.values()
            if c.staff_chat_id == chat_id and c.thread_id == thread_id
        ]
        return max(found, key=lambda c: c.id, default=None)

    async def update(self, case: Case) -> None:
        if case.id not in self.state.cases:
            raise LookupError(f"no case {case.id}")
        self.state.cases[case.id] = case

    async def close(self, case_id: int, at: datetime, by: int | None) -> Case | None:
        case = self.state.cases.get(case_id)
        if case is None or not case.is_open:
            return None
        closed = replace(case, status=CaseStatus.CLOSED, closed_at=at, closed_by=by)
        self.state.cases[case_id] = closed
        return closed

    async def note_message(self, case_id: int, chat_id: int, message_id: int) -> None:
        self.state.messages[(chat_id, message_id)] = case_id

    async def of_message(self, chat_id: int, message_id: int) -> Case | None:
        case_id = self.state.messages.get((chat_id, message_id))
        return None if case_id is None else self.state.cases.get(case_id)

    async def staff_group(self, program: str) -> StaffGroup | None:
        return self.state.groups.get(program)

    async def staff_groups(self, programs: Sequence[str]) -> list[StaffGroup]:
        return [self.state.groups[p] for p in sorted(set(programs)) if p in self.state.groups]

    async def set_staff_group(self, group: StaffGroup) -> None:
        self.state.groups[group.program] = group

    async def remove_staff_group(self, program: str) -> bool:
        return self.state.groups.pop(program, None) is not None
