"""Typed views of control API answers (what :class:`~bot.sandbox.client.SandboxClient` returns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UserInfo:
        return cls(
            id=int(data["id"]),
            first_name=str(data["first_name"]),
            last_name=data.get("last_name"),
            username=data.get("username"),
            language_code=data.get("language_code"),
        )


@dataclass(frozen=True)
class SentUpdate:
    """What a simulated user action produced: the queued update and the chat message."""

    update_id: int
    message_id: int


@dataclass(frozen=True)
class PressResult:
    update_id: int
    callback_query_id: str


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat as the control API shows it (current state after edits)."""

    message_id: int
    from_bot: bool
    kind: str
    date: int
    buttons: tuple[tuple[Button, ...], ...] = ()
    text: str | None = None
    caption: str | None = None
    edited: bool = False
    copied: bool = False
    forwarded: bool = False
    deleted: bool = False
    parse_mode: str | None = None
    reply_to_message_id: int | None = None
    media_group_id: str | None = None
    file_id: str | None = None
    reply_keyboard: tuple[tuple[str, ...], ...] | None = None
    contact: dict[str, Any] | None = field(default=None, compare=False)
    location: dict[str, Any] | None = field(default=None, compare=False)
    pinned: bool = False
    from_user_id: int | None = None  # in a group: the member who wrote (None: the bot)
    thread_id: int | None = None  # in a forum: the topic (None: General)
    service: dict[str, Any] | None = field(default=None, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatMessage:
        keyboard = data.get("reply_keyboard")
        return cls(
            message_id=int(data["message_id"]),
            from_bot=bool(data["from_bot"]),
            kind=str(data["kind"]),
            date=int(data["date"]),
            buttons=tuple(
                tuple(
                    Button(str(b.get("text", "")), b.get("callback_data"), b.get("url"))
                    for b in row
                )
                for row in data.get("buttons", [])
            ),
            text=data.get("text"),
            caption=data.get("caption"),
            edited=bool(data.get("edited", False)),
            copied=bool(data.get("copied", False)),
            forwarded=bool(data.get("forwarded", False)),
            deleted=bool(data.get("deleted", False)),
            parse_mode=data.get("parse_mode"),
            reply_to_message_id=data.get("reply_to_message_id"),
            media_group_id=data.get("media_group_id"),
            file_id=data.get("file_id"),
            reply_keyboard=tuple(tuple(row) for row in keyboard) if keyboard else None,
            contact=data.get("contact"),
            location=data.get("location"),
            pinned=bool(data.get("pinned", False)),
            from_user_id=data.get("from_user_id"),
            thread_id=data.get("thread_id"),
            service=data.get("service"),
        )

    @property
    def content(self) -> str:
        """The text, or the caption of a media message ("" if neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def button_texts(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    @property
    def callback_datas(self) -> list[str]:
        return [b.callback_data for row in self.buttons for b in row if b.callback_data]

    def button(self, text: str) -> Button | None:
        return next((b for row in self.buttons for b in row if b.text == text), None)


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    message_id: int | None = None
    callback_data: str | None = None
    url: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallbackAnswer:
        return cls(
            callback_query_id=str(data["callback_query_id"]),
            text=data.get("text"),
            show_alert=bool(data.get("show_alert", False)),
            message_id=data.get("message_id"),
            callback_data=data.get("callback_data"),
            url=data.get("url"),
        )


@dataclass(frozen=True)
class SandboxEvent:
    seq: int
    chat_id: int
    type: str
    message: ChatMessage | None = None
    callback_answer: CallbackAnswer | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxEvent:
        message = data.get("message")
        answer = data.get("callback_answer")
        return cls(
            seq=int(data["seq"]),
            chat_id=int(data["chat_id"]),
            type=str(data["type"]),
            message=ChatMessage.from_dict(message) if message else None,
            callback_answer=CallbackAnswer.from_dict(answer) if answer else None,
        )


@dataclass(frozen=True)
class ClockState:
    now: datetime
    offset_seconds: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClockState:
        return cls(datetime.fromisoformat(data["now"]), float(data["offset_seconds"]))


@dataclass(frozen=True)
class RequestRecord:
    """One logged Bot API call (``status``/``ok`` are ``None`` while it is still pending)."""

    seq: int
    method: str
    params: dict[str, Any]
    status: int | None
    ok: bool | None
    at: str
    description: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequestRecord:
        return cls(
            seq=int(data["seq"]),
            method=str(data["method"]),
            params=dict(data.get("params", {})),
            status=None if data.get("status") is None else int(data["status"]),
            ok=None if data.get("ok") is None else bool(data["ok"]),
            at=str(data["at"]),
            description=data.get("description"),
        )


@dataclass(frozen=True)
class TopicInfo:
    """A forum topic: ``thread_id`` is its ``message_thread_id``."""

    thread_id: int
    name: str
    closed: bool
    icon_color: int
    created_by_bot: bool

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TopicInfo:
        return cls(
            thread_id=int(data["thread_id"]),
            name=str(data["name"]),
            closed=bool(data["closed"]),
            icon_color=int(data["icon_color"]),
            created_by_bot=bool(data["created_by_bot"]),
        )


@dataclass(frozen=True)
class GroupInfo:
    """A supergroup: members as ``{user_id: status}``, the bot's status and the rights it holds
    (the names of those granted), and its topics."""

    id: int
    title: str
    is_forum: bool
    members: dict[int, str]
    bot_status: str
    bot_rights: frozenset[str]
    topics: tuple[TopicInfo, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupInfo:
        return cls(
            id=int(data["id"]),
            title=str(data["title"]),
            is_forum=bool(data["is_forum"]),
            members={int(m["user_id"]): str(m["status"]) for m in data["members"]},
            bot_status=str(data["bot_status"]),
            bot_rights=frozenset(k for k, v in data["bot_rights"].items() if v),
            topics=tuple(TopicInfo.from_dict(t) for t in data["topics"]),
        )


@dataclass(frozen=True)
class GroupPost:
    """What a member's action in a group produced: the stored message, and the update the bot
    got (None: the bot does not receive it, e.g. in privacy mode)."""

    message_id: int
    update_id: int | None
