"""Bot API JSON as Telegram sends it, for the transport tests of every framework."""

from __future__ import annotations

from typing import Any

T0 = 1763715600  # 2025-11-21 09:00:00 UTC
ME = {"id": 42, "is_bot": True, "first_name": "Mentor", "username": "mentorbot"}
DEFAULTS: dict[str, Any] = {
    "getMe": ME,
    "deleteWebhook": True,
    "setMyCommands": True,
    "deleteMyCommands": True,
    "setWebhook": True,
    "answerCallbackQuery": True,
}
"""What a method answers when a test scripted nothing for it."""


def user(uid: int = 7, **extra: Any) -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": "Ada", "username": "ada", **extra}


def private_chat(uid: int = 7) -> dict[str, Any]:
    return {"id": uid, "type": "private", "first_name": "Ada", "username": "ada"}


def message(mid: int = 10, uid: int = 7, **fields: Any) -> dict[str, Any]:
    """A message Ada sent the bot in their private chat."""
    return {
        "message_id": mid,
        "date": T0,
        "chat": private_chat(uid),
        "from": user(uid, language_code="it"),
        **fields,
    }


def legacy_forward(mid: int = 11, uid: int = 7) -> dict[str, Any]:
    """A forward of an old message by a hidden user, without `sender_user_name`: what Telegram
    still sends although the Bot API says the field is required (aiogram issue #1840)."""
    return message(
        mid, uid, text="a secret word", forward_origin={"type": "hidden_user", "date": T0}
    )


def sent_message(mid: int = 500, chat_id: int = 7, **fields: Any) -> dict[str, Any]:
    """A message as Telegram returns it after the bot sent it."""
    return {
        "message_id": mid,
        "date": T0,
        "chat": private_chat(chat_id),
        "from": ME,
        **fields,
    }
