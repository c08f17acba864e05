"""Turn a python-telegram-bot `Update` into the core's `Inbound` event, or None when mentorbot
ignores it — by the same rules as every transport (`bot.transports.inbound`). Telegram objects
never go past this module."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import (
    CallbackQuery,
    ChatMemberUpdated,
    Message,
    Update,
    User,
)

from bot.core.events import Inbound, UserRef
from bot.transports.base import ALLOWED_UPDATES
from bot.transports.inbound import (
    PRIVATE,
    button_event,
    edit_event,
    media_of,
    membership_event,
    message_event,
)


def to_event(update: Update, *, now: datetime | None = None) -> Inbound | None:
    """Map one update; `now` (default: the current time) dates button presses, which carry no
    date of their own."""
    if update.message is not None:
        return _message(update.update_id, update.message)
    if update.edited_message is not None:
        return _edited(update.update_id, update.edited_message)
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query, now or datetime.now(UTC))
    if update.my_chat_member is not None:
        return _membership(update.update_id, update.my_chat_member)
    return None


def kind_of(update: Update) -> str:
    """The update's kind ("message", "callback_query"…), for logs."""
    return next((k for k in ALLOWED_UPDATES if getattr(update, k, None) is not None), "other")


def user_ref(user: User) -> UserRef:
    """Who did it, as Telegram told us."""
    return UserRef(
        id=user.id,
        first_name=user.first_name,
        username=user.username,
        language_code=user.language_code,
    )


def _private_sender(message: Message) -> User | None:
    if message.chat.type != PRIVATE or message.from_user is None or message.from_user.is_bot:
        return None
    return message.from_user


def _message(update_id: int, message: Message) -> Inbound | None:
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


def _edited(update_id: int, message: Message) -> Inbound | None:
    user = _private_sender(message)
    if user is None:
        return None
    return edit_event(
        update_id=update_id,
        user=user_ref(user),
        chat_id=message.chat.id,
        at=message.edit_date or message.date,
        message_id=message.message_id,
        text=message.text,
        caption=message.caption,
    )


def _button(update_id: int, query: CallbackQuery, now: datetime) -> Inbound | None:
    message = query.message
    # PTB parses a callback's message as a `Message` even when Telegram sent the inaccessible
    # kind (date 0): `is_accessible` tells them apart
    accessible = message is not None and message.is_accessible
    return button_event(
        update_id=update_id,
        user=user_ref(query.from_user),
        chat_type=message.chat.type if message is not None else None,
        chat_id=message.chat.id if message is not None else None,
        at=now,
        callback_id=query.id,
        data=query.data,
        message_id=message.message_id if message is not None and accessible else None,
    )


def _membership(update_id: int, change: ChatMemberUpdated) -> Inbound | None:
    return membership_event(
        update_id=update_id,
        user=user_ref(change.from_user),
        chat_type=change.chat.type,
        chat_id=change.chat.id,
        at=change.date,
        old_status=change.old_chat_member.status,
        new_status=change.new_chat_member.status,
    )
