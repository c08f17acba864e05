"""Tables of pairs and what happens in them: the pairs, their scheduled curriculum steps and
check-in answers, volunteers' training results, and the relay's message-id map."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, one_of, serial_id
from bot.storage.tables.people import ROLES

PAIR_STATUSES = ("active", "paused", "ended")
STEP_STATUSES = ("scheduled", "sent", "skipped", "cancelled")


class PairRow(Base):
    """A mentee and a mentor in a program. Ended pairs are kept (status `ended`)."""

    __tablename__ = "pairs"
    __table_args__ = (
        CheckConstraint(one_of("status", PAIR_STATUSES), name="status"),
        Index(None, "program", "status"),
    )

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(one_of("status", STEP_STATUSES), name="status"),
        UniqueConstraint("pair_id", "person_id", "curriculum", "step_id"),
        Index(None, "status", "due_at", "id"),
        Index(None, "person_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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


class RelayLinkRow(Base):
    """A relayed message's ids (never its content); deleted with the pair, purged by age."""

    __tablename__ = "relay_links"
    __table_args__ = (
        Index(None, "source_chat_id", "source_message_id"),
        Index(None, "target_chat_id", "target_message_id"),
        Index(None, "pair_id", "id"),
    )

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
    pair_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("pairs.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(BigInteger)
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    target_chat_id: Mapped[int] = mapped_column(BigInteger)
    target_message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(index=True)
