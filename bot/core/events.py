"""Inbound events: what a person did, as plain data, independent of any Telegram framework.

A transport adapter turns each Telegram update into exactly one of these and hands it to the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MediaKind(StrEnum):
    """Kinds of non-text message a person can send."""

    PHOTO = "photo"
    VIDEO = "video"
    VIDEO_NOTE = "video_note"
    VOICE = "voice"
    AUDIO = "audio"
    DOCUMENT = "document"
    STICKER = "sticker"
    ANIMATION = "animation"
    CONTACT = "contact"
    LOCATION = "location"


@dataclass(frozen=True, kw_only=True)
class UserRef:
    """Who sent an update, as Telegram told us (never shown to other people)."""

    id: int
    first_name: str = ""
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Inbound:
    """Fields every inbound event carries.

    `group`: the event happened in a supergroup (`chat_id` is the group's, `user` the member
    who acted), not in the person's private chat; `thread_id` is then the forum topic's
    message_thread_id for a message in a topic (None: the group's general chat)."""

    update_id: int
    user: UserRef
    chat_id: int
    at: datetime
    thread_id: int | None = None
    group: bool = False

    @property
    def kind(self) -> str:
        """A short, stable name for metrics and logs."""
        return type(self).__name__


@dataclass(frozen=True, kw_only=True)
class TextMessage(Inbound):
    """A plain text message."""

    message_id: int
    text: str
    reply_to_message_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Command(Inbound):
    """A slash-command: `name` is lower-case without the slash or @botname; `args` is the rest.
    In a group, `to_bot` is the bot it names ("/pending@mentorbot": "mentorbot", lower-case),
    None when it names none (then it is for every bot of the group)."""

    message_id: int
    name: str
    args: str = ""
    reply_to_message_id: int | None = None
    to_bot: str | None = None


@dataclass(frozen=True, kw_only=True)
class ButtonPress(Inbound):
    """A press on an inline button; `message_id` is None when the message is inaccessible."""

    callback_id: str
    data: str
    message_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class MediaMessage(Inbound):
    """A photo, video, voice note, document, sticker, contact, location... (content stays in
    Telegram; we keep only its identifiers)."""

    message_id: int
    media: MediaKind
    caption: str | None = None
    file_id: str | None = None
    media_group_id: str | None = None
    reply_to_message_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class MessageEdited(Inbound):
    """A person edited a message they sent earlier."""

    message_id: int
    text: str | None = None
    caption: str | None = None


@dataclass(frozen=True, kw_only=True)
class BotBlocked(Inbound):
    """The person blocked the bot: nothing can be sent to them until they unblock it."""


@dataclass(frozen=True, kw_only=True)
class BotUnblocked(Inbound):
    """The person unblocked (or started) the bot again."""


@dataclass(frozen=True, kw_only=True)
class TopicClosed(Inbound):
    """A member closed a forum topic of a supergroup (`thread_id`; `user` closed it)."""


@dataclass(frozen=True, kw_only=True)
class TopicReopened(Inbound):
    """A member reopened a forum topic of a supergroup (`thread_id`; `user` reopened it)."""


@dataclass(frozen=True, kw_only=True)
class BotGroupStatus(Inbound):
    """The bot's membership of a supergroup changed (added, promoted, restricted, removed):
    `status` is Telegram's ("member", "administrator", "left", "kicked", "restricted"...),
    `can_manage_topics` whether it may now create, close and rename topics; `user` made the
    change."""

    status: str
    can_manage_topics: bool = False


@dataclass(frozen=True, kw_only=True)
class UnreadableUpdate(Inbound):
    """An update the transport could not decode (Telegram sent a shape the framework rejects):
    only who sent it, and in which chat, could be read. The person is asked to send it again."""


def addressed_bot(text: str) -> str | None:
    """The bot a command names ("/start@MentorBot x": "mentorbot"), None when it names none."""
    head = text[1:].partition(" ")[0]
    name = head.partition("@")[2].strip().lower()
    return name or None


def parse_command(text: str) -> tuple[str, str] | None:
    """Split "/Start@bot args" into ("start", "args"); None when the text is not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if not name or not all(c.isalnum() or c == "_" for c in name):
        return None
    return name, rest.strip()
