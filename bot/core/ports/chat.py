"""Ports to the world outside the database: the chat app that applies effects, its forum
supergroups, and the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.effects import Effect, Sent
from bot.core.models import GroupRights


class Clock(Protocol):
    """Tells the current time, tz-aware UTC."""

    def now(self) -> datetime: ...


class ChatApi(Protocol):
    """Applies effects in the chat app. Raises only `bot.core.errors.DeliveryError`s."""

    async def apply(self, effect: Effect) -> Sent: ...


class Forums(Protocol):
    """Asks the chat app about supergroups with topics, right now (not through the outbox):
    what the bot may do in one, a new topic, the bot's own username."""

    async def rights(self, chat_id: int) -> GroupRights | None:
        """The group's title and the bot's rights there (getChat + getChatMember of the bot);
        None when the bot is not a member or the chat is unknown."""
        ...

    async def open_topic(self, chat_id: int, name: str) -> int:
        """Create a forum topic (createForumTopic): its message_thread_id. Raises
        `bot.core.errors.DeliveryError`."""
        ...

    async def username(self) -> str:
        """The bot's username (getMe), asked once and then remembered."""
        ...
