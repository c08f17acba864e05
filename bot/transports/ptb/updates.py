"""Turn a python-telegram-bot `Update` into the core's `Inbound` event, or None when mentorbot
ignores it, by the rules every transport shares (`bot.transports.inbound`). Telegram objects
never go past this module."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Message, Update

from bot.core.events import Inbound
from bot.transports.base import ALLOWED_UPDATES
from bot.transports.inbound import update_event


def to_event(update: Update, *, now: datetime | None = None) -> Inbound | None:
    """Map one update; `now` (default: the current time) dates button presses."""
    return update_event(update, now=now or datetime.now(UTC), accessible=_accessible)


def _accessible(message: Message) -> bool:
    # PTB parses a callback's message as a `Message` even when Telegram sent the inaccessible
    # kind (date 0): `is_accessible` tells them apart
    return message.is_accessible


def kind_of(update: Update) -> str:
    """The update's kind ("message", "callback_query"…), for logs."""
    return next((k for k in ALLOWED_UPDATES if getattr(update, k, None) is not None), "other")
