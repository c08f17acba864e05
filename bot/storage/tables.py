"""The database schema as SQLAlchemy 2 declarative models.

These rows never leave `bot.storage`: repositories map them to and from the core's frozen
dataclasses. Every datetime is stored in UTC and read back tz-aware UTC on every backend; enums
are stored as their string values. Changing this module needs an Alembic revision
(`tests/storage` checks that models and migrations match).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = [
    "NAMING_CONVENTION",
    "OUTBOX_STATUSES",
    "PAIR_STATUSES",
    "PROPOSAL_STATUSES",
    "REPORT_STATUSES",
    "REQUEST_STATUSES",
    "ROLES",
    "STEP_STATUSES",
    "Base",
    "CheckinAnswerRow",
    "FlowStateRow",
    "MatchRequestRow",
    "OutboxRow",
    "PairRow",
    "PersonRow",
    "ProposalRow",
    "RelationshipRatingRow",
    "RelayLinkRow",
    "AuditLogRow",
    "BroadcastRow",
    "PersonFlagRow",
    "ReportRow",
    "StaffDraftRow",
    "StaffMemberRow",
    "ScheduledStepRow",
    "SeenUpdateRow",
    "TrainingResultRow",
    "UtcDateTime",
    "json_type",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "dropped")
OUTBOX_LANES = ("safety", "routine")  # a chat's safety items go before its routine ones
SAFETY_LANE = "lane = 'safety'"
ROLES = ("mentee", "mentor")
PAIR_STATUSES = ("active", "paused", "ended")
STEP_STATUSES = ("scheduled", "sent", "skipped", "cancelled")
REQUEST_STATUSES = ("waiting", "matched", "cancelled")
PROPOSAL_STATUSES = ("pending", "accepted", "declined", "expired", "withdrawn")
REPORT_STATUSES = ("open", "resolved")


def json_type() -> TypeEngine[Any]:
    """JSON on SQLite, JSONB on PostgreSQL."""
    return JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A tz-aware UTC datetime on every backend. A naive datetime is a bug: it raises."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to the database; use tz-aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite keeps text; one fixed UTC format keeps comparisons and ordering right.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the naming convention Alembic's batch mode relies on."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime()}


def _serial_id() -> TypeEngine[int]:
    # SQLite only autoincrements an "INTEGER PRIMARY KEY" (the rowid).
    return BigInteger().with_variant(Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class PersonRow(Base):
    """One person, keyed by their Telegram user id."""

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(_in("age_status", ("unknown", "adult", "minor")), name="age_status"),
        CheckConstraint(f"role IS NULL OR {_in('role', ROLES)}", name="role"),
        Index(None, "program", "role"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    consent_at: Mapped[datetime | None]
    age_status: Mapped[str] = mapped_column(String(16), server_default="unknown")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    age_checked_at: Mapped[datetime | None]
    role: Mapped[str | None] = mapped_column(String(16))
    program: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[list[str]] = mapped_column(json_type())
    interests: Mapped[list[str]] = mapped_column(json_type())
    experiences: Mapped[list[str]] = mapped_column(json_type())
    languages: Mapped[list[str]] = mapped_column(json_type())
    time_zone: Mapped[str | None] = mapped_column(String(64))
    preferred_hour: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int | None] = mapped_column(Integer)
    onboarded_at: Mapped[datetime | None]
    blocked_bot: Mapped[bool] = mapped_column(Boolean, server_default=false())
    training_passed_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    # set on the stand-in row that keeps the other side of a forgotten person's pairs
    forgotten_at: Mapped[datetime | None]
    # pairs → persons and persons → pairs form a cycle: `use_alter` lets metadata sort the
    # tables (and create the constraint after both), the migration adds it in a batch ALTER.
    active_pair_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("pairs.id", ondelete="SET NULL", use_alter=True)
    )


class FlowStateRow(Base):
    """The one active conversation of a person; deleted with the person."""

    __tablename__ = "flow_states"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(json_type())
    token: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class SeenUpdateRow(Base):
    """A Telegram update id already handled."""

    __tablename__ = "seen_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime] = mapped_column(index=True)


class OutboxRow(Base):
    """An effect waiting to be applied by the sender, or the record of one applied.

    `pending` → `sending` (leased until `lease_until`; an expired lease is claimable again) →
    `sent` | `failed` | `dropped`; `retry_later` puts it back to `pending` with `not_before`.

    `lane`: `safety` (crisis alerts and their context) or `routine`. A chat's items are claimed
    in lane order (its safety items first, then its routine ones, each by id), never while an
    earlier one of that order is leased or waiting (see `bot.storage.outbox`). The partial
    index keeps the few safety items quick to find among a round's thousands of rows.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint(_in("lane", OUTBOX_LANES), name="lane"),
        Index(None, "status", "id"),
        Index(None, "chat_id", "status"),
        Index(
            "ix_outbox_safety_status_id",
            "status",
            "id",
            sqlite_where=text(SAFETY_LANE),
            postgresql_where=text(SAFETY_LANE),
        ),
    )

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(json_type())
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    lane: Mapped[str] = mapped_column(String(8), server_default="routine")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    not_before: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)


class PairRow(Base):
    """A mentee and a mentor in a program. Ended pairs are kept (status `ended`)."""

    __tablename__ = "pairs"
    __table_args__ = (
        CheckConstraint(_in("status", PAIR_STATUSES), name="status"),
        Index(None, "program", "status"),
    )

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    program: Mapped[str] = mapped_column(String(64))
    mentee_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("persons.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    started_at: Mapped[datetime]
    paused_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]
    checkin_asked_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    ended_by: Mapped[int | None] = mapped_column(BigInteger)


class ScheduledStepRow(Base):
    """One side of one curriculum step of a pair, due at a UTC instant (the scheduler's source
    of truth). `(status, due_at, id)` is the claim order, so claiming reads an index range."""

    __tablename__ = "scheduled_steps"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(_in("status", STEP_STATUSES), name="status"),
        UniqueConstraint("pair_id", "person_id", "curriculum", "step_id"),
        Index(None, "status", "due_at", "id"),
        Index(None, "person_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    pair_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("pairs.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    curriculum: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), server_default="scheduled")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the delivered step message


class CheckinAnswerRow(Base):
    """A person's answer to a scheduled step's check-in; deleted with the step."""

    __tablename__ = "checkin_answers"

    scheduled_step_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("scheduled_steps.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    pair_id: Mapped[int] = mapped_column(BigInteger, index=True)
    person_id: Mapped[int] = mapped_column(BigInteger)
    step_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime]


class TrainingResultRow(Base):
    """A volunteer's latest quiz result for one training module; deleted with the person."""

    __tablename__ = "training_results"

    person_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    curriculum: Mapped[str] = mapped_column(String(64), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    correct: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    completed_at: Mapped[datetime]


WAITING_ONLY = text("status = 'waiting'")


class MatchRequestRow(Base):
    """A mentee's request for a mentor; `waiting` ones form each program's queue. At most one
    waiting request per mentee (a partial unique index, on SQLite and PostgreSQL alike)."""

    __tablename__ = "match_requests"
    __table_args__ = (
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status"),
        Index(None, "program", "status", "created_at"),
        Index(
            "uq_match_requests_waiting_mentee_id",
            "mentee_id",
            unique=True,
            sqlite_where=WAITING_ONLY,
            postgresql_where=WAITING_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    mentee_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("persons.id", ondelete="CASCADE")
    )
    program: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), server_default="waiting")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    pair_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("pairs.id", ondelete="SET NULL")
    )


class ProposalRow(Base):
    """A mentee proposed to a mentor; deleted with its request (and with the mentor)."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(_in("status", PROPOSAL_STATUSES), name="status"),
        Index(None, "mentor_id", "status"),
        Index(None, "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    request_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("match_requests.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(BigInteger)
    mentor_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("persons.id", ondelete="CASCADE")
    )
    score: Mapped[float] = mapped_column(Double)
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    created_at: Mapped[datetime]
    deadline: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)


class RelayLinkRow(Base):
    """A relayed message's ids (never its content); deleted with the pair, purged by age."""

    __tablename__ = "relay_links"
    __table_args__ = (
        Index(None, "source_chat_id", "source_message_id"),
        Index(None, "target_chat_id", "target_message_id"),
        Index(None, "pair_id", "id"),
    )

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    pair_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("pairs.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(BigInteger)
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    target_chat_id: Mapped[int] = mapped_column(BigInteger)
    target_message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(index=True)


class ReportRow(Base):
    """A safeguarding report. No foreign keys: a report outlives the people and pair named."""

    __tablename__ = "reports"
    __table_args__ = (CheckConstraint(_in("status", REPORT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    reporter_id: Mapped[int] = mapped_column(BigInteger)
    pair_id: Mapped[int | None] = mapped_column(BigInteger)
    reported_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    priority: Mapped[bool] = mapped_column(Boolean, server_default=false())
    status: Mapped[str] = mapped_column(String(16), server_default="open", index=True)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # a person named in this report asked to be forgotten while it was open: it is kept until
    # REPORT_RETENTION_DAYS after it is resolved, then deleted (`erase_reporter`) or the
    # reported person's id is removed
    erasure_requested_at: Mapped[datetime | None]
    erase_reporter: Mapped[bool] = mapped_column(Boolean, server_default=false())


class RelationshipRatingRow(Base):
    """A 1–5 relationship check-in answer; deleted with the pair."""

    __tablename__ = "relationship_ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    pair_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)


STAFF_ROLES = ("admin", "coordinator")


class StaffMemberRow(Base):
    """A staff member of one organisation (super-admins come from configuration instead)."""

    __tablename__ = "staff_members"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role"),)

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    organisation: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[datetime]
    added_by: Mapped[int | None] = mapped_column(BigInteger)


class AuditLogRow(Base):
    """One staff action (who, what, when, on whom); never message contents."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "organisation", "at"),)

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    organisation: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)


class StaffDraftRow(Base):
    """A staff member's pending confirmation (a broadcast, a batch-matching draft)."""

    __tablename__ = "staff_drafts"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(json_type())
    created_at: Mapped[datetime]


class BroadcastRow(Base):
    """A broadcast and its progress (`sent` is counted up as the sender delivers it)."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(_serial_id(), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(64))
    program: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(BigInteger)
    staff_chat_id: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(Integer)
    sent: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    failed: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class PersonFlagRow(Base):
    """A staff decision about a person (banned, rejected as a mentor). No foreign key: a ban
    outlives the person's other data."""

    __tablename__ = "person_flags"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    by: Mapped[int] = mapped_column(BigInteger)
