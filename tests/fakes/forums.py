"""A `Forums` that answers from what the test set: rights per group, topics it opens, the bot's
username; it records every call and raises on demand."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.errors import DeliveryError
from bot.core.models import GroupRights


def rights_of(
    title: str = "Staff",
    *,
    is_forum: bool = True,
    is_admin: bool = True,
    can_manage_topics: bool = True,
    can_pin_messages: bool = True,
    can_delete_messages: bool = True,
) -> GroupRights:
    """A group's rights, everything allowed unless told otherwise."""
    return GroupRights(
        title, is_forum, is_admin, can_manage_topics, can_pin_messages, can_delete_messages
    )


@dataclass
class FakeForums:
    """`Forums` over in-memory answers.

    `groups`: chat id → rights (a chat not there: None, the bot is not a member); `opened`:
    every (chat id, name, thread id) created; `calls`: every call in order, as
    (method, args); `fail`: raised by the next `open_topic` (then cleared) when set."""

    groups: dict[int, GroupRights] = field(default_factory=dict)
    bot_username: str = "mentorbot_test_bot"
    opened: list[tuple[int, str, int]] = field(default_factory=list)
    calls: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)
    fail: DeliveryError | None = None
    next_thread_id: int = 100

    async def rights(self, chat_id: int) -> GroupRights | None:
        self.calls.append(("rights", (chat_id,)))
        return self.groups.get(chat_id)

    async def open_topic(self, chat_id: int, name: str) -> int:
        self.calls.append(("open_topic", (chat_id, name)))
        if self.fail is not None:
            error, self.fail = self.fail, None
            raise error
        thread_id = self.next_thread_id
        self.next_thread_id += 1
        self.opened.append((chat_id, name, thread_id))
        return thread_id

    async def username(self) -> str:
        self.calls.append(("username", ()))
        return self.bot_username
