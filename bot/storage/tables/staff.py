"""Tables of staff work: members, the audit log, pending confirmations, broadcasts, and
decisions about people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, json_type, one_of, serial_id

STAFF_ROLES = ("admin", "coordinator")


class StaffMemberRow(Base):
    """A staff member of one organisation (super-admins come from configuration instead)."""

    __tablename__ = "staff_members"
    __table_args__ = (CheckConstraint(one_of("role", STAFF_ROLES), name="role"),)

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    organisation: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[datetime]
    added_by: Mapped[int | None] = mapped_column(BigInteger)


class AuditLogRow(Base):
    """One staff action (who, what, when, on whom); never message contents."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "organisation", "at"),)

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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


class StaffNoteRow(Base):
    """A staff member's note about a person (`/note`), with its author's name as written."""

    __tablename__ = "staff_notes"

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, index=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
