"""What happens in supergroups outside the bot's calls: a group is created with its members, the
bot is added, promoted, demoted or removed (``my_chat_member``), members write (in a topic or in
General, optionally as a reply), create, close and reopen topics, and press buttons.

Each action stores the group's side and queues the update the bot would receive: every message
when the bot is an administrator, and in privacy mode (a plain member) only commands, replies to
the bot's messages and service messages. The control API calls these."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import ControlError
from bot.sandbox.groups import (
    BOT_STATUSES,
    FIRST_GROUP_ID,
    MAX_TOPIC_NAME,
    NO_TOPIC_RIGHTS,
    PRESENT_STATUSES,
    RESTRICTED_PERMISSIONS,
    TOPIC_ICON_COLORS,
    GroupChat,
    Topic,
    bot_member_object,
    parse_rights,
)
from bot.sandbox.models import StoredMessage, command_entities
from bot.sandbox.state import PendingCallback

if TYPE_CHECKING:
    from bot.sandbox.state import Sandbox


def create_group(
    sandbox: Sandbox, title: str, member_ids: list[int], *, is_forum: bool = True
) -> GroupChat:
    """A supergroup (a forum unless ``is_forum`` is False) whose first member is its creator;
    the bot is not a member yet (see :func:`set_bot`)."""
    if not isinstance(title, str) or not title.strip():
        raise ControlError(400, "title is required")
    if not isinstance(member_ids, list) or not member_ids:
        raise ControlError(400, "member_ids must list at least one user (the creator)")
    members = {}
    for user_id in member_ids:
        user = sandbox.users.get(user_id) if isinstance(user_id, int) else None
        if user is None:
            raise ControlError(404, f"no user {user_id}; create it with POST /sandbox/users")
        members[user.id] = user
    chat_id = FIRST_GROUP_ID - len(sandbox.groups)
    group = GroupChat(chat_id, title.strip(), is_forum=bool(is_forum), members=members)
    for index, user_id in enumerate(members):
        group.statuses[user_id] = "creator" if index == 0 else "member"
    sandbox.groups[chat_id] = group
    return group


def get_group(sandbox: Sandbox, chat_id: int) -> GroupChat:
    group = sandbox.groups.get(chat_id)
    if group is None:
        raise ControlError(404, f"no group {chat_id}; create it with POST /sandbox/groups")
    return group


def creator_id(group: GroupChat) -> int:
    return next(uid for uid, status in group.statuses.items() if status == "creator")


def _member(sandbox: Sandbox, group: GroupChat, user_id: int) -> int:
    if group.statuses.get(user_id) not in ("creator", "administrator", "member"):
        raise ControlError(403, f"user {user_id} is not a member of group {group.id}")
    return user_id


def set_bot(
    sandbox: Sandbox,
    chat_id: int,
    status: str,
    rights: dict[str, Any] | None = None,
    by_user_id: int | None = None,
) -> dict[str, Any]:
    """A member (the creator by default) adds the bot, promotes it with ``rights``, demotes it
    to a plain member, or removes it (``left``/``kicked``): a ``my_chat_member`` update."""
    group = get_group(sandbox, chat_id)
    if status not in BOT_STATUSES:
        raise ControlError(400, f"status must be one of {list(BOT_STATUSES)}")
    try:
        new_rights = parse_rights(rights) if status == "administrator" else {}
    except ValueError as exc:
        raise ControlError(400, str(exc)) from exc
    actor = _member(sandbox, group, creator_id(group) if by_user_id is None else by_user_id)
    bot = sandbox.bot_user()
    old = bot_member_object(bot, group.bot_status, group.bot_rights)
    if group.bot_status == status and group.bot_rights == new_rights:
        raise ControlError(409, f"the bot is already {status} with these rights")
    group.bot_status, group.bot_rights = status, new_rights
    group.known_to_bot = True
    payload = {
        "chat": group.to_chat(),
        "from": sandbox.users[actor].to_user(),
        "date": sandbox.clock.timestamp(),
        "old_chat_member": old,
        "new_chat_member": bot_member_object(bot, status, new_rights),
    }
    update = sandbox.push_update("my_chat_member", payload)
    return {"update_id": update["update_id"], "status": status}


def bot_receives(group: GroupChat, message: StoredMessage) -> bool:
    """Whether Telegram delivers ``message`` to the bot (membership and privacy mode)."""
    if group.bot_status not in ("administrator", "member"):
        return False
    if group.bot_status == "administrator" or message.service is not None:
        return True
    if message.text is not None and message.text.startswith("/"):
        return True
    target = group.get(message.reply_to_message_id or 0)
    return target is not None and target.from_bot


def deliver(sandbox: Sandbox, group: GroupChat, message: StoredMessage) -> int | None:
    """Queue the ``message`` update when the bot receives it; its update id, or None."""
    if message.from_bot and message.service is None:
        return None
    if not bot_receives(group, message):
        return None
    return int(sandbox.push_update("message", sandbox.render(message))["update_id"])


def service_message(
    sandbox: Sandbox,
    group: GroupChat,
    thread_id: int | None,
    service: dict[str, Any],
    *,
    by_user_id: int | None,
) -> StoredMessage:
    """Store a service message (``by_user_id`` None: the bot did it)."""
    kind = next(iter(service))
    return sandbox.new_message(
        group,
        from_bot=by_user_id is None,
        sender_id=by_user_id,
        kind=kind,
        service=service,
        thread_id=thread_id,
    )


def open_topic(
    sandbox: Sandbox,
    group: GroupChat,
    name: str,
    *,
    by_user_id: int | None,
    icon_color: int | None = None,
) -> tuple[Topic, StoredMessage]:
    """A new topic with its ``forum_topic_created`` message (whose id is the thread id)."""
    color = icon_color if icon_color is not None else TOPIC_ICON_COLORS[len(group.topics) % 6]
    topic = Topic(group.peek_id(), name, color, created_by=by_user_id)
    created = {"forum_topic_created": {"name": name, "icon_color": color}}
    message = service_message(sandbox, group, topic.thread_id, created, by_user_id=by_user_id)
    group.topics[topic.thread_id] = topic
    return topic, message


def user_creates_topic(sandbox: Sandbox, chat_id: int, user_id: int, name: str) -> dict[str, Any]:
    group = get_group(sandbox, chat_id)
    _member(sandbox, group, user_id)
    if not group.is_forum:
        raise ControlError(409, f"group {chat_id} is not a forum")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TOPIC_NAME:
        raise ControlError(400, f"name must be 1-{MAX_TOPIC_NAME} characters")
    topic, message = open_topic(sandbox, group, name.strip(), by_user_id=user_id)
    update_id = deliver(sandbox, group, message)
    return {"message_id": message.message_id, "thread_id": topic.thread_id, "update_id": update_id}


def user_sets_topic_closed(
    sandbox: Sandbox, chat_id: int, user_id: int, thread_id: int, closed: bool
) -> dict[str, Any]:
    """A member closes (or reopens) a topic: ``forum_topic_closed`` / ``forum_topic_reopened``."""
    group = get_group(sandbox, chat_id)
    _member(sandbox, group, user_id)
    topic = group.topics.get(thread_id)
    if topic is None:
        raise ControlError(404, f"no topic {thread_id} in group {chat_id}")
    if not group.user_manages_topic(user_id, topic):
        raise ControlError(403, NO_TOPIC_RIGHTS)
    if topic.closed == closed:
        raise ControlError(409, f"topic {thread_id} is already {'closed' if closed else 'open'}")
    topic.closed = closed
    field = "forum_topic_closed" if closed else "forum_topic_reopened"
    message = service_message(sandbox, group, thread_id, {field: {}}, by_user_id=user_id)
    return {"message_id": message.message_id, "update_id": deliver(sandbox, group, message)}


def set_member(
    sandbox: Sandbox, chat_id: int, user_id: int, status: str, rights: Any = None
) -> dict[str, Any]:
    """The creator promotes a member to administrator with ``rights`` (administrator right
    names), restricts them (``rights``: what they may still do, of RESTRICTED_PERMISSIONS) or
    makes them a plain member again; their ``ChatMember`` object. (No ``chat_member`` update:
    the bot would receive it only by asking for it in ``allowed_updates``.)"""
    group = get_group(sandbox, chat_id)
    if group.statuses.get(user_id) not in PRESENT_STATUSES:
        raise ControlError(403, f"user {user_id} is not a member of group {chat_id}")
    if group.statuses[user_id] == "creator":
        raise ControlError(409, "the group's creator keeps every right")
    if status not in ("administrator", "member", "restricted"):
        raise ControlError(400, "status must be one of ['administrator', 'member', 'restricted']")
    if rights is not None and not isinstance(rights, dict):
        raise ControlError(400, "rights must be an object of right names to booleans")
    if status == "administrator":
        try:
            granted = parse_rights(rights)
        except ValueError as exc:
            raise ControlError(400, str(exc)) from exc
    else:
        unknown = sorted(set(rights or {}) - set(RESTRICTED_PERMISSIONS))
        if status == "member" and rights:
            raise ControlError(400, "a plain member has no rights to set")
        if unknown:
            raise ControlError(400, f"unknown permissions {unknown}")
        granted = {p: bool((rights or {}).get(p, False)) for p in RESTRICTED_PERMISSIONS}
    group.statuses[user_id] = status
    group.member_rights[user_id] = granted if status != "member" else {}
    return group.member(sandbox.users[user_id])


def user_posts(
    sandbox: Sandbox,
    chat_id: int,
    user_id: int,
    *,
    thread_id: int | None = None,
    reply_to_message_id: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A member writes in the group (in topic ``thread_id``, or General; a reply goes to the
    replied message's topic). ``fields``: ``text=…`` or the media fields of
    ``user_actions.media_fields``. ``update_id`` is None when the bot does not receive it."""
    group = get_group(sandbox, chat_id)
    _member(sandbox, group, user_id)
    target = None
    if reply_to_message_id is not None:
        target = group.get(reply_to_message_id)
        if target is None:
            raise ControlError(400, f"no message {reply_to_message_id} in group {chat_id}")
        if thread_id is None:
            thread_id = target.thread_id
    if thread_id is not None:
        topic = group.topics.get(thread_id)
        if topic is None:
            raise ControlError(404, f"no topic {thread_id} in group {chat_id}")
        if topic.closed and group.statuses.get(user_id) == "member":
            raise ControlError(409, f"topic {thread_id} is closed")
    text = fields.get("text")
    if text is not None:
        if not isinstance(text, str) or not text.strip():
            raise ControlError(400, "text is required")
        fields["entities"] = command_entities(text) or None
    message = sandbox.new_message(
        group,
        from_bot=False,
        sender_id=user_id,
        thread_id=thread_id,
        reply_to_message_id=reply_to_message_id,
        **fields,
    )
    return {"message_id": message.message_id, "update_id": deliver(sandbox, group, message)}


def user_presses(
    sandbox: Sandbox,
    chat_id: int,
    user_id: int,
    message_id: int,
    *,
    callback_data: str | None = None,
    button_text: str | None = None,
) -> dict[str, Any]:
    """A member presses an inline button of a bot message in the group: a ``callback_query``."""
    from bot.sandbox.keyboards import find_button

    group = get_group(sandbox, chat_id)
    _member(sandbox, group, user_id)
    if group.bot_status not in ("administrator", "member"):
        raise ControlError(409, f"the bot is not a member of group {chat_id}")
    message = group.get(message_id)
    if message is None or not message.from_bot:
        raise ControlError(404, f"no bot message {message_id} in group {chat_id}")
    if callback_data is None and button_text is None:
        raise ControlError(400, "pass callback_data or button_text")
    button = find_button(message.reply_markup, data=callback_data, text=button_text)
    if button is None or "callback_data" not in button:
        shown = message.to_control()["buttons"]
        raise ControlError(400, f"message {message_id} has no such callback button: {shown}")
    query_id = str(secrets.randbits(62))
    sandbox.callback_queries[query_id] = PendingCallback(
        id=query_id,
        chat_id=chat_id,
        message_id=message_id,
        data=button["callback_data"],
        created_at=sandbox.clock.now().timestamp(),
    )
    payload = {
        "id": query_id,
        "from": sandbox.users[user_id].to_user(),
        "message": sandbox.render(message),
        "chat_instance": str(9_000_000_000_000_000 + abs(chat_id) % 10**12),
        "data": button["callback_data"],
    }
    update = sandbox.push_update("callback_query", payload)
    return {"update_id": update["update_id"], "callback_query_id": query_id}
