"""The update queue behind ``getUpdates`` and webhook delivery (``bot.sandbox.webhooks``).

Semantics follow Telegram: an ``offset`` confirms every update with a smaller id, a negative
offset keeps only the last ``-offset`` updates, ``limit`` is clamped to 1–100, a call long-polls up
to ``timeout`` seconds and returns as soon as an update arrives, the last ``allowed_updates`` is
remembered, a newer ``getUpdates`` terminates a pending one with 409, and ``getUpdates`` is refused
with 409 while a webhook is set.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import conflict

# Update types delivered when allowed_updates is empty / never set.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_POLL_TIMEOUT = 50.0
FIRST_UPDATE_ID = 10_001


@dataclass
class WebhookConfig:
    """What ``setWebhook`` stored, and the last delivery error (``bot.sandbox.webhooks``)."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def to_info(self, pending: int) -> dict[str, Any]:
        """The Bot API ``WebhookInfo`` object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.ip_address:
                info["ip_address"] = self.ip_address
            if self.allowed_updates is not None:
                info["allowed_updates"] = list(self.allowed_updates)
            if self.last_error_date is not None:
                info["last_error_date"] = self.last_error_date
                info["last_error_message"] = self.last_error_message or ""
        return info


@dataclass
class _Entry:
    update: dict[str, Any]
    redelivered: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        update_id: int = self.update["update_id"]
        return update_id

    @property
    def kind(self) -> str:
        return next(k for k in self.update if k != "update_id")


@dataclass
class _Poll:
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    terminated: bool = False


class UpdateQueue:
    """Pending updates plus every update ever created (for redelivery)."""

    def __init__(self) -> None:
        self._ids = itertools.count(FIRST_UPDATE_ID)
        self._pending: list[_Entry] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._poll: _Poll | None = None
        self.allowed_updates: list[str] | None = None
        self.webhook = WebhookConfig()
        self.arrived = asyncio.Event()  # set whenever an update is queued (webhook delivery)
        self.closed = False

    def close(self) -> None:
        """Server shutdown: a pending long poll returns at once, later ones don't wait."""
        self.closed = True
        if self._poll is not None:
            self._poll.wake.set()

    # ------------------------------------------------------------------ producing updates

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Create an update ``{"update_id": …, kind: payload}`` and queue it."""
        update_id = next(self._ids)
        update: dict[str, Any] = {"update_id": update_id, kind: payload}
        self._history[update_id] = update
        self._enqueue(_Entry(copy.deepcopy(update)))
        return update

    def redeliver(self, update_id: int) -> dict[str, Any] | None:
        """Queue the exact same update again (as Telegram does when a batch wasn't confirmed)."""
        update = self._history.get(update_id)
        if update is None:
            return None
        self._pending = [e for e in self._pending if e.update_id != update_id]
        self._enqueue(_Entry(copy.deepcopy(update), redelivered=True))
        return update

    def _enqueue(self, entry: _Entry) -> None:
        bisect.insort(self._pending, entry, key=lambda e: e.update_id)
        self.arrived.set()
        if self._poll is not None:
            self._poll.wake.set()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def drop_pending(self) -> None:
        self._pending.clear()

    def pending_updates(self) -> list[tuple[int, str, dict[str, Any]]]:
        """The pending updates in id order as ``(update_id, kind, update)``, for webhook
        delivery. The updates are the queue's own, not copies: read them, and copy the one
        to be sent."""
        return [(e.update_id, e.kind, e.update) for e in self._pending]

    def acknowledge(self, update_id: int) -> None:
        """A webhook delivery of ``update_id`` succeeded (or was filtered out): forget it."""
        at = bisect.bisect_left(self._pending, update_id, key=lambda e: e.update_id)
        if at < len(self._pending) and self._pending[at].update_id == update_id:
            del self._pending[at]

    # ------------------------------------------------------------------ consuming updates

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._pending = self._pending[offset:]
            return
        self._pending = [
            e
            for e in self._pending
            if e.update_id >= offset or (e.redelivered and not e.delivered)
        ]

    def _take(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_set()
        batch: list[_Entry] = []
        for entry in self._pending:
            if entry.kind in allowed or (not allowed and entry.kind not in DEFAULT_EXCLUDED):
                batch.append(entry)
                if len(batch) >= limit:
                    break
        for entry in batch:
            entry.delivered = True
        return [copy.deepcopy(e.update) for e in batch]

    def _allowed_set(self) -> frozenset[str]:
        return frozenset(self.allowed_updates or ())

    async def get_updates(
        self,
        *,
        offset: int | None,
        limit: int | None,
        poll_seconds: float | None,
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        """Answer one ``getUpdates`` call."""
        if self.webhook.url:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        if self._poll is not None:
            self._poll.terminated = True
            self._poll.wake.set()
        poll = _Poll()
        self._poll = poll
        try:
            if allowed_updates is not None:
                self.allowed_updates = list(allowed_updates)
            if offset:
                self._confirm(offset)
            size = min(max(limit if limit is not None else 100, 1), 100)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + min(max(poll_seconds or 0.0, 0.0), MAX_POLL_TIMEOUT)
            while True:
                batch = self._take(size)
                remaining = deadline - loop.time()
                if batch or remaining <= 0 or self.closed:
                    return batch
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(poll.wake.wait(), remaining)
                poll.wake.clear()
                if poll.terminated:
                    raise conflict(
                        "terminated by other getUpdates request; "
                        "make sure that only one bot instance is running"
                    )
        finally:
            if self._poll is poll:
                self._poll = None
