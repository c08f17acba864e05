"""Users, their chats with the bot, and stored messages with their two renderings:
the Bot API ``Message`` object and the control API's flat chat-message dict."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MESSAGE_KINDS = (
    "text",
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "animation",
    "sticker",
    "video_note",
    "contact",
    "location",
)
# A ``/command`` or ``/command@botname`` token, not run into the characters after it; what may
# come before it is the user's (COMMAND_RE: whitespace or the start) or the web chat's choice.
COMMAND_TOKEN = r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?(?![\w/@])"
COMMAND_RE = re.compile(r"(?<!\S)" + COMMAND_TOKEN)


@dataclass
class SandboxUser:
    """A Telegram user who has a private chat with the bot (chat id == user id)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False

    def to_user(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def to_chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object of the private chat."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def to_chat_full_info(self) -> dict[str, Any]:
        """The Bot API ``ChatFullInfo`` object (``getChat``)."""
        info = self.to_chat()
        info.update(
            accent_color_id=self.id % 7,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        )
        return info


@dataclass
class StoredMessage:
    """One message in a private chat, sent by the user or by the bot."""

    message_id: int
    chat_id: int
    date: int
    from_bot: bool
    kind: str = "text"
    text: str | None = None
    entities: list[dict[str, Any]] | None = None
    caption: str | None = None
    caption_entities: list[dict[str, Any]] | None = None
    parse_mode: str | None = None
    media: dict[str, Any] = field(default_factory=dict)
    file_id: str | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    media_group_id: str | None = None
    edit_date: int | None = None
    copied: bool = False
    forwarded: bool = False
    forward_origin: dict[str, Any] | None = None
    protect_content: bool = False
    deleted: bool = False
    sender_id: int | None = None  # in a group: the member who wrote (None: the bot)
    thread_id: int | None = None  # in a forum: the topic (its creation message's id)
    service: dict[str, Any] | None = None  # a service message's field, e.g. forum_topic_created
    pinned: bool = False

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if self.reply_markup and isinstance(self.reply_markup.get("inline_keyboard"), list):
            rows: list[list[dict[str, Any]]] = self.reply_markup["inline_keyboard"]
            return rows
        return []

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        if not self.reply_markup or not isinstance(self.reply_markup.get("keyboard"), list):
            return None
        return [
            [b.get("text", "") if isinstance(b, dict) else str(b) for b in row]
            for row in self.reply_markup["keyboard"]
        ]

    def to_control(self) -> dict[str, Any]:
        """The control API's chat-message dict (optional keys are omitted when unset)."""
        out: dict[str, Any] = {
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "kind": self.kind,
            "buttons": [
                [
                    {
                        k: b[k]
                        for k in ("text", "callback_data", "url")
                        if isinstance(b, dict) and k in b
                    }
                    for b in row
                ]
                for row in self.inline_keyboard
            ],
            "edited": self.edit_date is not None,
            "copied": self.copied,
            "forwarded": self.forwarded,
            "deleted": self.deleted,
            "pinned": self.pinned,
            "date": self.date,
        }
        optional = {
            "text": self.text,
            "caption": self.caption,
            "parse_mode": self.parse_mode,
            "reply_to_message_id": self.reply_to_message_id,
            "media_group_id": self.media_group_id,
            "file_id": self.file_id,
            "reply_keyboard": self.reply_keyboard,
            "contact": self.media.get("contact"),
            "location": self.media.get("location"),
            "from_user_id": self.sender_id,
            "thread_id": self.thread_id,
            "service": self.service,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        return out


def render_message(
    message: StoredMessage,
    chat: dict[str, Any],
    sender: dict[str, Any],
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The Bot API ``Message`` object for ``message`` in ``chat`` (a ``Chat`` object) written by
    ``sender`` (a ``User``); ``reply_to`` is the rendered message it answers, if any."""
    out: dict[str, Any] = {
        "message_id": message.message_id,
        "from": sender,
        "chat": chat,
        "date": message.date,
    }
    if message.thread_id is not None:
        out["message_thread_id"] = message.thread_id
        out["is_topic_message"] = True
    if message.forward_origin is not None:
        out["forward_origin"] = message.forward_origin
    if reply_to is not None:
        out["reply_to_message"] = reply_to
    if message.edit_date is not None:
        out["edit_date"] = message.edit_date
    if message.protect_content:
        out["has_protected_content"] = True
    if message.media_group_id is not None:
        out["media_group_id"] = message.media_group_id
    if message.text is not None:
        out["text"] = message.text
        if message.entities:
            out["entities"] = message.entities
    out.update(message.media)
    if message.caption is not None:
        out["caption"] = message.caption
        if message.caption_entities:
            out["caption_entities"] = message.caption_entities
    if message.service is not None:
        out.update(message.service)
    if message.inline_keyboard:
        out["reply_markup"] = {"inline_keyboard": message.inline_keyboard}
    return out


class MessageLog:
    """The messages of one chat, in order; message ids count up from 1."""

    def __init__(self) -> None:
        self._messages: dict[int, StoredMessage] = {}
        self._last_id = 0
        self.pin_order: list[int] = []  # pinned message ids, the latest last

    @property
    def id(self) -> int:
        raise NotImplementedError

    def to_chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object."""
        raise NotImplementedError

    def to_chat_full_info(self) -> dict[str, Any]:
        """The Bot API ``ChatFullInfo`` object (``getChat``)."""
        raise NotImplementedError

    def next_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def peek_id(self) -> int:
        """The id the next message will get."""
        return self._last_id + 1

    def add(self, message: StoredMessage) -> StoredMessage:
        self._messages[message.message_id] = message
        return message

    def get(self, message_id: int) -> StoredMessage | None:
        """A message that exists (not deleted)."""
        message = self._messages.get(message_id)
        return None if message is None or message.deleted else message

    def all(self, include_deleted: bool = False) -> list[StoredMessage]:
        return [m for m in self._messages.values() if include_deleted or not m.deleted]


class ChatLog(MessageLog):
    """The private chat of one user with the bot (chat id == user id)."""

    def __init__(self, user: SandboxUser) -> None:
        super().__init__()
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    def to_chat(self) -> dict[str, Any]:
        return self.user.to_chat()

    def to_chat_full_info(self) -> dict[str, Any]:
        return self.user.to_chat_full_info()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities for ``/command`` and ``/command@bot`` tokens in user text."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group(0)),
        }
        for match in COMMAND_RE.finditer(text)
    ]
