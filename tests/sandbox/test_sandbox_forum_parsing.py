"""Every group object the sandbox emits parses in aiogram 3 and python-telegram-bot 22 (their
required fields can differ from api.json's: aiogram 3.31 requires can_send_welcome_messages)."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot as AiogramBot
from aiogram.types import ChatFullInfo as AiogramChatFullInfo
from aiogram.types import ForumTopic as AiogramForumTopic
from aiogram.types import Update as AiogramUpdate
from aiogram.types.chat_member_union import ChatMemberUnion
from pydantic import TypeAdapter
from telegram import Bot as PtbBot
from telegram import ChatFullInfo as PtbChatFullInfo
from telegram import ChatMember as PtbChatMember
from telegram import ForumTopic as PtbForumTopic
from telegram import Update as PtbUpdate

from bot.sandbox import SandboxClient
from tests.sandbox.sandbox_support import BOT_ID, TOKEN, BotApi
from tests.sandbox.test_sandbox_forum import TOPIC_RIGHTS

pytestmark = pytest.mark.e2e


async def _scenario(api: BotApi, client: SandboxClient) -> dict[str, Any]:
    """A group's whole life: the bot joins, is promoted, manages a topic, members act, the bot
    is demoted and removed. Returns the raw updates and method results."""
    owner = (await client.create_user("Olga")).id
    member = (await client.create_user("Marco", last_name="Rossi", username="marco")).id
    left = (await client.create_user("Lea")).id
    chat_id = (await client.create_group("Staff", [owner, member])).id
    await client.add_bot(chat_id, admin=False)
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    topic = await api.ok("createForumTopic", chat_id=chat_id, name="Case")
    thread = topic["message_thread_id"]
    markup = {"inline_keyboard": [[{"text": "Claim", "callback_data": "c"}]]}
    card = await api.ok(
        "sendMessage", chat_id=chat_id, message_thread_id=thread, text="Card", reply_markup=markup
    )
    await client.post_in_group(chat_id, member, "hi", thread_id=thread)
    await client.post_media_in_group(chat_id, member, "document", b"x", thread_id=thread)
    await client.close_topic(chat_id, owner, thread)
    await client.reopen_topic(chat_id, owner, thread)
    await client.create_topic(chat_id, member, "Chat")
    await client.press_in_group(chat_id, owner, card["message_id"], button_text="Claim")
    results = {
        "chat": await api.ok("getChat", chat_id=chat_id),
        "topic": topic,
        "members": [
            await api.ok("getChatMember", chat_id=chat_id, user_id=uid)
            for uid in (owner, member, left, BOT_ID)
        ],
        "admins": await api.ok("getChatAdministrators", chat_id=chat_id),
    }
    await client.add_bot(chat_id, admin=False)
    await client.remove_bot(chat_id, kicked=True)
    results["updates"] = await api.ok("getUpdates")
    return results


async def test_aiogram_and_ptb_parse_every_group_object(
    api: BotApi, client: SandboxClient
) -> None:
    seen = await _scenario(api, client)
    updates = seen["updates"]
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds.count("my_chat_member") == 4 and "callback_query" in kinds
    members = seen["members"] + seen["admins"]
    aiogram_bot = AiogramBot(TOKEN)
    try:
        for update in updates:
            AiogramUpdate.model_validate(update, context={"bot": aiogram_bot})
        AiogramChatFullInfo.model_validate(seen["chat"])
        AiogramForumTopic.model_validate(seen["topic"])
        adapter: TypeAdapter[Any] = TypeAdapter(ChatMemberUnion)
        statuses = [str(adapter.validate_python(m).status) for m in members]
        assert statuses == [
            "creator",
            "member",
            "left",
            "administrator",
            "creator",
            "administrator",
        ]
    finally:
        await aiogram_bot.session.close()
    ptb_bot = PtbBot(TOKEN)
    for update in updates:
        assert PtbUpdate.de_json(update, ptb_bot) is not None
    assert PtbChatFullInfo.de_json(seen["chat"], ptb_bot).is_forum is True
    assert PtbForumTopic.de_json(seen["topic"], ptb_bot).name == "Case"
    parsed = [PtbChatMember.de_json(m, ptb_bot) for m in members]
    assert [type(m).__name__ for m in parsed] == [
        "ChatMemberOwner",
        "ChatMemberMember",
        "ChatMemberLeft",
        "ChatMemberAdministrator",
        "ChatMemberOwner",
        "ChatMemberAdministrator",
    ]
