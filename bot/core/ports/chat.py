"""Ports to the world outside the database: the chat app that applies effects, and the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.effects import Effect, Sent


class Clock(Protocol):
    """Tells the current time, tz-aware UTC."""

    def now(self) -> datetime: ...


class ChatApi(Protocol):
    """Applies effects in the chat app. Raises only `bot.core.errors.DeliveryError`s."""

    async def apply(self, effect: Effect) -> Sent: ...
