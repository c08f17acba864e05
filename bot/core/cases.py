"""Cases of the staff inbox: one conversation between a person and the program team, opened by
a crisis alert, a report, a `/team` request or a mentor waiting for approval. With a staff group
a case has its own forum topic (`staff_chat_id`, `thread_id`); without one it lives in the staff
members' private chats (`staff_chat_id` None)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CaseKind(StrEnum):
    """What opened the case (one open case per person and kind)."""

    CRISIS = "crisis"
    REPORT = "report"
    TEAM = "team"
    APPROVAL = "approval"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Case:
    """One case; `id` 0 until stored."""

    person_id: int
    kind: CaseKind
    program: str | None
    opened_at: datetime
    id: int = 0
    status: CaseStatus = CaseStatus.OPEN
    staff_chat_id: int | None = None  # the staff group; None: the staff's private chats
    thread_id: int | None = None  # the case's topic in the staff group (None: no topic)
    closed_at: datetime | None = None
    closed_by: int | None = None
    staff_id: int | None = None  # without a topic: the staff member who last wrote to the person

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN

    @property
    def in_topic(self) -> bool:
        return self.staff_chat_id is not None and self.thread_id is not None


@dataclass(frozen=True)
class StaffGroup:
    """A program's staff group: the supergroup whose topics hold its cases."""

    program: str
    chat_id: int
    set_by: int
    set_at: datetime


@dataclass(frozen=True)
class CaseMessage:
    """A message of a case as it is kept: its id in a chat, nothing of its words or date."""

    case_id: int
    chat_id: int
    message_id: int
