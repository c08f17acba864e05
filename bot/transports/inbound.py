"""Building the core's `Inbound` events from a Telegram update, for every transport.

Both frameworks name their update objects' attributes after the Bot API's fields, so one reader
(`update_event`) serves both; each adapter passes only what differs (how it marks an inaccessible
message). The rules — only private chats, commands versus text, which media kind wins, what a
membership change means — live in one place. No framework is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.core.events import (
    BotBlocked,
    BotUnblocked,
    ButtonPress,
    Command,
    Inbound,
    MediaKind,
    MediaMessage,
    MessageEdited,
    TextMessage,
    UserRef,
    parse_command,
)
from bot.transports.base import ALLOWED_UPDATES

PRIVATE = "private"
KICKED = "kicked"
MEMBER = "member"

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


def message_event(
    *,
    update_id: int,
    user: UserRef,
    chat_id: int,
    at: datetime,
    message_id: int,
    text: str | None,
    caption: str | None,
    media: tuple[MediaKind, str | None] | None,
    media_group_id: str | None,
    reply_to_message_id: int | None,
) -> Inbound | None:
    """A new private message: a command, a text, a media message, or None (a service message
    or a kind mentorbot does not relay)."""
    at = utc(at)
    if text is not None:
        command = parse_command(text)
        if command is not None:
            return Command(
                update_id=update_id,
                user=user,
                chat_id=chat_id,
                at=at,
                message_id=message_id,
                name=command[0],
                args=command[1],
                reply_to_message_id=reply_to_message_id,
            )
        return TextMessage(
            update_id=update_id,
            user=user,
            chat_id=chat_id,
            at=at,
            message_id=message_id,
            text=text,
            reply_to_message_id=reply_to_message_id,
        )
    if media is None:
        return None
    return MediaMessage(
        update_id=update_id,
        user=user,
        chat_id=chat_id,
        at=at,
        message_id=message_id,
        media=media[0],
        file_id=media[1],
        caption=caption,
        media_group_id=media_group_id,
        reply_to_message_id=reply_to_message_id,
    )


def edit_event(
    *,
    update_id: int,
    user: UserRef,
    chat_id: int,
    at: datetime,
    message_id: int,
    text: str | None,
    caption: str | None,
) -> MessageEdited:
    """A private message edited; `at` is the edit's date (or the message's, lacking one)."""
    return MessageEdited(
        update_id=update_id,
        user=user,
        chat_id=chat_id,
        at=utc(at),
        message_id=message_id,
        text=text,
        caption=caption,
    )


def button_event(
    *,
    update_id: int,
    user: UserRef,
    chat_type: str | None,
    chat_id: int | None,
    at: datetime,
    callback_id: str,
    data: str | None,
    message_id: int | None,
) -> Inbound | None:
    """A button press; `chat_type`/`chat_id` are None when the press carries no message, and
    `message_id` is None when the message is inaccessible. Presses in groups are ignored."""
    if chat_type is not None and chat_type != PRIVATE:
        return None
    return ButtonPress(
        update_id=update_id,
        user=user,
        chat_id=chat_id if chat_id is not None else user.id,
        at=utc(at),
        callback_id=callback_id,
        data=data or "",
        message_id=message_id,
    )


def membership_event(
    *,
    update_id: int,
    user: UserRef,
    chat_type: str,
    chat_id: int,
    at: datetime,
    old_status: str,
    new_status: str,
) -> Inbound | None:
    """The person blocked the bot, unblocked it, or (None) something else changed."""
    if chat_type != PRIVATE:
        return None
    at = utc(at)
    if new_status == KICKED:
        return BotBlocked(update_id=update_id, user=user, chat_id=chat_id, at=at)
    if new_status == MEMBER and old_status == KICKED:
        return BotUnblocked(update_id=update_id, user=user, chat_id=chat_id, at=at)
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


def _message(update_id: int, message: Any) -> Inbound | None:
    user = _private_sender(message)
    if user is None:
        return None
    return message_event(
        update_id=update_id,
        user=user_ref(user),
        chat_id=message.chat.id,
        at=message.date,
        message_id=message.message_id,
        text=message.text,
        caption=message.caption,
        media=media_of(message),
        media_group_id=message.media_group_id,
        reply_to_message_id=(
            message.reply_to_message.message_id if message.reply_to_message else None
        ),
    )


def _edited(update_id: int, message: Any) -> Inbound | None:
    user = _private_sender(message)
    if user is None:
        return None
    edited = message.edit_date  # aiogram: a Unix time; python-telegram-bot: a datetime
    if isinstance(edited, int):
        edited = datetime.fromtimestamp(edited, UTC)
    return edit_event(
        update_id=update_id,
        user=user_ref(user),
        chat_id=message.chat.id,
        at=edited or message.date,
        message_id=message.message_id,
        text=message.text,
        caption=message.caption,
    )


def _button(
    update_id: int, query: Any, now: datetime, accessible: Callable[[Any], bool]
) -> Inbound | None:
    message = query.message
    return button_event(
        update_id=update_id,
        user=user_ref(query.from_user),
        chat_type=message.chat.type if message is not None else None,
        chat_id=message.chat.id if message is not None else None,
        at=now,
        callback_id=query.id,
        data=query.data,
        message_id=message.message_id if message is not None and accessible(message) else None,
    )


def _membership(update_id: int, change: Any) -> Inbound | None:
    return membership_event(
        update_id=update_id,
        user=user_ref(change.from_user),
        chat_type=change.chat.type,
        chat_id=change.chat.id,
        at=change.date,
        old_status=change.old_chat_member.status,
        new_status=change.new_chat_member.status,
    )
