"""Tables of the staff inbox: cases, the person-side ids of team messages (for replies), and
each program's staff group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, one_of, serial_id

CASE_KINDS = ("crisis", "report", "team", "approval")
CASE_STATUSES = ("open", "closed")


class CaseRow(Base):
    """A case: a person's conversation with the program team (a topic of the staff group, or
    the staff's private chats when `staff_chat_id` is NULL). Never any message's words."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(one_of("kind", CASE_KINDS), name="kind"),
        CheckConstraint(one_of("status", CASE_STATUSES), name="status"),
        Index(None, "person_id", "kind", "status"),
        Index(None, "staff_chat_id", "thread_id"),
    )

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8))
    program: Mapped[str | None] = mapped_column(String(64))
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(BigInteger)
    staff_id: Mapped[int | None] = mapped_column(BigInteger)


class CaseMessageRow(Base):
    """A team message delivered to a person: its id in their chat, so that their reply to it
    goes to the case (ids only)."""

    __tablename__ = "case_messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(BigInteger, index=True)


class StaffGroupRow(Base):
    """A program's staff group (programs are YAML: this is the one thing stored about them)."""

    __tablename__ = "staff_groups"

    program: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    set_by: Mapped[int] = mapped_column(BigInteger)
    set_at: Mapped[datetime]
