"""Turn a python-telegram-bot `Update` into the core's `Inbound` event, or None when mentorbot
ignores it, by the rules every transport shares (`bot.transports.inbound`). Telegram objects
never go past this module."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Message, Update

from bot.core.events import Inbound
from bot.transports.inbound import update_event


def to_event(update: Update, *, now: datetime | None = None) -> Inbound | None:
    """Map one update; `now` (default: the current time) dates button presses."""
    return update_event(update, now=now or datetime.now(UTC), accessible=_accessible)


def _accessible(message: Message) -> bool:
    # PTB parses a callback's message as a `Message` even when Telegram sent the inaccessible
    # kind (date 0): `is_accessible` tells them apart
    return message.is_accessible
