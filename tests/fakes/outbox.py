"""The in-memory outbox (effects waiting for the sender)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core import effects as fx
from bot.core.effects import Effect
from bot.core.models import (
    OutboxItem,
)
from bot.core.privacy import without_words


@dataclass
class _Row:
    item: OutboxItem
    status: str = "pending"
    not_before: datetime | None = None
    lease_until: datetime | None = None
    error: str | None = None
    message_id: int | None = None


class _Outbox:
    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows

    def _next_id(self) -> int:
        return self.rows[-1].item.id + 1 if self.rows else 1  # ids only grow, like a sequence

    async def add(
        self, effects: Sequence[Effect], at: datetime, not_before: datetime | None = None
    ) -> None:
        for effect in effects:
            item = OutboxItem(
                id=self._next_id(),
                chat_id=fx.chat_of(effect),
                payload=fx.to_json(effect),
                attempts=0,
                created_at=at,
                safety=fx.is_safety(effect),
            )
            self.rows.append(_Row(item, not_before=not_before))

    async def add_serialised(self, items: Sequence[tuple[int | None, str]], at: datetime) -> None:
        for chat_id, text in items:
            payload = json.loads(text)
            fx.from_json(payload)  # what the sender will do with it: it must be an effect
            item = OutboxItem(
                id=self._next_id(), chat_id=chat_id, payload=payload, attempts=0, created_at=at
            )
            self.rows.append(_Row(item))

    async def pending_for_chat(self, chat_id: int) -> list[OutboxItem]:
        rows = [r for r in self.rows if r.item.chat_id == chat_id and r.status == "pending"]
        return [r.item for r in rows[-20:]]

    async def replace_pending(self, item_id: int, effect: Effect) -> bool:
        row = next((r for r in self.rows if r.item.id == item_id), None)
        if row is None or row.status != "pending":
            return False
        row.item = replace(row.item, payload=fx.to_json(effect), chat_id=fx.chat_of(effect))
        return True

    async def claim_due(
        self, now: datetime, limit: int, lease_seconds: float, *, safety_limit: int | None = None
    ) -> list[OutboxItem]:
        """Like the SQL outbox: each chat's open items in lane order (safety first, then by id);
        a chat stops at its first item that cannot go now (leased, held) or is over a limit."""
        safety_room = limit if safety_limit is None else safety_limit
        stopped: set[int] = set()
        taken: list[_Row] = []
        for row in sorted(self.rows, key=lambda r: (not r.item.safety, r.item.id)):
            if row.status not in ("pending", "sending"):
                continue
            chat = row.item.chat_id
            leased = row.status == "sending" and row.lease_until and row.lease_until > now
            held = row.status == "pending" and row.not_before and row.not_before > now
            room = safety_room if row.item.safety else limit
            if leased or held or len(taken) >= room or (chat is not None and chat in stopped):
                if chat is not None:
                    stopped.add(chat)
                continue
            taken.append(row)
        for row in taken:
            row.status = "sending"
            row.lease_until = now + timedelta(seconds=lease_seconds)
            row.item = replace(row.item, attempts=row.item.attempts + 1)
        return [row.item for row in taken]

    @staticmethod
    def _finish(row: _Row, status: str) -> None:
        """Like the SQL outbox: a finished item keeps no words."""
        row.status = status
        row.item = replace(row.item, payload=without_words(row.item.payload))

    def _claimed(self, item_id: int, attempt: int | None = None) -> _Row | None:
        """The row if still claimed (by the claim that counted `attempt`, when given)."""
        row = next((r for r in self.rows if r.item.id == item_id), None)
        if row is None or row.status != "sending":
            return None
        if attempt is not None and row.item.attempts != attempt:
            return None
        return row

    async def mark_sent_many(self, sent: Sequence[tuple[int, int | None, datetime]]) -> None:
        for item_id, message_id, _ in sent:
            row = self._claimed(item_id)
            if row is not None:
                row.message_id, row.lease_until = message_id, None
                self._finish(row, "sent")

    async def retry_later(
        self, item_id: int, not_before: datetime, error: str, *, attempt: int | None = None
    ) -> None:
        row = self._claimed(item_id, attempt)
        if row is not None:
            row.status, row.not_before, row.error = "pending", not_before, error
            row.lease_until = None

    async def mark_failed(
        self, item_id: int, error: str, at: datetime, *, attempt: int | None = None
    ) -> None:
        row = self._claimed(item_id, attempt)
        if row is not None:
            row.error, row.lease_until = error, None
            self._finish(row, "failed")

    async def drop_pending_for_chat(self, chat_id: int, reason: str, at: datetime) -> int:
        n = 0
        for row in self.rows:
            if row.item.chat_id == chat_id and row.status in ("pending", "sending"):
                row.error = reason
                self._finish(row, "dropped")
                n += 1
        return n

    async def pending_count(self) -> int:
        return sum(r.status in ("pending", "sending") for r in self.rows)

    async def tag_of(self, chat_id: int, message_id: int) -> str | None:
        for row in self.rows:
            if (row.item.chat_id, row.status, row.message_id) == (chat_id, "sent", message_id):
                tag = row.item.payload.get("tag")
                return tag if isinstance(tag, str) else None
        return None
