"""The real frameworks in a forum supergroup, over HTTP against the sandbox: aiogram's and
python-telegram-bot's own Bot objects (no mentorbot core) create and manage a topic, send and
copy into it, pin, read the bot's rights, and parse the group updates members produce (the
`client` fixture fails the test on any Bot API spec violation)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiogram import Bot as AiogramBot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from telegram import Bot as PtbBot
from telegram import InlineKeyboardButton as PtbButton
from telegram import InlineKeyboardMarkup as PtbMarkup
from telegram.error import BadRequest

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.forum import (
    find_topic,
    pinned_texts,
    post,
    staff_group,
    topic_texts,
    wait_for_topic,
    wait_in_topic,
)
from tests.e2e.harness import TOKEN

BOT_ID = int(TOKEN.split(":")[0])


@dataclass(frozen=True)
class Seen:
    """What the framework parsed from the group's updates."""

    statuses: list[str]
    topic_texts: list[tuple[int | None, bool, str]]
    press: tuple[str, int, str | None]


async def _people(client: SandboxClient) -> tuple[int, int]:
    return (await client.create_user("Olga")).id, (await client.create_user("Marco")).id


async def _members_act(client: SandboxClient, chat_id: int, thread: int, card: int) -> None:
    """Marco writes in the topic, Olga replies to the card in it and writes in General, then
    presses the card's button."""
    olga, marco = sorted((await client.group(chat_id)).members)
    await post(client, chat_id, marco, "Taking this one", topic=thread)
    await post(client, chat_id, olga, "Thanks", reply_to=card)
    await post(client, chat_id, olga, "Morning all")
    await client.press_in_group(chat_id, olga, card, button_text="Claim")


async def _aiogram(running: RunningSandbox, client: SandboxClient, chat_id: int) -> Seen:
    bot = AiogramBot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(running.url)))
    try:
        chat = await bot.get_chat(chat_id)
        assert chat.type == "supergroup" and chat.is_forum is True
        me = await bot.get_chat_member(chat_id, bot.id)
        assert me.status == "administrator" and getattr(me, "can_manage_topics", None) is True
        topic = await bot.create_forum_topic(chat_id, "Case 1 · Ann")
        thread = topic.message_thread_id
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Claim", callback_data="claim:1")]]
        )
        card = await bot.send_message(
            chat_id, "Case card", message_thread_id=thread, reply_markup=markup
        )
        assert card.message_thread_id == thread and card.is_topic_message is True
        mentee = (await client.create_user("Ann")).id
        said = await client.send_text(mentee, "I need help")
        await bot.copy_message(chat_id, mentee, said.message_id, message_thread_id=thread)
        assert await bot.pin_chat_message(chat_id, card.message_id, disable_notification=True)
        assert await bot.edit_forum_topic(chat_id, thread, name="Case 1 · Ann (urgent)")
        assert await bot.close_forum_topic(chat_id, thread)
        with pytest.raises(TelegramBadRequest, match="TOPIC_CLOSED"):
            await bot.send_message(chat_id, "late", message_thread_id=thread)
        assert await bot.reopen_forum_topic(chat_id, thread)
        await _members_act(client, chat_id, thread, card.message_id)
        updates = await bot.get_updates(timeout=0)
        statuses = [
            str(u.my_chat_member.new_chat_member.status) for u in updates if u.my_chat_member
        ]
        texts = [
            (u.message.message_thread_id, bool(u.message.is_topic_message), u.message.text)
            for u in updates
            if u.message and u.message.text and u.message.chat.id == chat_id
        ]
        [query] = [u.callback_query for u in updates if u.callback_query]
        assert query.message is not None
        press = (query.message.chat.type, query.message.message_id, query.data)
        return Seen(statuses, texts, press)
    finally:
        await bot.session.close()


async def _ptb(running: RunningSandbox, client: SandboxClient, chat_id: int) -> Seen:
    bot = PtbBot(TOKEN, base_url=running.url + "/bot", base_file_url=running.url + "/file/bot")
    async with bot:
        chat = await bot.get_chat(chat_id)
        assert chat.type == "supergroup" and chat.is_forum is True
        me = await bot.get_chat_member(chat_id, BOT_ID)
        assert me.status == "administrator" and getattr(me, "can_manage_topics", None) is True
        topic = await bot.create_forum_topic(chat_id, "Case 1 · Ann")
        thread = topic.message_thread_id
        markup = PtbMarkup([[PtbButton("Claim", callback_data="claim:1")]])
        card = await bot.send_message(
            chat_id, "Case card", message_thread_id=thread, reply_markup=markup
        )
        assert card.message_thread_id == thread and card.is_topic_message is True
        mentee = (await client.create_user("Ann")).id
        said = await client.send_text(mentee, "I need help")
        await bot.copy_message(chat_id, mentee, said.message_id, message_thread_id=thread)
        assert await bot.pin_chat_message(chat_id, card.message_id, disable_notification=True)
        assert await bot.edit_forum_topic(chat_id, thread, name="Case 1 · Ann (urgent)")
        assert await bot.close_forum_topic(chat_id, thread)
        with pytest.raises(BadRequest, match="Topic_closed|TOPIC_CLOSED"):
            await bot.send_message(chat_id, "late", message_thread_id=thread)
        assert await bot.reopen_forum_topic(chat_id, thread)
        await _members_act(client, chat_id, thread, card.message_id)
        updates = await bot.get_updates(timeout=0)
        statuses = [
            str(u.my_chat_member.new_chat_member.status) for u in updates if u.my_chat_member
        ]
        texts = [
            (u.message.message_thread_id, bool(u.message.is_topic_message), u.message.text)
            for u in updates
            if u.message and u.message.text and u.message.chat.id == chat_id
        ]
        [query] = [u.callback_query for u in updates if u.callback_query]
        assert query.message is not None
        press = (query.message.chat.type, query.message.message_id, query.data)
        return Seen(statuses, texts, press)


async def test_frameworks_manage_a_forum_topic(
    transport: str, sandbox: RunningSandbox, client: SandboxClient
) -> None:
    olga, marco = await _people(client)
    group = await staff_group(client, [olga, marco])
    drive = _aiogram if transport == "aiogram" else _ptb
    seen = await drive(sandbox, client, group.id)
    topic = await wait_for_topic(client, group.id, "Case 1")
    assert (topic.name, topic.closed) == ("Case 1 · Ann (urgent)", False)
    assert seen.statuses == ["administrator"]
    assert seen.topic_texts == [
        (topic.thread_id, True, "Taking this one"),
        (topic.thread_id, True, "Thanks"),
        (None, False, "Morning all"),
    ]
    assert await pinned_texts(client, group.id) == ["Case card"]
    card = (await client.pinned_messages(group.id))[0]
    assert card.thread_id == topic.thread_id
    assert seen.press == ("supergroup", card.message_id, "claim:1")
    assert await topic_texts(client, group.id, topic.thread_id) == ["Case card", "I need help"]
    [copy] = await wait_in_topic(
        client, group.id, topic.thread_id, lambda m: m.copied, since=card.message_id
    )
    assert copy.text == "I need help"
    assert await find_topic(client, group.id, "Case 1 · Ann (urgent)") == topic
    assert await find_topic(client, group.id, "Case 2") is None
