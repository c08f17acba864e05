"""Port for the outbox: effects stored with the state change that produced them, claimed and
sent later by the sender, which records each outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.core.effects import Effect
from bot.core.models import OutboxItem


class Outbox(Protocol):
    """Effects stored with the state change that produced them, applied later by the sender."""

    async def add(
        self, effects: Sequence[Effect], at: datetime, not_before: datetime | None = None
    ) -> None:
        """Append effects in order; with `not_before` they are held until then."""
        ...

    async def add_serialised(self, items: Sequence[tuple[int | None, str]], at: datetime) -> None:
        """Append effects already serialised, in order: (chat id, `to_json` of the effect as
        JSON text). For rounds that queue one rendered message for thousands of people."""
        ...

    async def pending_for_chat(self, chat_id: int) -> list[OutboxItem]:
        """The chat's items that no sender has claimed yet, in order (the latest few)."""
        ...

    async def replace_pending(self, item_id: int, effect: Effect) -> bool:
        """Rewrite an item no sender has claimed yet; False when it is claimed or gone."""
        ...

    async def claim_due(
        self, now: datetime, limit: int, lease_seconds: float, *, safety_limit: int | None = None
    ) -> list[OutboxItem]:
        """Take due items, leasing them so no one else sends them: up to `safety_limit`
        (default `limit`) of the safety lane, then routine ones up to what is left of `limit`.
        Per chat, in lane order (its safety items, then its routine ones, each by id): an item
        is taken only with every earlier open item of its chat, so none is taken while an
        earlier one is leased, held or still waiting (across senders, crashes and replicas).
        Returned safety first, then by id."""
        ...

    async def mark_sent_many(self, sent: Sequence[tuple[int, int | None, datetime]]) -> None:
        """Record many successes at once: (item id, message id, when)."""
        ...

    async def retry_later(
        self, item_id: int, not_before: datetime, error: str, *, attempt: int | None = None
    ) -> None:
        """Back to pending, due at `not_before`. Like every outcome, recorded only while the
        item is still claimed (and, with `attempt`, by the claim that counted it)."""
        ...

    async def mark_failed(
        self, item_id: int, error: str, at: datetime, *, attempt: int | None = None
    ) -> None: ...

    async def drop_pending_for_chat(self, chat_id: int, reason: str, at: datetime) -> int: ...

    async def pending_count(self) -> int: ...

    async def tag_of(self, chat_id: int, message_id: int) -> str | None:
        """The tag of the effect sent as message `message_id` of `chat_id` (a broadcast's,
        a step's…), while its delivery record is kept; None when untagged or unknown."""
        ...
