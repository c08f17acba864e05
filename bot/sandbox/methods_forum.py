"""Bot API methods for supergroups and forum topics: createForumTopic, editForumTopic,
closeForumTopic, reopenForumTopic, deleteForumTopic, getChatMember, getChatAdministrators,
getChatMemberCount, and pinning (pinChatMessage, unpinChatMessage, unpinAllChatMessages) in
groups and private chats."""

from __future__ import annotations

from typing import Any

from bot.sandbox import group_actions
from bot.sandbox.errors import bad_request
from bot.sandbox.groups import (
    MAX_TOPIC_NAME,
    NO_PIN_RIGHTS,
    NOT_A_FORUM,
    TOPIC_ICON_COLORS,
    TOPIC_NOT_MODIFIED,
    GroupChat,
    Topic,
)
from bot.sandbox.models import ChatLog, MessageLog, StoredMessage
from bot.sandbox.registry import BotCall, method

ADMIN_REQUIRED = "CHAT_ADMIN_REQUIRED"


def _count_group_message(call: BotCall, group: GroupChat) -> None:
    """Count a call that posts a service message in ``group`` (a pin, a topic created, edited,
    closed or reopened) against its flood limits. Telegram's Bot FAQ says a bot cannot send
    "more than 20 messages per minute to the same group" and does not document which calls
    count; each of these posts a message every member sees, so the sandbox counts them as
    sends (as sendMessage does), the conservative reading. Calls that post nothing
    (deleteForumTopic, unpinning) do not count."""
    call.sandbox.count_send(group)


def _group(call: BotCall) -> GroupChat:
    """The supergroup named by ``chat_id``, the bot being a member; a private chat answers
    ``the chat is not a forum`` as Telegram does for topic methods."""
    chat = call.sandbox.resolve_chat(call.params.chat_id())
    if not isinstance(chat, GroupChat):
        raise bad_request(NOT_A_FORUM)
    call.sandbox.ensure_not_blocked(chat)
    return chat


def _forum_topic(call: BotCall) -> tuple[GroupChat, Topic]:
    group = _group(call)
    group.require_forum()
    thread_id = call.params.required_int("message_thread_id", "message thread not found")
    return group, group.topic(thread_id)


def _topic_name(call: BotCall, *, required: bool) -> str | None:
    name = call.params.get_str("name")
    if name is None or not name.strip():
        if required:
            raise bad_request("TOPIC_TITLE_EMPTY")
        return None
    if len(name) > MAX_TOPIC_NAME:
        raise bad_request("TOPIC_TITLE_TOO_LONG")  # Telegram's limit: 128 characters
    return name


@method("createForumTopic")
async def create_forum_topic(call: BotCall) -> dict[str, Any]:
    group = _group(call)
    group.require_forum()
    group.require_topic_rights()
    name = _topic_name(call, required=True)
    assert name is not None
    color = call.params.get_int("icon_color")
    if color is not None and color not in TOPIC_ICON_COLORS:
        raise bad_request("TOPIC_ICON_COLOR_INVALID")
    _count_group_message(call, group)
    topic, message = group_actions.open_topic(
        call.sandbox, group, name, by_user_id=None, icon_color=color
    )
    topic.icon_custom_emoji_id = call.params.get_str("icon_custom_emoji_id") or None
    group_actions.deliver(call.sandbox, group, message)
    return topic.to_forum_topic()


@method("editForumTopic")
async def edit_forum_topic(call: BotCall) -> bool:
    group, topic = _forum_topic(call)
    group.require_topic_rights(topic)
    name = _topic_name(call, required=False)
    emoji = call.params.get_str("icon_custom_emoji_id")
    changed: dict[str, Any] = {}
    if name is not None and name != topic.name:
        changed["name"] = topic.name = name
    if emoji is not None and (emoji or None) != topic.icon_custom_emoji_id:
        topic.icon_custom_emoji_id = emoji or None
        changed["icon_custom_emoji_id"] = emoji
    if not changed:
        raise bad_request(TOPIC_NOT_MODIFIED)
    _count_group_message(call, group)
    group_actions.service_message(
        call.sandbox, group, topic.thread_id, {"forum_topic_edited": changed}, by_user_id=None
    )
    return True


async def _set_closed(call: BotCall, closed: bool) -> bool:
    group, topic = _forum_topic(call)
    group.require_topic_rights(topic)
    if topic.closed == closed:
        raise bad_request(TOPIC_NOT_MODIFIED)
    _count_group_message(call, group)
    topic.closed = closed
    field = "forum_topic_closed" if closed else "forum_topic_reopened"
    group_actions.service_message(
        call.sandbox, group, topic.thread_id, {field: {}}, by_user_id=None
    )
    return True


@method("closeForumTopic")
async def close_forum_topic(call: BotCall) -> bool:
    return await _set_closed(call, True)


@method("reopenForumTopic")
async def reopen_forum_topic(call: BotCall) -> bool:
    return await _set_closed(call, False)


@method("deleteForumTopic")
async def delete_forum_topic(call: BotCall) -> bool:
    group, topic = _forum_topic(call)
    if not group.bot_can("can_delete_messages"):
        raise bad_request(ADMIN_REQUIRED)
    del group.topics[topic.thread_id]
    for message in group.all():
        if message.thread_id == topic.thread_id:
            message.deleted = True
            call.sandbox.events.emit(group.id, "delete", message=message.to_control())
    return True


@method("getChatMember")
async def get_chat_member(call: BotCall) -> dict[str, Any]:
    sandbox = call.sandbox
    chat = sandbox.resolve_chat(call.params.chat_id())
    user_id = call.params.required_int("user_id", "user not found")
    bot = sandbox.bot_user()
    if isinstance(chat, GroupChat):
        sandbox.ensure_not_blocked(chat)
        if user_id == sandbox.bot_id:
            return chat.bot_member(bot)
        user = sandbox.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return chat.member(user)
    assert isinstance(chat, ChatLog)
    if user_id == sandbox.bot_id:
        return {"status": "member", "user": bot}
    if user_id != chat.user.id:
        raise bad_request("user not found")
    return {"status": "member", "user": chat.user.to_user()}


@method("getChatAdministrators")
async def get_chat_administrators(call: BotCall) -> list[dict[str, Any]]:
    sandbox = call.sandbox
    chat = sandbox.resolve_chat(call.params.chat_id())
    if not isinstance(chat, GroupChat):
        raise bad_request("there are no administrators in the private chat")
    sandbox.ensure_not_blocked(chat)
    admins = [
        chat.member(user)
        for user in chat.members.values()
        if chat.statuses.get(user.id) in ("creator", "administrator")
    ]
    if chat.bot_status == "administrator":
        admins.append(chat.bot_member(sandbox.bot_user()))
    return admins


@method("getChatMemberCount")
async def get_chat_member_count(call: BotCall) -> int:
    chat = call.sandbox.resolve_chat(call.params.chat_id())
    if isinstance(chat, GroupChat):
        call.sandbox.ensure_not_blocked(chat)
        return chat.member_count()
    return 2


def _pin_chat(call: BotCall) -> MessageLog:
    sandbox = call.sandbox
    chat = sandbox.resolve_chat(call.params.chat_id())
    sandbox.ensure_not_blocked(chat)
    if isinstance(chat, GroupChat) and not chat.bot_can("can_pin_messages"):
        raise bad_request(NO_PIN_RIGHTS)
    return chat


@method("pinChatMessage")
async def pin_chat_message(call: BotCall) -> bool:
    chat = _pin_chat(call)
    message_id = call.params.required_int("message_id", "message identifier is not specified")
    message = chat.get(message_id)
    if message is None:
        raise bad_request("message to pin not found")
    if isinstance(chat, GroupChat):
        _count_group_message(call, chat)
    message.pinned = True
    chat.pin_order = [i for i in chat.pin_order if i != message_id] + [message_id]
    _announce_pin(call, chat, message)
    return True


def _announce_pin(call: BotCall, chat: MessageLog, pinned: StoredMessage) -> None:
    """The ``pinned_message`` service message Telegram posts (even with disable_notification,
    which only silences it), in the pinned message's topic. In a group the bot receives it
    like its other service messages (``group_actions.deliver``); in a private chat it is the
    bot's own outgoing message, of which bots get no update."""
    sandbox = call.sandbox
    shown = sandbox.render(pinned, with_reply=False)
    notice = sandbox.new_message(
        chat,
        from_bot=True,
        kind="pinned_message",
        service={"pinned_message": shown},
        thread_id=pinned.thread_id,
    )
    if isinstance(chat, GroupChat):
        group_actions.deliver(sandbox, chat, notice)


@method("unpinChatMessage")
async def unpin_chat_message(call: BotCall) -> bool:
    chat = _pin_chat(call)
    message_id = call.params.get_int("message_id")
    pinned = [i for i in chat.pin_order if (m := chat.get(i)) is not None and m.pinned]
    if message_id is None:
        if not pinned:
            raise bad_request("message to unpin not found")
        message_id = pinned[-1]
    message = chat.get(message_id)
    if message is None:
        raise bad_request("message to unpin not found")
    message.pinned = False
    chat.pin_order = [i for i in chat.pin_order if i != message_id]
    return True


@method("unpinAllChatMessages")
async def unpin_all_chat_messages(call: BotCall) -> bool:
    chat = _pin_chat(call)
    for message_id in chat.pin_order:
        message = chat.get(message_id)
        if message is not None and message.pinned:
            message.pinned = False
    chat.pin_order = []
    return True
