"""`to_event` of both transports: every update kind, built from realistic Bot API JSON, maps to
the same core event whichever framework parsed it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import pytest
from aiogram.types import Update as AiogramUpdate
from telegram import Update as PtbUpdate

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
)
from bot.transports.aiogram.updates import to_event as aiogram_to_event
from bot.transports.ptb.updates import to_event as ptb_to_event
from tests.transports.support import T0, message, private_chat, user

AT = datetime.fromtimestamp(T0, UTC)
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
ADA = UserRef(id=7, first_name="Ada", username="ada", language_code="it")


Parse = Callable[[dict[str, Any], datetime | None], Inbound | None]
PARSERS: dict[str, Parse] = {
    "aiogram": lambda raw, now: aiogram_to_event(AiogramUpdate.model_validate(raw), now=now),
    "ptb": lambda raw, now: ptb_to_event(PtbUpdate.de_json(raw, None), now=now),
}


class Event(Protocol):
    def __call__(self, **update: Any) -> Any: ...


@pytest.fixture(params=sorted(PARSERS))
def parse(request: pytest.FixtureRequest) -> Parse:
    return PARSERS[request.param]


@pytest.fixture
def event(parse: Parse) -> Event:
    """Map one update (id 900; button presses dated NOW) with the transport under test."""

    def mapped(**update: Any) -> Any:
        return parse({"update_id": 900, **update}, NOW)

    return mapped


def test_text_message(event: Event) -> None:
    got = event(message=message(text="hello there"))
    assert got == TextMessage(
        update_id=900, user=ADA, chat_id=7, at=AT, message_id=10, text="hello there"
    )
    assert got.at.tzinfo is UTC


def test_reply_keeps_the_replied_message_id(event: Event) -> None:
    replied = message(mid=3, text="earlier")
    got = event(message=message(text="yes", reply_to_message=replied))
    assert isinstance(got, TextMessage) and got.reply_to_message_id == 3


def test_command_with_bot_name_and_arguments(event: Event) -> None:
    entities = [{"type": "bot_command", "offset": 0, "length": 16}]
    got = event(message=message(text="/Start@mentorbot college", entities=entities))
    assert got == Command(
        update_id=900, user=ADA, chat_id=7, at=AT, message_id=10, name="start", args="college"
    )


def test_photo_takes_the_largest_size(event: Event) -> None:
    sizes = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 60, "file_size": 900},
        {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 853},
        {"file_id": "mid", "file_unique_id": "m", "width": 320, "height": 213},
    ]
    got = event(message=message(photo=sizes, caption="our garden", media_group_id="alb1"))
    assert got == MediaMessage(
        update_id=900,
        user=ADA,
        chat_id=7,
        at=AT,
        message_id=10,
        media=MediaKind.PHOTO,
        file_id="big",
        caption="our garden",
        media_group_id="alb1",
    )


FILE = {"file_id": "F1", "file_unique_id": "U1"}
MEDIA = [
    ("video", {**FILE, "width": 640, "height": 480, "duration": 3}, MediaKind.VIDEO, "F1"),
    ("video_note", {**FILE, "length": 240, "duration": 3}, MediaKind.VIDEO_NOTE, "F1"),
    ("voice", {**FILE, "duration": 2}, MediaKind.VOICE, "F1"),
    ("audio", {**FILE, "duration": 200}, MediaKind.AUDIO, "F1"),
    ("document", {**FILE, "file_name": "cv.pdf"}, MediaKind.DOCUMENT, "F1"),
    (
        "sticker",
        {**FILE, "type": "regular", "width": 512, "height": 512}
        | {"is_animated": False, "is_video": False},
        MediaKind.STICKER,
        "F1",
    ),
    ("contact", {"phone_number": "+390000", "first_name": "Bo"}, MediaKind.CONTACT, None),
    ("location", {"latitude": 45.4, "longitude": 9.2}, MediaKind.LOCATION, None),
]


@pytest.mark.parametrize(("field", "body", "kind", "file_id"), MEDIA)
def test_media_kinds(
    field: str, body: dict[str, Any], kind: MediaKind, file_id: str | None, event: Event
) -> None:
    fields: dict[str, Any] = {field: body}
    got = event(message=message(**fields))
    assert isinstance(got, MediaMessage)
    assert (got.media, got.file_id, got.caption) == (kind, file_id, None)


def test_an_animation_is_not_mistaken_for_its_document_twin(event: Event) -> None:
    anim = {**FILE, "width": 320, "height": 240, "duration": 2}
    doc = {"file_id": "D1", "file_unique_id": "D", "file_name": "a.gif.mp4"}
    got = event(message=message(animation=anim, document=doc, caption="lol"))
    assert isinstance(got, MediaMessage)
    assert (got.media, got.file_id, got.caption) == (MediaKind.ANIMATION, "F1", "lol")


def test_edited_message_is_dated_by_its_edit(event: Event) -> None:
    got = event(edited_message=message(text="fixed typo", edit_date=T0 + 60))
    assert got == MessageEdited(
        update_id=900,
        user=ADA,
        chat_id=7,
        at=datetime.fromtimestamp(T0 + 60, UTC),
        message_id=10,
        text="fixed typo",
    )


def test_edited_caption(event: Event) -> None:
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    got = event(edited_message=message(photo=photo, caption="new", edit_date=T0 + 5))
    assert isinstance(got, MessageEdited) and (got.text, got.caption) == (None, "new")


def test_button_press_on_a_message(event: Event) -> None:
    query = {
        "id": "cb-1",
        "from": user(language_code="it"),
        "chat_instance": "ci",
        "data": "onb:lang:en:tok",
        "message": {
            **message(mid=55, text="Which language?"),
            "from": {**user(42), "is_bot": True},
        },
    }
    got = event(callback_query=query)
    assert got == ButtonPress(
        update_id=900,
        user=ADA,
        chat_id=7,
        at=NOW,
        callback_id="cb-1",
        data="onb:lang:en:tok",
        message_id=55,
    )


def test_button_press_on_an_inaccessible_message_has_no_message_id(event: Event) -> None:
    query = {
        "id": "cb-2",
        "from": user(language_code="it"),
        "chat_instance": "ci",
        "data": "x",
        "message": {"message_id": 55, "date": 0, "chat": private_chat()},
    }
    got = event(callback_query=query)
    assert isinstance(got, ButtonPress)
    assert (got.chat_id, got.message_id, got.data) == (7, None, "x")


def test_button_press_defaults_to_the_current_time(parse: Parse) -> None:
    query = {"id": "cb-3", "from": user(), "chat_instance": "ci", "data": "x"}
    got = parse({"update_id": 1, "callback_query": query}, None)
    assert isinstance(got, ButtonPress) and got.message_id is None and got.chat_id == 7
    assert abs((datetime.now(UTC) - got.at).total_seconds()) < 5


def member(status: str) -> dict[str, Any]:
    body: dict[str, Any] = {"user": {**user(42), "is_bot": True}, "status": status}
    if status == "kicked":
        body["until_date"] = 0
    return body


def membership(old: str, new: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "chat": chat or private_chat(),
        "from": user(language_code="it"),
        "date": T0,
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }


def test_blocking_the_bot(event: Event) -> None:
    got = event(my_chat_member=membership("member", "kicked"))
    assert got == BotBlocked(update_id=900, user=ADA, chat_id=7, at=AT)


def test_unblocking_the_bot(event: Event) -> None:
    got = event(my_chat_member=membership("kicked", "member"))
    assert got == BotUnblocked(update_id=900, user=ADA, chat_id=7, at=AT)


GROUP = {"id": -100123, "type": "supergroup", "title": "Volunteers"}
BASIC_GROUP = {
    "id": -123,
    "type": "group",
    "title": "Volunteers",
}  # supergroups: test_group_updates


@pytest.mark.parametrize(
    "update",
    [
        {"message": {**message(text="hi all"), "chat": BASIC_GROUP}},
        {"edited_message": {**message(text="hi", edit_date=T0), "chat": GROUP}},
        {"channel_post": {"message_id": 1, "date": T0, "chat": {"id": -1009, "type": "channel"}}},
        {"my_chat_member": membership("left", "member", chat=BASIC_GROUP)},
        {"my_chat_member": membership("left", "member")},  # not an unblock
        {"message": message(dice={"emoji": "🎲", "value": 3})},  # a kind we do not relay
        {"message": message(new_chat_title="x")},
        {
            "callback_query": {
                "id": "g",
                "from": user(),
                "chat_instance": "ci",
                "data": "x",
                "message": {**message(text="poll"), "chat": BASIC_GROUP},
            }
        },
        {
            "poll_answer": {
                "poll_id": "p",
                "user": user(),
                "option_ids": [0],
                "option_persistent_ids": ["o1"],
            }
        },
    ],
)
def test_what_mentorbot_ignores(update: dict[str, Any], event: Event) -> None:
    assert event(**update) is None


def test_messages_from_bots_are_ignored(event: Event) -> None:
    bot_message = {**message(text="beep"), "from": {**user(99), "is_bot": True}}
    assert event(message=bot_message) is None
