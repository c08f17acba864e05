"""Forum supergroups, continued: managing topics with and without rights, pins (groups and
private chats), media and albums in topics, deletions, button presses in a group, and the
control API's refusals."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox import SandboxClient
from bot.sandbox.client import SandboxClientError
from tests.sandbox.sandbox_support import BOT_ID, BotApi
from tests.sandbox.test_sandbox_forum import TOPIC_RIGHTS

PNG_NAME = ("scan.png", b"\x89PNG\r\n\x1a\nrest")


async def _forum(
    client: SandboxClient, rights: tuple[str, ...] = TOPIC_RIGHTS
) -> tuple[int, int, int]:
    owner = (await client.create_user("Olga")).id
    member = (await client.create_user("Marco")).id
    chat_id = (await client.create_group("Staff", [owner, member])).id
    await client.add_bot(chat_id, rights=rights)
    return chat_id, owner, member


async def _topic(api: BotApi, chat_id: int, name: str = "Case") -> int:
    thread: int = (await api.ok("createForumTopic", chat_id=chat_id, name=name))[
        "message_thread_id"
    ]
    return thread


async def test_editing_closing_and_reopening_topics(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, member = await _forum(client)
    thread = await _topic(api, chat_id)
    assert await api.ok("editForumTopic", chat_id=chat_id, message_thread_id=thread, name="Case 9")
    assert await api.description(
        "editForumTopic", chat_id=chat_id, message_thread_id=thread, name="Case 9"
    ) == ("Bad Request: TOPIC_NOT_MODIFIED")
    assert await api.ok("closeForumTopic", chat_id=chat_id, message_thread_id=thread)
    assert await api.description("closeForumTopic", chat_id=chat_id, message_thread_id=thread) == (
        "Bad Request: TOPIC_NOT_MODIFIED"
    )
    [topic] = await client.topics(chat_id)
    assert (topic.name, topic.closed) == ("Case 9", True)
    assert await api.ok("reopenForumTopic", chat_id=chat_id, message_thread_id=thread)
    assert not (await client.topics(chat_id))[0].closed
    kinds = [m.kind for m in await client.topic_messages(chat_id, thread)]
    assert kinds == [
        "forum_topic_created",
        "forum_topic_edited",
        "forum_topic_closed",
        "forum_topic_reopened",
    ]
    assert await api.description("closeForumTopic", chat_id=chat_id, message_thread_id=4242) == (
        "Bad Request: message thread not found"
    )
    # Without can_manage_topics the bot still manages the topics it created, not others'.
    theirs = (await client.create_topic(chat_id, member, "Chat")).message_id
    await client.set_bot_status(chat_id, "administrator", rights=["can_pin_messages"])
    assert await api.ok("closeForumTopic", chat_id=chat_id, message_thread_id=thread)
    assert await api.description("closeForumTopic", chat_id=chat_id, message_thread_id=theirs) == (
        "Bad Request: not enough rights to manage topics"
    )


async def test_deleting_a_topic(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, _ = await _forum(client, rights=("can_manage_topics",))
    thread = await _topic(api, chat_id)
    await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="Card")
    assert await api.description(
        "deleteForumTopic", chat_id=chat_id, message_thread_id=thread
    ) == ("Bad Request: CHAT_ADMIN_REQUIRED")
    await client.set_bot_status(chat_id, "administrator", rights=TOPIC_RIGHTS)
    assert await api.ok("deleteForumTopic", chat_id=chat_id, message_thread_id=thread)
    assert await client.topics(chat_id) == []
    assert await client.topic_messages(chat_id, thread) == []
    assert await api.description(
        "sendMessage", chat_id=chat_id, message_thread_id=thread, text="x"
    ) == ("Bad Request: message thread not found")


async def test_pins_in_a_private_chat_and_a_group(api: BotApi, client: SandboxClient) -> None:
    user = (await client.create_user("Ann")).id
    first = await api.ok("sendMessage", chat_id=user, text="Your case is open")
    second = await api.ok("sendMessage", chat_id=user, text="Later")
    for sent in (first, second):
        assert await api.ok(
            "pinChatMessage",
            chat_id=user,
            message_id=sent["message_id"],
            disable_notification=True,
        )
    assert [m.text for m in await client.pinned_messages(user)] == ["Your case is open", "Later"]
    assert await api.ok("unpinChatMessage", chat_id=user)  # the latest pin
    assert [m.message_id for m in await client.pinned_messages(user)] == [first["message_id"]]
    assert (await client.messages(user))[0].pinned is True
    assert await api.ok("unpinAllChatMessages", chat_id=user)
    assert await client.pinned_messages(user) == []
    assert await api.description("pinChatMessage", chat_id=user, message_id=99) == (
        "Bad Request: message to pin not found"
    )
    chat_id, _, _ = await _forum(client, rights=("can_manage_topics",))
    card = await api.ok("sendMessage", chat_id=chat_id, text="Card")
    assert await api.description(
        "pinChatMessage", chat_id=chat_id, message_id=card["message_id"]
    ) == ("Bad Request: not enough rights to manage pinned messages in the chat")
    await client.set_bot_status(chat_id, "administrator", rights=TOPIC_RIGHTS)
    assert await api.ok("pinChatMessage", chat_id=chat_id, message_id=card["message_id"])
    assert [m.text for m in await client.pinned_messages(chat_id)] == ["Card"]


async def test_media_albums_and_forwards_in_a_topic(api: BotApi, client: SandboxClient) -> None:
    chat_id, _, _ = await _forum(client)
    thread = await _topic(api, chat_id)
    status, body = await api.call(
        "sendDocument",
        {"chat_id": chat_id, "message_thread_id": thread, "caption": "notes"},
        encoding="multipart",
        files={"document": ("notes.txt", b"case notes")},
    )
    assert status == 200 and body["result"]["message_thread_id"] == thread
    status, body = await api.call(
        "sendPhoto",
        {"chat_id": chat_id, "message_thread_id": thread},
        encoding="multipart",
        files={"photo": PNG_NAME},
    )
    assert status == 200 and body["result"]["is_topic_message"] is True
    photo_id = body["result"]["photo"][-1]["file_id"]
    album = await api.ok(
        "sendMediaGroup",
        chat_id=chat_id,
        message_thread_id=thread,
        media=[{"type": "photo", "media": photo_id}, {"type": "photo", "media": photo_id}],
    )
    assert {m["message_thread_id"] for m in album} == {thread}
    user = (await client.create_user("Ann")).id
    said = await client.send_text(user, "hello")
    forwarded = await api.ok(
        "forwardMessage",
        chat_id=chat_id,
        from_chat_id=user,
        message_id=said.message_id,
        message_thread_id=thread,
    )
    assert forwarded["message_thread_id"] == thread
    assert forwarded["forward_origin"]["sender_user"]["id"] == user
    kinds = [m.kind for m in await client.topic_messages(chat_id, thread)]
    assert kinds == ["forum_topic_created", "document", "photo", "photo", "photo", "text"]
    # message_thread_id means nothing in a private chat.
    sent = await api.ok("sendMessage", chat_id=user, message_thread_id=thread, text="hi")
    assert "message_thread_id" not in sent


async def test_deleting_group_messages(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, _ = await _forum(client, rights=("can_manage_topics",))
    thread = await _topic(api, chat_id)
    theirs = await client.post_in_group(chat_id, owner, "oops", thread_id=thread)
    ours = await api.ok("sendMessage", chat_id=chat_id, text="mine")
    assert await api.ok("deleteMessage", chat_id=chat_id, message_id=ours["message_id"])
    for message_id in (theirs.message_id, thread):
        assert await api.description("deleteMessage", chat_id=chat_id, message_id=message_id) == (
            "Bad Request: message can't be deleted"
        )
    await client.set_bot_status(chat_id, "administrator", rights=TOPIC_RIGHTS)
    assert await api.ok("deleteMessage", chat_id=chat_id, message_id=theirs.message_id)


async def test_pressing_a_button_in_a_group(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, _ = await _forum(client)
    thread = await _topic(api, chat_id)
    markup = {"inline_keyboard": [[{"text": "Claim", "callback_data": "claim:7"}]]}
    card = await api.ok(
        "sendMessage", chat_id=chat_id, message_thread_id=thread, text="Card", reply_markup=markup
    )
    await api.ok("getUpdates", offset=-1)
    pressed = await client.press_in_group(chat_id, owner, card["message_id"], button_text="Claim")
    updates: list[dict[str, Any]] = await api.ok("getUpdates", offset=pressed.update_id)
    query = updates[-1]["callback_query"]
    assert query["from"]["id"] == owner and query["data"] == "claim:7"
    assert query["message"]["chat"]["type"] == "supergroup"
    assert query["message"]["message_thread_id"] == thread
    assert await api.ok("answerCallbackQuery", callback_query_id=query["id"], text="Claimed")
    [answer] = await client.callback_answers(chat_id)
    assert (answer.text, answer.message_id) == ("Claimed", card["message_id"])
    with pytest.raises(SandboxClientError) as no_button:
        await client.press_in_group(chat_id, owner, card["message_id"], button_text="Nope")
    assert no_button.value.status == 400
    await client.remove_bot(chat_id)
    with pytest.raises(SandboxClientError) as gone:
        await client.press_in_group(chat_id, owner, card["message_id"], button_text="Claim")
    assert gone.value.status == 409


async def test_private_chat_members_and_admins(api: BotApi, client: SandboxClient) -> None:
    user = (await client.create_user("Ann")).id
    assert (await api.ok("getChatMember", chat_id=user, user_id=user))["status"] == "member"
    assert (await api.ok("getChatMember", chat_id=user, user_id=BOT_ID))["user"]["is_bot"]
    assert await api.ok("getChatMemberCount", chat_id=user) == 2
    assert await api.description("getChatAdministrators", chat_id=user) == (
        "Bad Request: there are no administrators in the private chat"
    )


async def test_control_refusals(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, member = await _forum(client)
    outsider = (await client.create_user("Eve")).id
    thread = await _topic(api, chat_id)
    refusals = [
        (client.post_in_group(chat_id, outsider, "hi"), 403),
        (client.post_in_group(chat_id, owner, "hi", thread_id=999), 404),
        (client.post_in_group(-1, owner, "hi"), 404),
        (client.create_group("Nobody", [999_999]), 404),
        (client.create_topic(chat_id, member, ""), 400),
        (client.post_in_group(chat_id, owner, "hi", reply_to_message_id=999), 400),
    ]
    for call, status in refusals:
        with pytest.raises(SandboxClientError) as refused:
            await call
        assert refused.value.status == status
    await client.close_topic(chat_id, owner, thread)
    with pytest.raises(SandboxClientError) as closed:
        await client.post_in_group(chat_id, member, "hi", thread_id=thread)
    assert closed.value.status == 409
    # The group's creator may still write in a closed topic.
    assert (await client.post_in_group(chat_id, owner, "wrap-up", thread_id=thread)).update_id
