"""Staff supergroups for the end-to-end tests: a forum supergroup with the bot as an
administrator (rights configurable), members posting in a topic or in General, and waiting for
what the bot writes in a topic (polling the sandbox, as `SandboxClient.wait_for_messages` does
for private chats)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from bot.sandbox.client import SandboxClient
from bot.sandbox.client_groups import DEFAULT_BOT_RIGHTS
from bot.sandbox.client_types import ChatMessage, GroupInfo, GroupPost, TopicInfo
from tests.e2e.harness import REPLY_TIMEOUT

POLL_INTERVAL = 0.05
STAFF_RIGHTS = DEFAULT_BOT_RIGHTS
"""can_manage_topics, can_pin_messages, can_delete_messages (can_manage_chat is implied)."""


async def staff_group(
    client: SandboxClient,
    members: list[int],
    *,
    title: str = "Staff inbox",
    rights: Collection[str] = STAFF_RIGHTS,
    admin: bool = True,
    forum: bool = True,
) -> GroupInfo:
    """A supergroup of `members` (the first is its creator) with topics (unless `forum` is
    False) and the bot in it: an administrator with `rights`, or a plain member. The bot
    receives the `my_chat_member` update."""
    group = await client.create_group(title, members, is_forum=forum)
    await client.add_bot(group.id, admin=admin, rights=rights)
    return await client.group(group.id)


async def post(
    client: SandboxClient,
    chat_id: int,
    user_id: int,
    text: str,
    *,
    topic: int | None = None,
    reply_to: int | None = None,
) -> GroupPost:
    """`user_id` writes `text` in `topic` (None: General), optionally replying."""
    return await client.post_in_group(
        chat_id, user_id, text, thread_id=topic, reply_to_message_id=reply_to
    )


async def find_topic(client: SandboxClient, chat_id: int, name: str) -> TopicInfo | None:
    """The topic called `name` (the latest if several), or None."""
    found = [t for t in await client.topics(chat_id) if t.name == name]
    return found[-1] if found else None


async def wait_for_topic(
    client: SandboxClient,
    chat_id: int,
    matches: Callable[[TopicInfo], bool] | str,
    timeout: float = REPLY_TIMEOUT,  # noqa: ASYNC109 - a deadline for polling
) -> TopicInfo:
    """Wait until a topic matching `matches` (a predicate, or a name contained in the topic's
    name) exists; AssertionError listing the topics on timeout."""
    check = matches if callable(matches) else (lambda t: matches in t.name)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        topics = await client.topics(chat_id)
        found = [t for t in topics if check(t)]
        if found:
            return found[-1]
        if loop.time() >= deadline:
            names = [(t.name, "closed" if t.closed else "open") for t in topics]
            raise AssertionError(f"waited {timeout}s for a topic in {chat_id}; topics: {names}")
        await asyncio.sleep(POLL_INTERVAL)


async def topic_messages(
    client: SandboxClient, chat_id: int, topic: int | None, *, bot_only: bool = False
) -> list[ChatMessage]:
    """The messages of `topic` (None: General), service messages included unless `bot_only`
    (then: only what the bot wrote, no service messages)."""
    messages = await client.topic_messages(chat_id, topic)
    if bot_only:
        messages = [m for m in messages if m.from_bot and m.service is None]
    return messages


async def topic_texts(client: SandboxClient, chat_id: int, topic: int | None) -> list[str]:
    """The texts (or captions) the bot wrote in `topic`, in order."""
    return [m.content for m in await topic_messages(client, chat_id, topic, bot_only=True)]


async def wait_in_topic(
    client: SandboxClient,
    chat_id: int,
    topic: int | None,
    predicate: Callable[[ChatMessage], bool] | None = None,
    count: int = 1,
    since: int | None = None,
    timeout: float = REPLY_TIMEOUT,  # noqa: ASYNC109 - a deadline for polling
) -> list[ChatMessage]:
    """Wait until `count` bot messages in `topic` (None: General) after message `since` match
    `predicate`; the first `count` of them. AssertionError listing the topic's bot messages
    on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        received = [
            m
            for m in await topic_messages(client, chat_id, topic, bot_only=True)
            if since is None or m.message_id > since
        ]
        matching = [m for m in received if predicate is None or predicate(m)]
        if len(matching) >= count:
            return matching[:count]
        if loop.time() >= deadline:
            shown = "\n".join(f"  #{m.message_id} {m.content[:200]!r}" for m in received)
            raise AssertionError(
                f"waited {timeout}s for {count} bot message(s) in topic {topic} of {chat_id}"
                f" after {since}; got {len(matching)} matching. Received:\n"
                + (shown or "  (nothing)")
            )
        await asyncio.sleep(POLL_INTERVAL)


async def last_message_id(client: SandboxClient, chat_id: int) -> int:
    """The id of the group's latest message (0 if none), for `since=`."""
    messages = await client.messages(chat_id)
    return messages[-1].message_id if messages else 0


async def ask_in_topic(
    client: SandboxClient,
    chat_id: int,
    user_id: int,
    text: str,
    topic: int | None,
    expect: int = 1,
) -> list[ChatMessage]:
    """`user_id` writes `text` in `topic` (None: General) and waits for `expect` new bot
    messages there (0: none awaited); returns them."""
    sent = await post(client, chat_id, user_id, text, topic=topic)
    if expect == 0:
        return []
    return await wait_in_topic(client, chat_id, topic, count=expect, since=sent.message_id)


async def pinned_texts(client: SandboxClient, chat_id: int) -> list[str]:
    """The texts (or captions) of the messages pinned in a chat (a private chat or a group)."""
    return [m.content for m in await client.pinned_messages(chat_id)]
