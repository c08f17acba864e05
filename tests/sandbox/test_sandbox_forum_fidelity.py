"""Forum supergroups as Telegram runs them: a pin posts a `pinned_message` service message (the
bot receives it in a group), members' statuses (administrator, restricted) are whole
`ChatMember` objects both frameworks parse, service-posting calls count against the group's
per-minute window, and only those allowed may close or reopen a topic."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot as AiogramBot
from aiogram.types import Update as AiogramUpdate
from aiogram.types.chat_member_union import ChatMemberUnion
from pydantic import TypeAdapter
from telegram import Bot as PtbBot
from telegram import ChatMember as PtbChatMember
from telegram import Update as PtbUpdate

from bot.sandbox import SandboxClient
from bot.sandbox.client import SandboxClientError
from bot.sandbox.groups import RESTRICTED_PERMISSIONS
from tests.sandbox.sandbox_support import TOKEN, BotApi
from tests.sandbox.test_sandbox_forum import TOPIC_RIGHTS

pytestmark = pytest.mark.e2e


async def _forum(client: SandboxClient) -> tuple[int, int, int]:
    owner = (await client.create_user("Olga")).id
    member = (await client.create_user("Marco")).id
    chat_id = (await client.create_group("Staff", [owner, member])).id
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    return chat_id, owner, member


def _parse(updates: list[dict[str, Any]], members: list[dict[str, Any]]) -> None:
    """Every update and ChatMember parses in aiogram 3 and python-telegram-bot 22."""
    aiogram_bot = AiogramBot(TOKEN)
    adapter: TypeAdapter[Any] = TypeAdapter(ChatMemberUnion)
    ptb_bot = PtbBot(TOKEN)
    for update in updates:
        parsed = AiogramUpdate.model_validate(update, context={"bot": aiogram_bot})
        assert parsed.message is not None and parsed.message.pinned_message is not None
        ptb = PtbUpdate.de_json(update, ptb_bot)
        assert ptb is not None and ptb.message is not None
        assert ptb.message.pinned_message is not None
    for member in members:
        assert str(adapter.validate_python(member).status) == member["status"]
        assert PtbChatMember.de_json(member, ptb_bot).status == member["status"]


async def test_a_pin_posts_a_pinned_message_the_bot_receives_in_a_group(
    api: BotApi, client: SandboxClient
) -> None:
    chat_id, _, _ = await _forum(client)
    thread = (await api.ok("createForumTopic", chat_id=chat_id, name="Case"))["message_thread_id"]
    await api.ok("getUpdates")  # the my_chat_member and forum_topic_created updates
    card = await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="Card")
    assert await api.ok(
        "pinChatMessage", chat_id=chat_id, message_id=card["message_id"], disable_notification=True
    )
    [update] = await api.ok("getUpdates", offset=-1)
    notice = update["message"]
    assert notice["pinned_message"]["message_id"] == card["message_id"]
    assert notice["pinned_message"]["text"] == "Card"
    assert notice["message_thread_id"] == thread and notice["from"]["is_bot"] is True
    in_topic = await client.topic_messages(chat_id, thread)
    [shown] = [m for m in in_topic if m.service and "pinned_message" in m.service]
    assert shown.from_bot and shown.service == {"pinned_message": notice["pinned_message"]}
    assert [m.text for m in await client.pinned_messages(chat_id)] == ["Card"]
    _parse([update], [])


async def test_a_pin_in_a_private_chat_posts_the_notice_without_an_update(
    api: BotApi, client: SandboxClient
) -> None:
    user = (await client.create_user("Ann")).id
    await client.send_text(user, "hi")
    offset = (await api.ok("getUpdates"))[-1]["update_id"] + 1
    sent = await api.ok("sendMessage", chat_id=user, text="Your mentor Ben")
    assert await api.ok("pinChatMessage", chat_id=user, message_id=sent["message_id"])
    notice = (await client.messages(user))[-1]
    assert notice.from_bot and notice.service is not None
    assert notice.service["pinned_message"]["text"] == "Your mentor Ben"
    assert [m.text for m in await client.bot_messages(user)] == ["Your mentor Ben"]
    assert await api.ok("getUpdates", offset=offset) == [], "bots get no update of their own"


async def test_administrators_and_restricted_members_are_whole_chat_members(
    api: BotApi, client: SandboxClient
) -> None:
    chat_id, owner, member = await _forum(client)
    muted = (await client.create_user("Lea")).id
    group = await client.create_group("Staff 2", [owner, member, muted])
    await client.add_bot(group.id, rights=TOPIC_RIGHTS)
    admin = await client.set_member_status(
        group.id, member, "administrator", ["can_manage_topics"]
    )
    assert admin["can_manage_topics"] is True and admin["can_delete_messages"] is False
    restricted = await client.set_member_status(
        group.id, muted, "restricted", ["can_send_messages"]
    )
    assert restricted["is_member"] is True and restricted["until_date"] == 0
    assert all(isinstance(restricted[p], bool) for p in RESTRICTED_PERMISSIONS)
    assert restricted["can_send_messages"] is True and restricted["can_send_photos"] is False
    members = [
        await api.ok("getChatMember", chat_id=group.id, user_id=uid) for uid in (member, muted)
    ]
    assert members == [admin, restricted]
    admins = await api.ok("getChatAdministrators", chat_id=group.id)
    assert member in [a["user"]["id"] for a in admins]
    assert await api.ok("getChatMemberCount", chat_id=group.id) == 4
    _parse([], [*members, *admins])
    for bad in (
        (owner, "member", None),
        (member, "kicked", None),
        (member, "administrator", ["can_fly"]),
        (member, "restricted", ["can_manage_chat"]),
    ):
        with pytest.raises(SandboxClientError) as refused:
            await client.set_member_status(group.id, *bad)
        assert refused.value.status in (400, 409)
    assert await api.ok("getChatMember", chat_id=group.id, user_id=member) == admin, "unchanged"


async def test_pins_and_topic_changes_count_against_the_groups_minute(
    api: BotApi, client: SandboxClient
) -> None:
    chat_id, _, _ = await _forum(client)
    thread = (await api.ok("createForumTopic", chat_id=chat_id, name="Case"))["message_thread_id"]
    card = await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="Card")
    assert await api.ok("pinChatMessage", chat_id=chat_id, message_id=card["message_id"])
    assert await api.ok("editForumTopic", chat_id=chat_id, message_thread_id=thread, name="C 2")
    for n in range(16):  # 4 so far, 20 in all
        method = "closeForumTopic" if n % 2 == 0 else "reopenForumTopic"
        assert await api.ok(method, chat_id=chat_id, message_thread_id=thread)
    status, description = await api.error("sendMessage", chat_id=chat_id, text="one more")
    assert status == 429 and description.startswith("Too Many Requests: retry after")
    status, _ = await api.error("closeForumTopic", chat_id=chat_id, message_thread_id=thread)
    assert status == 429
    assert [t.closed for t in await client.topics(chat_id)] == [False], "refused: unchanged"
    assert await api.ok("deleteForumTopic", chat_id=chat_id, message_thread_id=thread)


async def test_only_topic_managers_close_or_reopen_a_topic(client: SandboxClient) -> None:
    owner = (await client.create_user("Olga")).id
    member = (await client.create_user("Marco")).id
    staff = (await client.create_user("Sam")).id
    chat_id = (await client.create_group("Staff", [owner, member, staff])).id
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    thread = (await client.create_topic(chat_id, owner, "Case")).message_id
    with pytest.raises(SandboxClientError) as refused:
        await client.close_topic(chat_id, member, thread)
    assert (refused.value.status, refused.value.message) == (
        403,
        "not enough rights to manage topics",
    )
    assert [t.closed for t in await client.topics(chat_id)] == [False]
    await client.set_member_status(chat_id, staff, "administrator", ["can_pin_messages"])
    with pytest.raises(SandboxClientError):
        await client.close_topic(chat_id, staff, thread)
    await client.set_member_status(chat_id, staff, "administrator", ["can_manage_topics"])
    await client.close_topic(chat_id, staff, thread)
    await client.reopen_topic(chat_id, owner, thread)  # the group's creator may
    own = (await client.create_topic(chat_id, member, "Chat")).message_id
    await client.close_topic(chat_id, member, own)  # so may the topic's creator
    assert [t.closed for t in await client.topics(chat_id)] == [False, True]
