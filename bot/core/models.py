"""Domain records the core works with: plain frozen dataclasses, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """What a person is in a program."""

    MENTEE = "mentee"
    MENTOR = "mentor"


class AgeStatus(StrEnum):
    """The outcome of the 18+ check. MINOR is a lock: only staff can lift it."""

    UNKNOWN = "unknown"
    ADULT = "adult"
    MINOR = "minor"


@dataclass(frozen=True, kw_only=True)
class Person:
    """Everything mentorbot keeps about one person. Their Telegram name and username are never
    stored; the partner only ever sees `display_name`. The date of birth is never stored: only
    the decision and the birth year."""

    id: int
    chat_id: int
    language: str
    created_at: datetime
    updated_at: datetime
    consent_at: datetime | None = None
    age_status: AgeStatus = AgeStatus.UNKNOWN
    birth_year: int | None = None
    age_checked_at: datetime | None = None
    role: Role | None = None
    program: str | None = None
    display_name: str | None = None
    goals: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    experiences: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    time_zone: str | None = None
    preferred_hour: int | None = None
    capacity: int | None = None
    onboarded_at: datetime | None = None
    blocked_bot: bool = False
    training_passed_at: datetime | None = None
    approved_at: datetime | None = None
    active_pair_id: int | None = None

    @property
    def is_onboarded(self) -> bool:
        """True once the person finished onboarding."""
        return self.onboarded_at is not None

    @property
    def is_age_locked(self) -> bool:
        """True when the person was found to be under age and not overridden by staff."""
        return self.age_status is AgeStatus.MINOR


@dataclass(frozen=True, kw_only=True)
class FlowState:
    """Where a person is in a conversation. `state` is a stable string id (never renamed);
    `token` is the nonce of the current prompt, so stale and forged buttons are recognised."""

    user_id: int
    flow: str
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    token: str = ""
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class OutboxItem:
    """An effect waiting to be applied, in the order it was produced."""

    id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    safety: bool = False  # in the safety lane: applied before the chat's routine items


class PairStatus(StrEnum):
    """Where a mentorship stands."""

    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True, kw_only=True)
class Pair:
    """A mentee and a mentor in a program. `id` is 0 until stored."""

    id: int = 0
    program: str
    mentee_id: int
    mentor_id: int
    status: PairStatus = PairStatus.ACTIVE
    started_at: datetime
    paused_at: datetime | None = None
    ended_at: datetime | None = None
    last_activity_at: datetime | None = None
    nudged_at: datetime | None = None
    checkin_asked_at: datetime | None = None
    end_reason: str | None = None
    ended_by: int | None = None

    def member(self, person_id: int) -> bool:
        """True when the person is one of the two."""
        return person_id in (self.mentee_id, self.mentor_id)

    def partner_of(self, person_id: int) -> int:
        """The other person of the pair."""
        return self.mentor_id if person_id == self.mentee_id else self.mentee_id


class StepStatus(StrEnum):
    """A scheduled step's life: scheduled → sent, or skipped (too late), or cancelled."""

    SCHEDULED = "scheduled"
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class ScheduledStep:
    """One side (mentee or mentor) of one curriculum step of one pair, due at a UTC instant.
    `position` orders the pair's steps across all its curricula. `id` is 0 until stored."""

    id: int = 0
    pair_id: int
    person_id: int
    role: Role
    curriculum: str
    step_id: str
    position: int
    due_at: datetime
    status: StepStatus = StepStatus.SCHEDULED
    attempts: int = 0
    sent_at: datetime | None = None
    message_id: int | None = None  # the delivered message in the person's chat (replies find
    # their pair by it); None until delivered, and again once the retention purge has passed


@dataclass(frozen=True, kw_only=True)
class CheckinAnswer:
    """A person's answer to a step's check-in (an option id, or free text)."""

    scheduled_step_id: int
    pair_id: int
    person_id: int
    step_id: str
    answer: str
    answered_at: datetime


@dataclass(frozen=True, kw_only=True)
class ModuleResult:
    """A volunteer's latest quiz result for one training module."""

    person_id: int
    curriculum: str
    module_id: str
    correct: int
    total: int
    passed: bool
    completed_at: datetime


class RequestStatus(StrEnum):
    """A mentee's request for a mentor."""

    WAITING = "waiting"
    MATCHED = "matched"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class MatchRequest:
    """A mentee waiting for a mentor; the queue is ordered by `created_at`."""

    id: int = 0
    mentee_id: int
    program: str
    status: RequestStatus = RequestStatus.WAITING
    created_at: datetime
    closed_at: datetime | None = None
    pair_id: int | None = None


class ProposalStatus(StrEnum):
    """A mentor's answer to a proposed mentee."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """A mentee proposed to a mentor, who accepts or declines before `deadline`."""

    id: int = 0
    request_id: int
    mentee_id: int
    mentor_id: int
    score: float
    status: ProposalStatus = ProposalStatus.PENDING
    created_at: datetime
    deadline: datetime
    decided_at: datetime | None = None
    reason: str | None = None


CAPACITY_DECLINE = "capacity"
"""The reason of a proposal declined for the mentor because they were full when they pressed
Accept: the mentor did not turn the mentee down, so it is not part of the couple's history."""


CLOSED_BY_BLOCK = "blocked"
"""The closing reason of a pair one of whose people blocked the other (/block)."""
CLOSED_BY_ERASURE = "forgotten"
"""The closing reason of a pair ended by /forgetme."""
CLOSED_BY_BAN = "banned"
"""The closing reason of the pairs of someone staff banned (/ban)."""
CLOSED_BY_STAFF = "staff"
"""The closing reason of a pair staff ended with /unpair and no reason of their own."""


class PastOutcome(StrEnum):
    """How a couple's earlier attempt finished."""

    ENDED = "ended"  # a pair of the two ended (any closing reason, by anyone)
    DECLINED = "declined"  # the mentor declined a proposal of the mentee


@dataclass(frozen=True, kw_only=True)
class PastCouple:
    """A mentee and a mentor who were paired before and ended, or whose proposal the mentor
    declined. Such a couple is never proposed or suggested again; staff may still pair them
    by hand after seeing this history (`MatchingRepository.history`)."""

    mentee_id: int
    mentor_id: int
    outcome: PastOutcome
    at: datetime
    by: int | None  # who ended it (a member of the pair, or staff); the mentor for a decline
    reason: str | None  # the closing or declining reason (a code, or words staff typed)


@dataclass(frozen=True, kw_only=True)
class RelayLink:
    """A relayed message: the original in the sender's chat and its copy in the partner's.
    Only ids are kept, never the content."""

    pair_id: int
    sender_id: int
    source_chat_id: int
    source_message_id: int
    target_chat_id: int
    target_message_id: int
    created_at: datetime


class ReportStatus(StrEnum):
    """Where a safeguarding report stands."""

    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True, kw_only=True)
class Report:
    """A safeguarding report (from a person, or raised by a crisis word)."""

    id: int = 0
    reporter_id: int
    pair_id: int | None = None
    reported_id: int | None = None
    reason: str
    text: str = ""
    priority: bool = False
    status: ReportStatus = ReportStatus.OPEN
    created_at: datetime
    resolved_at: datetime | None = None
    resolution_note: str | None = None


@dataclass(frozen=True, kw_only=True)
class RelationshipRating:
    """A one-tap 1–5 answer to "how is your mentorship going?"."""

    pair_id: int
    person_id: int
    rating: int
    at: datetime


@dataclass(frozen=True, kw_only=True)
class Contact:
    """The few fields needed to send someone a message at a good time (cheap to load in bulk)."""

    id: int
    chat_id: int
    language: str
    time_zone: str | None
    preferred_hour: int | None
    display_name: str | None


@dataclass(frozen=True, kw_only=True)
class PairMembers:
    """Who is in a pair and in which program (cheap to load in bulk)."""

    id: int
    program: str
    mentee_id: int
    mentor_id: int

    def partner_of(self, person_id: int) -> int:
        """The other person of the pair."""
        return self.mentor_id if person_id == self.mentee_id else self.mentee_id


@dataclass(frozen=True)
class GroupRights:
    """What the bot is and may do in a supergroup, as Telegram says now (`Forums.rights`)."""

    title: str
    is_forum: bool  # the supergroup has topics enabled
    is_admin: bool  # the bot is an administrator
    can_manage_topics: bool
    can_pin_messages: bool
    can_delete_messages: bool
