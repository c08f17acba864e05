"""Forum supergroups: the bot's membership and rights, topics, sends into topics, and the updates
members' messages produce (every call, result and update checked against the Bot API spec by
the ``running`` fixture)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox import RunningSandbox, SandboxClient
from bot.sandbox.client import SandboxClientError
from bot.sandbox.state import NEWER_ADMIN_RIGHT
from tests.sandbox.sandbox_support import BOT_ID, BotApi

TOPIC_RIGHTS = ("can_manage_topics", "can_pin_messages", "can_delete_messages")


async def _group(client: SandboxClient, *, forum: bool = True) -> tuple[int, int, int]:
    """(group id, creator id, member id) of a fresh staff group without the bot."""
    owner = (await client.create_user("Olga")).id
    member = (await client.create_user("Marco")).id
    group = await client.create_group("Staff inbox", [owner, member], is_forum=forum)
    return group.id, owner, member


async def _updates(api: BotApi) -> list[dict[str, Any]]:
    updates: list[dict[str, Any]] = await api.ok("getUpdates")
    if updates:
        await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
    return updates


async def test_adding_the_bot_as_admin_is_a_my_chat_member_update(
    api: BotApi, client: SandboxClient, running: RunningSandbox
) -> None:
    chat_id, owner, _ = await _group(client)
    assert await api.description("getChat", chat_id=chat_id) == "Bad Request: chat not found"
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    [update] = await _updates(api)
    changed = update["my_chat_member"]
    assert changed["chat"] == {
        "id": chat_id,
        "type": "supergroup",
        "title": "Staff inbox",
        "is_forum": True,
    }
    assert changed["from"]["id"] == owner
    assert changed["old_chat_member"] == {
        "status": "left",
        "user": changed["new_chat_member"]["user"],
    }
    new = changed["new_chat_member"]
    assert new["status"] == "administrator" and new["user"]["id"] == BOT_ID
    assert new["can_manage_topics"] is True and new["can_manage_chat"] is True
    assert new["can_restrict_members"] is False and new["can_send_welcome_messages"] is False
    info = await api.ok("getChat", chat_id=chat_id)
    assert (info["type"], info["title"], info["is_forum"]) == ("supergroup", "Staff inbox", True)
    member = await api.ok("getChatMember", chat_id=chat_id, user_id=BOT_ID)
    assert member["status"] == "administrator" and member["can_pin_messages"] is True
    assert (await api.ok("getChatMember", chat_id=chat_id, user_id=owner))["status"] == "creator"
    admins = await api.ok("getChatAdministrators", chat_id=chat_id)
    assert [a["user"]["id"] for a in admins] == [owner, BOT_ID]
    assert await api.ok("getChatMemberCount", chat_id=chat_id) == 3
    # The one field newer than api.json is tolerated as a known deviation, nothing else.
    assert all(d.endswith(NEWER_ADMIN_RIGHT) for d in running.sandbox.known_deviations)


async def test_promote_demote_and_remove(api: BotApi, client: SandboxClient) -> None:
    chat_id, _, _ = await _group(client)
    await client.add_bot(chat_id, admin=False)
    await client.add_bot(chat_id, rights=["can_manage_topics"])
    await client.add_bot(chat_id, admin=False)
    await client.remove_bot(chat_id, kicked=True)
    statuses = [
        (
            u["my_chat_member"]["old_chat_member"]["status"],
            u["my_chat_member"]["new_chat_member"]["status"],
        )
        for u in await _updates(api)
    ]
    assert statuses == [
        ("left", "member"),
        ("member", "administrator"),
        ("administrator", "member"),
        ("member", "kicked"),
    ]
    assert await api.description("sendMessage", chat_id=chat_id, text="hi") == (
        "Forbidden: bot was kicked from the supergroup chat"
    )
    assert await api.description("getChat", chat_id=chat_id) == (
        "Forbidden: bot was kicked from the supergroup chat"
    )
    await client.add_bot(chat_id)
    await client.remove_bot(chat_id)
    assert await api.description("sendMessage", chat_id=chat_id, text="hi") == (
        "Forbidden: bot is not a member of the supergroup chat"
    )
    with pytest.raises(SandboxClientError) as refused:
        await client.set_bot_status(chat_id, "administrator", rights=["can_fly"])
    assert refused.value.status == 400 and "can_fly" in refused.value.message


async def test_create_forum_topic_needs_rights_and_a_forum(
    api: BotApi, client: SandboxClient
) -> None:
    chat_id, _, _ = await _group(client)
    await client.add_bot(chat_id, admin=False)
    assert await api.description("createForumTopic", chat_id=chat_id, name="Case 1") == (
        "Bad Request: not enough rights to manage topics"
    )
    await client.add_bot(chat_id, rights=["can_pin_messages"])
    assert await api.description("createForumTopic", chat_id=chat_id, name="Case 1") == (
        "Bad Request: not enough rights to manage topics"
    )
    plain, _, _ = await _group(client, forum=False)
    await client.add_bot(plain, rights=TOPIC_RIGHTS)
    assert await api.description("createForumTopic", chat_id=plain, name="Case 1") == (
        "Bad Request: the chat is not a forum"
    )
    user = (await client.create_user("Ann")).id
    assert await api.description("createForumTopic", chat_id=user, name="Case 1") == (
        "Bad Request: the chat is not a forum"
    )
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    assert await api.description("createForumTopic", chat_id=chat_id, name="") == (
        "Bad Request: TOPIC_TITLE_EMPTY"
    )


async def test_topics_threads_and_copies(api: BotApi, client: SandboxClient) -> None:
    chat_id, _, _ = await _group(client)
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    topic = await api.ok("createForumTopic", chat_id=chat_id, name="Case 7 · Ann")
    assert set(topic) == {"message_thread_id", "name", "icon_color"}
    thread = topic["message_thread_id"]
    sent = await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="Card")
    assert (sent["message_thread_id"], sent["is_topic_message"]) == (thread, True)
    assert sent["chat"]["type"] == "supergroup"
    # As Telegram does: a message in a topic answers the topic's creation.
    assert sent["reply_to_message"]["forum_topic_created"]["name"] == "Case 7 · Ann"
    general = await api.ok("sendMessage", chat_id=chat_id, text="Hello staff")
    assert "message_thread_id" not in general and "reply_to_message" not in general
    mentee = (await client.create_user("Ann")).id
    said = await client.send_text(mentee, "I need help")
    copied = await api.ok(
        "copyMessage",
        chat_id=chat_id,
        from_chat_id=mentee,
        message_id=said.message_id,
        message_thread_id=thread,
    )
    many = await api.ok(
        "copyMessages",
        chat_id=chat_id,
        from_chat_id=mentee,
        message_ids=[said.message_id],
        message_thread_id=thread,
    )
    in_topic = await client.topic_messages(chat_id, thread)
    assert [(m.kind, m.content) for m in in_topic] == [
        ("forum_topic_created", ""),
        ("text", "Card"),
        ("text", "I need help"),
        ("text", "I need help"),
    ]
    assert [m.message_id for m in in_topic[2:]] == [copied["message_id"], many[0]["message_id"]]
    assert all(m.thread_id == thread for m in in_topic)
    assert [m.content for m in await client.topic_messages(chat_id, None)] == ["Hello staff"]
    [listed] = await client.topics(chat_id)
    assert (listed.thread_id, listed.name, listed.closed) == (thread, "Case 7 · Ann", False)
    # A reply without a thread id goes into the replied message's topic.
    reply = await api.ok(
        "sendMessage",
        chat_id=chat_id,
        text="Noted",
        reply_parameters={"message_id": sent["message_id"]},
    )
    assert reply["message_thread_id"] == thread
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]


async def test_thread_errors(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, _ = await _group(client)
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    assert await api.description(
        "sendMessage", chat_id=chat_id, message_thread_id=999, text="x"
    ) == ("Bad Request: message thread not found")
    thread = (await api.ok("createForumTopic", chat_id=chat_id, name="Case"))["message_thread_id"]
    await client.close_topic(chat_id, owner, thread)
    assert await api.description(
        "sendMessage", chat_id=chat_id, message_thread_id=thread, text="x"
    ) == ("Bad Request: TOPIC_CLOSED")
    plain, _, _ = await _group(client, forum=False)
    await client.add_bot(plain, rights=TOPIC_RIGHTS)
    assert await api.description(
        "sendMessage", chat_id=plain, message_thread_id=thread, text="x"
    ) == ("Bad Request: message thread not found")


async def test_member_messages_are_updates(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, member = await _group(client)
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    thread = (await api.ok("createForumTopic", chat_id=chat_id, name="Case"))["message_thread_id"]
    card = await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="Card")
    await _updates(api)
    in_topic = await client.post_in_group(chat_id, member, "/close", thread_id=thread)
    in_general = await client.post_in_group(chat_id, owner, "Morning")
    reply = await client.post_in_group(
        chat_id, owner, "On it", reply_to_message_id=card["message_id"]
    )
    photo = await client.post_media_in_group(
        chat_id, member, "photo", caption="scan", thread_id=thread
    )
    updates = await _updates(api)
    assert [u["update_id"] for u in updates] == [
        in_topic.update_id,
        in_general.update_id,
        reply.update_id,
        photo.update_id,
    ]
    first, second, third, fourth = (u["message"] for u in updates)
    assert first["from"]["id"] == member and first["chat"]["id"] == chat_id
    assert (first["message_thread_id"], first["is_topic_message"]) == (thread, True)
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert first["reply_to_message"]["message_id"] == thread
    assert "message_thread_id" not in second and "reply_to_message" not in second
    assert third["message_thread_id"] == thread
    assert third["reply_to_message"]["message_id"] == card["message_id"]
    assert third["reply_to_message"]["from"]["id"] == BOT_ID
    assert fourth["caption"] == "scan" and fourth["photo"]


async def test_privacy_mode_for_a_plain_member(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, _ = await _group(client, forum=False)
    await client.add_bot(chat_id, admin=False)
    await _updates(api)
    chatter = await client.post_in_group(chat_id, owner, "just chatting")
    command = await client.post_in_group(chat_id, owner, "/help")
    assert chatter.update_id is None and command.update_id is not None
    assert [u["update_id"] for u in await _updates(api)] == [command.update_id]


async def test_topic_service_messages(api: BotApi, client: SandboxClient) -> None:
    chat_id, owner, member = await _group(client)
    await client.add_bot(chat_id, rights=TOPIC_RIGHTS)
    await _updates(api)
    created = await client.create_topic(chat_id, member, "Questions")
    closed = await client.close_topic(chat_id, owner, created.message_id)
    reopened = await client.reopen_topic(chat_id, owner, created.message_id)
    messages = [u["message"] for u in await _updates(api)]
    assert messages[0]["forum_topic_created"]["name"] == "Questions"
    assert messages[0]["from"]["id"] == member
    assert messages[1]["forum_topic_closed"] == {} and messages[1]["from"]["id"] == owner
    assert messages[2]["forum_topic_reopened"] == {}
    assert [m["message_id"] for m in messages] == [
        created.message_id,
        closed.message_id,
        reopened.message_id,
    ]
    assert all(m["message_thread_id"] == created.message_id for m in messages)
    with pytest.raises(SandboxClientError) as again:
        await client.reopen_topic(chat_id, owner, created.message_id)
    assert again.value.status == 409
    # The bot's own topic: its creation reaches the bot too.
    topic = await api.ok("createForumTopic", chat_id=chat_id, name="Case 2")
    [update] = await _updates(api)
    assert update["message"]["forum_topic_created"]["name"] == "Case 2"
    assert update["message"]["message_id"] == topic["message_thread_id"]
