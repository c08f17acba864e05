"""Staff of the nonprofits: organisations, roles, who may do what, and the audit log.

An organisation owns programs (the `organisation` key of each program file). Staff belong to one
organisation as `admin` or `coordinator` and act only on its programs; super-admins (from
`SUPERADMIN_IDS`) act on every organisation. Every command declares the least `Access` it needs
(`bot.handlers.commands`); `Actor.allows` is the one check, made in the core before any staff
command or staff button runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from bot.core.programs import Program, ProgramCatalog


class StaffRole(StrEnum):
    """A staff member's role in their organisation."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"


class Access(IntEnum):
    """Who may use a command: each level includes the ones below it."""

    EVERYONE = 0
    COORDINATOR = 1
    ADMIN = 2
    SUPERADMIN = 3


ROLE_ACCESS = {StaffRole.COORDINATOR: Access.COORDINATOR, StaffRole.ADMIN: Access.ADMIN}


@dataclass(frozen=True, kw_only=True)
class StaffMember:
    """A person who runs the programs of one organisation."""

    user_id: int
    organisation: str
    role: StaffRole
    added_at: datetime
    added_by: int | None = None


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """One staff action: who did what, when, on whom (ids and short notes, never message
    contents). `organisation` is the one whose data was touched (None: the whole service)."""

    id: int = 0
    at: datetime
    actor_id: int
    organisation: str | None
    action: str
    target: str = ""
    detail: str = ""


DRAFT_LIFETIME = timedelta(hours=24)

DRAFT_WORDS = frozenset({"text"})
"""Keys of a draft's data holding words a staff member typed (a broadcast's message). The
retention round removes them once the draft has expired (`draft_without_words`); the rest
(program and audience codes, ids) stays, so a press on the expired preview is still told so."""


def draft_without_words(data: dict[str, Any]) -> dict[str, Any]:
    """A draft's data without the words typed into it."""
    return {key: value for key, value in data.items() if key not in DRAFT_WORDS}


class DraftKind(StrEnum):
    """What a staff member is asked to confirm."""

    BROADCAST = "broadcast"
    MATCH = "match"
    PAIR = "pair"  # pairing again a couple that ended or declined before
    USER = "user"  # which of several people with the same name a command meant


@dataclass(frozen=True, kw_only=True)
class StaffDraft:
    """A pending confirmation of one staff member (at most one; `/cancel` drops it). `token`
    is in the confirm button's data, so an old or made-up button changes nothing; after
    `DRAFT_LIFETIME` it can no longer be confirmed (what it previewed may have changed)."""

    user_id: int
    kind: DraftKind
    token: str
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime

    def expired(self, now: datetime) -> bool:
        """True once the draft is too old to confirm."""
        return now - self.created_at > DRAFT_LIFETIME


@dataclass(frozen=True, kw_only=True)
class Broadcast:
    """A message sent to a program's mentees, mentors or both, with its progress."""

    id: int = 0
    organisation: str
    program: str
    audience: str
    created_by: int
    staff_chat_id: int
    total: int
    sent: int = 0
    failed: int = 0  # could not be delivered (blocked the bot, or refused)
    progress_message_id: int | None = None
    progress_at: datetime | None = None
    created_at: datetime

    @property
    def done(self) -> bool:
        """Every message was delivered or definitely failed."""
        return self.sent + self.failed >= self.total


@dataclass(frozen=True, kw_only=True)
class PersonFlag:
    """A staff decision about a person: `banned` (no longer served) or `rejected` (a mentor
    not approved), with the reason given."""

    user_id: int
    kind: str
    reason: str
    at: datetime
    by: int


BANNED = "banned"
REJECTED = "rejected"


@dataclass(frozen=True, kw_only=True)
class StaffNote:
    """A staff member's note about a person (`/note`), shown in their case file with its
    author's name (as Telegram gave it when the note was written) and date."""

    id: int = 0
    person_id: int
    author_id: int
    author_name: str
    text: str
    at: datetime


def organisations(programs: ProgramCatalog) -> list[str]:
    """Every organisation named by a program, in a stable order."""
    return sorted({p.organisation for p in programs})


@dataclass(frozen=True)
class Actor:
    """Who is asking, and what they may reach: `organisation` is None for super-admins."""

    user_id: int
    access: Access
    organisation: str | None = None
    role: StaffRole | None = None

    @property
    def is_staff(self) -> bool:
        """Staff of an organisation, or a super-admin."""
        return self.access >= Access.COORDINATOR

    @property
    def is_superadmin(self) -> bool:
        """A super-admin of the whole service."""
        return self.access is Access.SUPERADMIN

    def allows(self, needed: Access) -> bool:
        """True when this actor's level is enough for a command needing `needed`."""
        return self.access >= needed

    def reaches(self, program: Program | None) -> bool:
        """True when the program belongs to this actor's organisation. Super-admins reach any,
        and also what has no program (e.g. a report whose reporter was forgotten)."""
        if self.is_superadmin:
            return True
        if program is None or not self.is_staff:
            return False
        return program.organisation == self.organisation

    def programs(self, catalog: ProgramCatalog) -> list[Program]:
        """The programs this actor may see and act on."""
        return [p for p in catalog if self.reaches(p)]

    def program_codes(self, catalog: ProgramCatalog) -> list[str]:
        """The codes of `programs`."""
        return [p.code for p in self.programs(catalog)]


def actor_for(user_id: int, superadmins: Iterable[int], member: StaffMember | None) -> Actor:
    """The actor for a user: a super-admin, a staff member, or nobody special."""
    if user_id in set(superadmins):
        return Actor(user_id, Access.SUPERADMIN)
    if member is not None:
        return Actor(user_id, ROLE_ACCESS[member.role], member.organisation, member.role)
    return Actor(user_id, Access.EVERYONE)
