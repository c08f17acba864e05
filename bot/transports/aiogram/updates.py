"""Turn an aiogram `Update` into the core's `Inbound` event, or None when mentorbot ignores it,
by the rules every transport shares (`bot.transports.inbound`). Telegram objects never go past
this module."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.types import InaccessibleMessage, Update

from bot.core.events import Inbound
from bot.transports.inbound import update_event


def to_event(update: Update, *, now: datetime | None = None) -> Inbound | None:
    """Map one update; `now` (default: the current time) dates button presses."""
    return update_event(
        update,
        now=now or datetime.now(UTC),
        accessible=lambda message: not isinstance(message, InaccessibleMessage),
    )
