"""Tables of people and their conversations: persons, the one active flow of each, and the
Telegram updates already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, json_type, one_of

ROLES = ("mentee", "mentor")


class PersonRow(Base):
    """One person, keyed by their Telegram user id."""

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(one_of("age_status", ("unknown", "adult", "minor")), name="age_status"),
        CheckConstraint(f"role IS NULL OR {one_of('role', ROLES)}", name="role"),
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
