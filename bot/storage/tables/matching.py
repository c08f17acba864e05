"""Tables of matching: mentees' requests for a mentor and the proposals made to mentors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Double, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, one_of, serial_id

REQUEST_STATUSES = ("waiting", "matched", "cancelled")
PROPOSAL_STATUSES = ("pending", "accepted", "declined", "expired", "withdrawn")
WAITING_ONLY = text("status = 'waiting'")


class MatchRequestRow(Base):
    """A mentee's request for a mentor; `waiting` ones form each program's queue. At most one
    waiting request per mentee (a partial unique index, on SQLite and PostgreSQL alike)."""

    __tablename__ = "match_requests"
    __table_args__ = (
        CheckConstraint(one_of("status", REQUEST_STATUSES), name="status"),
        Index(None, "program", "status", "created_at"),
        Index(
            "uq_match_requests_waiting_mentee_id",
            "mentee_id",
            unique=True,
            sqlite_where=WAITING_ONLY,
            postgresql_where=WAITING_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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
        CheckConstraint(one_of("status", PROPOSAL_STATUSES), name="status"),
        Index(None, "mentor_id", "status"),
        Index(None, "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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
