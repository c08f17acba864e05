"""Outbound effects: what the core wants done in the chat app, as plain data.

Effects are stored in the outbox in the same transaction as the state change that caused them, and
a sender applies them later, so a crash never loses a reply and never applies half a step.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

STEP_TAG = "step:"  # + a row id: the outbox tag of a step's message (its id is noted once sent,
# so that a reply to it goes to that row's pair: `bot.services.relay_routes`)


@dataclass(frozen=True)
class Button:
    """An inline button: either carries callback `data` (≤ 64 bytes) or opens a `url`."""

    text: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, kw_only=True)
class RelayTag:
    """Marks a message relayed between the two people of a pair, so that once the chat app
    tells the copy's message id(s) the sender can link each copy to its original (ids only,
    never content). `album` is the media group the relay is still gathering into this effect."""

    pair_id: int
    sender_id: int
    source_chat_id: int
    source_message_ids: tuple[int, ...]
    album: str | None = None


def keyboard(rows: Sequence[Sequence[Button]]) -> Keyboard:
    """Freeze a list of button rows into a Keyboard."""
    return tuple(tuple(row) for row in rows)


@dataclass(frozen=True, kw_only=True)
class SendText:
    """Send a text message (HTML parse mode) with optional inline buttons."""

    chat_id: int
    text: str
    buttons: Keyboard = ()
    reply_to_message_id: int | None = None
    relay: RelayTag | None = None
    tag: str | None = None  # who wants to know once it is sent (a broadcast counts its progress)
    safety: bool = False  # the safety lane: goes before the chat's queued routine messages
    thread_id: int | None = None  # a forum topic of a supergroup (message_thread_id)
    pin: bool = False  # once sent, pinned silently (a failed pin is logged; the send counts)


@dataclass(frozen=True, kw_only=True)
class EditText:
    """Replace the text and buttons of a message the bot sent earlier."""

    chat_id: int
    message_id: int
    text: str
    buttons: Keyboard = ()


@dataclass(frozen=True, kw_only=True)
class EditButtons:
    """Replace only the buttons of a message the bot sent earlier (`editMessageReplyMarkup`):
    its text stays as it was. No buttons removes them."""

    chat_id: int
    message_id: int
    buttons: Keyboard = ()


@dataclass(frozen=True, kw_only=True)
class AnswerButton:
    """Acknowledge a button press (stops the spinner); `text` shows as a toast or an alert."""

    callback_id: str
    text: str | None = None
    alert: bool = False


@dataclass(frozen=True, kw_only=True)
class CopyMessage:
    """Copy a message into another chat without any link to its sender (never forward)."""

    chat_id: int
    from_chat_id: int
    message_id: int
    caption: str | None = None
    reply_to_message_id: int | None = None
    relay: RelayTag | None = None
    thread_id: int | None = None  # a forum topic of a supergroup (message_thread_id)
    tag: str | None = None  # who wants to know once it is sent (a team message: its case)


@dataclass(frozen=True, kw_only=True)
class CopyMessages:
    """Copy several messages of one chat at once (`copyMessages`): an album stays an album.
    Applied, it answers the copies' ids in order (`Sent.extra["message_ids"]`)."""

    chat_id: int
    from_chat_id: int
    message_ids: tuple[int, ...]
    relay: RelayTag | None = None
    thread_id: int | None = None  # a forum topic of a supergroup (message_thread_id)


@dataclass(frozen=True, kw_only=True)
class EditCaption:
    """Replace the caption (HTML; None removes it) of a media message the bot sent earlier."""

    chat_id: int
    message_id: int
    caption: str | None = None


@dataclass(frozen=True, kw_only=True)
class SendDocument:
    """Send a file we generated (an export, a curriculum resource)."""

    chat_id: int
    filename: str
    content: bytes
    caption: str | None = None
    safety: bool = False  # the safety lane, as for SendText
    thread_id: int | None = None  # a forum topic of a supergroup (message_thread_id)


@dataclass(frozen=True, kw_only=True)
class SendPhoto:
    """Send an image we generated (a chart)."""

    chat_id: int
    filename: str
    content: bytes
    caption: str | None = None
    thread_id: int | None = None  # a forum topic of a supergroup (message_thread_id)


@dataclass(frozen=True, kw_only=True)
class SetCommands:
    """Give one chat its own command menu (`setMyCommands` with a chat scope: staff see their
    commands); with no commands, remove it (`deleteMyCommands`), back to everyone's menu."""

    chat_id: int
    commands: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class CloseTopic:
    """Close a forum topic of a supergroup (`closeForumTopic`): members can no longer write in
    it until it is reopened."""

    chat_id: int
    thread_id: int


@dataclass(frozen=True, kw_only=True)
class ReopenTopic:
    """Reopen a closed forum topic (`reopenForumTopic`)."""

    chat_id: int
    thread_id: int


@dataclass(frozen=True, kw_only=True)
class EditTopic:
    """Rename a forum topic (`editForumTopic`; a name of 1-128 characters)."""

    chat_id: int
    thread_id: int
    name: str


Effect = (
    SendText
    | EditText
    | AnswerButton
    | CopyMessage
    | SendDocument
    | SendPhoto
    | CopyMessages
    | EditCaption
    | SetCommands
    | EditButtons
    | CloseTopic
    | ReopenTopic
    | EditTopic
)

_BY_NAME: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        SendText,
        EditText,
        AnswerButton,
        CopyMessage,
        SendDocument,
        SendPhoto,
        CopyMessages,
        EditCaption,
        SetCommands,
        EditButtons,
        CloseTopic,
        ReopenTopic,
        EditTopic,
    )
}


_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in _BY_NAME.values()
}


def chat_of(effect: Effect) -> int | None:
    """The chat an effect is addressed to (None for answers to button presses)."""
    return getattr(effect, "chat_id", None)


def is_safety(effect: Effect) -> bool:
    """True for effects of the safety lane (a crisis alert and its context): a sender applies
    them before anything routine still queued for the same chat."""
    return bool(getattr(effect, "safety", False))


def is_send(effect: Effect) -> bool:
    """True for effects that post a new message (what Telegram's flood limits count); edits and
    answers to button presses are not counted."""
    return isinstance(effect, SendText | CopyMessage | SendDocument | SendPhoto | CopyMessages)


def _plain(value: Any) -> Any:
    if isinstance(value, Button):
        return {"text": value.text, "data": value.data, "url": value.url}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, RelayTag):
        return {
            "pair_id": value.pair_id,
            "sender_id": value.sender_id,
            "source_chat_id": value.source_chat_id,
            "source_message_ids": list(value.source_message_ids),
            "album": value.album,
        }
    return value


_SCALARS = (int, str, float, bool, type(None))


def to_json(effect: Effect) -> dict[str, Any]:
    """Serialise an effect for the outbox table (hot path: thousands per delivery round)."""
    body: dict[str, Any] = {"type": type(effect).__name__}
    for name in _FIELDS[type(effect)]:
        value = getattr(effect, name)
        if isinstance(value, _SCALARS):
            body[name] = value
        elif name == "buttons":
            body[name] = [
                [{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in value
            ]
        else:
            body[name] = _plain(value)
    return body


def from_json(raw: dict[str, Any]) -> Effect:
    """Rebuild an effect stored by `to_json`."""
    body = dict(raw)
    cls = _BY_NAME[body.pop("type")]
    if "content" in body:
        body["content"] = base64.b64decode(body["content"])
    if "buttons" in body:
        body["buttons"] = keyboard([[Button(**b) for b in row] for row in body["buttons"]])
    if body.get("relay") is not None:
        tag = dict(body["relay"])
        tag["source_message_ids"] = tuple(tag["source_message_ids"])
        body["relay"] = RelayTag(**tag)
    if "commands" in body:
        body["commands"] = tuple((name, text) for name, text in body["commands"])
    if "message_ids" in body:
        body["message_ids"] = tuple(body["message_ids"])
    known = {f.name for f in fields(cls)}
    effect: Effect = cls(**{k: v for k, v in body.items() if k in known})
    return effect


@dataclass(frozen=True)
class Sent:
    """What the chat app answered to an applied effect."""

    message_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
