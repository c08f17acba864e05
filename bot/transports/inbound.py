"""Building the core's `Inbound` events from a Telegram update, for every transport.

Both frameworks name their update objects' attributes after the Bot API's fields, so one reader
(`update_event`) serves both; each adapter passes only what differs (how it marks an inaccessible
message). The rules — private chats and supergroups only (a supergroup's events carry
`group=True` and their forum topic), commands versus text, which media kind wins, what a
membership change means — live in one place. No framework is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.core.events import (
    BotBlocked,
    BotGroupStatus,
    BotUnblocked,
    ButtonPress,
    Command,
    Inbound,
    MediaKind,
    MediaMessage,
    MessageEdited,
    TextMessage,
    TopicClosed,
    TopicReopened,
    UserRef,
    addressed_bot,
    parse_command,
)
from bot.transports.base import ALLOWED_UPDATES

PRIVATE = "private"
SUPERGROUP = "supergroup"  # basic groups and channels are ignored
KICKED = "kicked"
MEMBER = "member"
ADMINISTRATOR = "administrator"

# Checked in this order: an animation also carries a `document` for old clients.
MEDIA_ATTRIBUTES: tuple[tuple[str, MediaKind], ...] = (
    ("animation", MediaKind.ANIMATION),
    ("video", MediaKind.VIDEO),
    ("video_note", MediaKind.VIDEO_NOTE),
    ("voice", MediaKind.VOICE),
    ("audio", MediaKind.AUDIO),
    ("document", MediaKind.DOCUMENT),
    ("sticker", MediaKind.STICKER),
)


class PhotoSizeLike(Protocol):
    """What both frameworks' `PhotoSize` carry."""

    @property
    def file_id(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def file_size(self) -> int | None: ...


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (naive ones are taken as UTC, as Telegram's timestamps are)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def largest_photo(sizes: Sequence[PhotoSizeLike]) -> str:
    """The file id of the largest size of a photo."""
    return max(sizes, key=lambda p: (p.width * p.height, p.file_size or 0)).file_id


def media_of(message: Any) -> tuple[MediaKind, str | None] | None:
    """The kind of a non-text message and the id of its file (None for contacts and
    locations), read from the attributes both frameworks name after the Bot API's fields."""
    photo = getattr(message, "photo", None)
    if photo:
        return MediaKind.PHOTO, largest_photo(photo)
    for attribute, kind in MEDIA_ATTRIBUTES:
        attachment = getattr(message, attribute, None)
        if attachment is not None:
            return kind, str(attachment.file_id)
    if getattr(message, "contact", None) is not None:
        return MediaKind.CONTACT, None
    if getattr(message, "location", None) is not None:  # venues carry a location too
        return MediaKind.LOCATION, None
    return None


def update_event(
    update: Any, *, now: datetime, accessible: Callable[[Any], bool]
) -> Inbound | None:
    """Map one framework `Update`; `now` dates button presses, which carry no date of their own,
    and `accessible(message)` says whether a pressed button's message can still be used."""
    if update.message is not None:
        return _message(update.update_id, update.message)
    if update.edited_message is not None:
        return _edited(update.update_id, update.edited_message)
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query, now, accessible)
    if update.my_chat_member is not None:
        return _membership(update.update_id, update.my_chat_member)
    return None


def kind_of(update: Any) -> str:
    """A framework `Update`'s kind ("message", "callback_query"…), for logs."""
    return next((k for k in ALLOWED_UPDATES if getattr(update, k, None) is not None), "other")


KIND_LIMIT = 32


def update_kind(raw: Mapping[str, Any]) -> str:
    """A raw update's kind, for logs and metric labels: its field other than `update_id`, or
    "other" when that is not a plausible Bot API name (a forged update must not invent label
    values)."""
    kind = next((key for key in raw if key != "update_id"), "empty")
    return kind if len(kind) <= KIND_LIMIT and kind.replace("_", "").isalpha() else "other"


def user_ref(user: Any) -> UserRef:
    """Who did it, as Telegram told us."""
    return UserRef(
        id=user.id,
        first_name=user.first_name,
        username=user.username,
        language_code=user.language_code,
    )


def _private_sender(message: Any) -> Any | None:
    if message.chat.type != PRIVATE or message.from_user is None or message.from_user.is_bot:
        return None
    return message.from_user


def _where(message: Any) -> dict[str, Any]:
    """The chat fields of an event about `message`: its chat, and for a supergroup `group` and
    the forum topic (only a topic message has one; the general chat has none)."""
    if message.chat.type != SUPERGROUP:
        return {"chat_id": message.chat.id}
    topic = getattr(message, "message_thread_id", None)
    in_topic = bool(getattr(message, "is_topic_message", False)) and topic is not None
    return {"chat_id": message.chat.id, "group": True, "thread_id": topic if in_topic else None}


def _message(update_id: int, message: Any) -> Inbound | None:
    """A new message in a private chat or a supergroup: a command, a text, a media message, a
    forum topic closed or reopened, or None (another service message, a kind mentorbot does not
    relay, or not from a person)."""
    sender = message.from_user
    if message.chat.type not in (PRIVATE, SUPERGROUP) or sender is None or sender.is_bot:
        return None
    where = _where(message)
    base: dict[str, Any] = {"update_id": update_id, "user": user_ref(sender), **where}
    base["at"] = utc(message.date)
    if where.get("group") and getattr(message, "forum_topic_closed", None) is not None:
        return TopicClosed(**base)
    if where.get("group") and getattr(message, "forum_topic_reopened", None) is not None:
        return TopicReopened(**base)
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    if reply_to is not None and reply_to == where.get("thread_id"):
        reply_to = None  # a topic's messages all answer its first one: no reply of theirs
    if message.text is not None:
        command = parse_command(message.text)
        if command is not None:
            name, args = command
            return Command(
                **base,
                message_id=message.message_id,
                name=name,
                args=args,
                reply_to_message_id=reply_to,
                to_bot=addressed_bot(message.text) if where.get("group") else None,
            )
        return TextMessage(
            **base, message_id=message.message_id, text=message.text, reply_to_message_id=reply_to
        )
    media = media_of(message)
    if media is None:
        return None
    return MediaMessage(
        **base,
        message_id=message.message_id,
        media=media[0],
        file_id=media[1],
        caption=message.caption,
        media_group_id=message.media_group_id,
        reply_to_message_id=reply_to,
    )


def _edited(update_id: int, message: Any) -> Inbound | None:
    """A private message edited, dated by the edit (or the message, lacking an edit date)."""
    sender = _private_sender(message)
    if sender is None:
        return None
    edited = message.edit_date  # aiogram: a Unix time; python-telegram-bot: a datetime
    if isinstance(edited, int):
        edited = datetime.fromtimestamp(edited, UTC)
    return MessageEdited(
        update_id=update_id,
        user=user_ref(sender),
        chat_id=message.chat.id,
        at=utc(edited or message.date),
        message_id=message.message_id,
        text=message.text,
        caption=message.caption,
    )


def _button(
    update_id: int, query: Any, now: datetime, accessible: Callable[[Any], bool]
) -> Inbound | None:
    """A button press (dated `now`), in a private chat, in a supergroup (`group`, the topic of
    its message) or carrying no message at all; its `message_id` is None when the message is
    inaccessible. Presses in basic groups and channels are ignored."""
    message = query.message
    if message is not None and message.chat.type not in (PRIVATE, SUPERGROUP):
        return None
    user = user_ref(query.from_user)
    where = _where(message) if message is not None else {"chat_id": user.id}
    return ButtonPress(
        update_id=update_id,
        user=user,
        **where,
        at=utc(now),
        callback_id=query.id,
        data=query.data or "",
        message_id=message.message_id if message is not None and accessible(message) else None,
    )


def _membership(update_id: int, change: Any) -> Inbound | None:
    """The person blocked the bot, unblocked it, or (None) something else changed; in a
    supergroup, the bot's new status there and whether it may manage topics."""
    user, chat_id, at = user_ref(change.from_user), change.chat.id, utc(change.date)
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if change.chat.type == SUPERGROUP:
        manages = new == ADMINISTRATOR and bool(
            getattr(change.new_chat_member, "can_manage_topics", False)
        )
        return BotGroupStatus(
            update_id=update_id,
            user=user,
            chat_id=chat_id,
            at=at,
            group=True,
            status=str(getattr(new, "value", new)),  # aiogram: an enum of the same strings
            can_manage_topics=manages,
        )
    if change.chat.type != PRIVATE:
        return None
    if new == KICKED:
        return BotBlocked(update_id=update_id, user=user, chat_id=chat_id, at=at)
    if new == MEMBER and old == KICKED:
        return BotUnblocked(update_id=update_id, user=user, chat_id=chat_id, at=at)
    return None
