"""Tables of safeguarding: reports and relationship check-in ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, one_of, serial_id

REPORT_STATUSES = ("open", "resolved")


class ReportRow(Base):
    """A safeguarding report. No foreign keys: a report outlives the people and pair named."""

    __tablename__ = "reports"
    __table_args__ = (CheckConstraint(one_of("status", REPORT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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
