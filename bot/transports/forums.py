"""`Forums` over either framework's `Bot`, asked directly (not through the outbox): a
supergroup's title and what the bot may do there, a new forum topic, the bot's username.

Both frameworks name these calls and their answers' fields after the Bot API, so one class
serves both; a transport passes only its mapping of exceptions to the core's `DeliveryError`s
(`aiogram/forums.py`, `ptb/forums.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.core.errors import DeliveryError, RecipientBlocked, RejectedRequest
from bot.core.models import GroupRights

T = TypeVar("T")

ToError = Callable[[BaseException], DeliveryError]
ADMINS = ("administrator", "creator")
OUTSIDE = ("left", "kicked")


def rights_of(chat: Any, member: Any) -> GroupRights | None:
    """The bot's rights in a group from getChat's and getChatMember's answers (None: it is not
    a member). An administrator has its own rights; a member or a restricted one what the
    group's permissions (or its restrictions) allow, and never deletes others' messages."""
    status = str(getattr(member.status, "value", member.status))
    if status in OUTSIDE or (status == "restricted" and not getattr(member, "is_member", True)):
        return None
    admin = status in ADMINS
    allowed = member if admin or status == "restricted" else getattr(chat, "permissions", None)

    def may(right: str) -> bool:
        return status == "creator" or bool(getattr(allowed, right, False))

    return GroupRights(
        title=chat.title or "",
        is_forum=bool(getattr(chat, "is_forum", False)),
        is_admin=admin,
        can_manage_topics=may("can_manage_topics"),
        can_pin_messages=may("can_pin_messages"),
        can_delete_messages=admin and may("can_delete_messages"),
    )


class BotForums:
    """`Forums` over one framework `Bot`. Raises only `DeliveryError`s."""

    def __init__(self, bot: Any, to_error: ToError) -> None:
        self.bot = bot
        self._to_error = to_error
        self._me: Any = None

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except Exception as exc:
            raise self._to_error(exc) from exc

    async def _bot_user(self) -> Any:
        if self._me is None:
            self._me = await self._call(self.bot.get_me)
        return self._me

    async def username(self) -> str:
        return str((await self._bot_user()).username or "")

    async def rights(self, chat_id: int) -> GroupRights | None:
        me = await self._bot_user()
        try:
            chat = await self._call(lambda: self.bot.get_chat(chat_id=chat_id))
            member = await self._call(
                lambda: self.bot.get_chat_member(chat_id=chat_id, user_id=me.id)
            )
        except (RejectedRequest, RecipientBlocked):  # no such chat, or the bot is not in it
            return None
        return rights_of(chat, member)

    async def open_topic(self, chat_id: int, name: str) -> int:
        topic = await self._call(lambda: self.bot.create_forum_topic(chat_id=chat_id, name=name))
        return int(topic.message_thread_id)
