"""The outbox table: effects waiting for the sender, and the records of those applied."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, json_type, one_of, serial_id

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "dropped")
OUTBOX_LANES = ("safety", "routine")  # a chat's safety items go before its routine ones
SAFETY_LANE = "lane = 'safety'"


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
        CheckConstraint(one_of("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint(one_of("lane", OUTBOX_LANES), name="lane"),
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

    id: Mapped[int] = mapped_column(serial_id(), primary_key=True)
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
