"""Updates from supergroups, with both frameworks: members' messages, commands, media and button
presses carry the group and their forum topic, topics closed and reopened and the bot's own
membership become events; basic groups and channels stay ignored."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.events import (
    BotGroupStatus,
    ButtonPress,
    Command,
    MediaKind,
    MediaMessage,
    TextMessage,
    TopicClosed,
    TopicReopened,
)
from tests.transports.support import T0, message, user
from tests.transports.test_updates import ADA, AT, NOW, PARSERS, Event

STAFF_ID = -1001234
STAFF: dict[str, Any] = {"id": STAFF_ID, "type": "supergroup", "title": "Staff", "is_forum": True}
TOPIC = 77


@pytest.fixture(params=sorted(PARSERS))
def event(request: pytest.FixtureRequest) -> Event:
    parse = PARSERS[request.param]

    def mapped(**update: Any) -> Any:
        return parse({"update_id": 900, **update}, NOW)

    return mapped


def in_topic(mid: int = 10, topic: int | None = TOPIC, **fields: Any) -> dict[str, Any]:
    """Ada's message in the staff group, in `topic` (None: the general chat)."""
    body = {**message(mid, **fields), "chat": STAFF}
    if topic is not None:
        created = {
            "message_id": topic,
            "date": T0,
            "chat": STAFF,
            "from": user(),
            "message_thread_id": topic,
            "forum_topic_created": {"name": "Mia", "icon_color": 7322096},
        }
        body |= {"message_thread_id": topic, "is_topic_message": True}
        body.setdefault("reply_to_message", created)
    return body


def test_a_text_in_a_topic(event: Event) -> None:
    got = event(message=in_topic(text="on it"))
    assert got == TextMessage(
        update_id=900,
        user=ADA,
        chat_id=STAFF_ID,
        at=AT,
        group=True,
        thread_id=TOPIC,
        message_id=10,
        text="on it",
    )


def test_a_text_in_the_general_chat_has_no_topic(event: Event) -> None:
    got = event(message=in_topic(topic=None, text="hello"))
    assert isinstance(got, TextMessage) and got.group and got.thread_id is None


def test_a_reply_in_a_topic_keeps_the_replied_message(event: Event) -> None:
    replied = {**message(33, text="earlier"), "chat": STAFF, "message_thread_id": TOPIC}
    got = event(message=in_topic(text="yes", reply_to_message=replied))
    assert isinstance(got, TextMessage) and got.reply_to_message_id == 33


def test_a_command_in_a_topic(event: Event) -> None:
    entities = [{"type": "bot_command", "offset": 0, "length": 18}]
    got = event(message=in_topic(text="/pending@mentorbot college", entities=entities))
    assert got == Command(
        update_id=900,
        user=ADA,
        chat_id=STAFF_ID,
        at=AT,
        group=True,
        thread_id=TOPIC,
        message_id=10,
        name="pending",
        args="college",
        to_bot="mentorbot",
    )


def test_a_photo_in_a_topic(event: Event) -> None:
    sizes = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    got = event(message=in_topic(photo=sizes, caption="scan"))
    assert isinstance(got, MediaMessage) and got.group and got.thread_id == TOPIC
    assert (got.media, got.file_id, got.caption) == (MediaKind.PHOTO, "p1", "scan")


def test_a_button_pressed_in_a_topic(event: Event) -> None:
    pressed = {**in_topic(55, text="Case"), "from": {**user(42), "is_bot": True}}
    query = {
        "id": "cb-1",
        "from": user(language_code="it"),
        "chat_instance": "ci",
        "data": "st:pending:*:0",
        "message": pressed,
    }
    got = event(callback_query=query)
    assert got == ButtonPress(
        update_id=900,
        user=ADA,
        chat_id=STAFF_ID,
        at=NOW,
        group=True,
        thread_id=TOPIC,
        callback_id="cb-1",
        data="st:pending:*:0",
        message_id=55,
    )


def test_a_topic_closed_and_reopened(event: Event) -> None:
    closed = event(message=in_topic(forum_topic_closed={}))
    reopened = event(message=in_topic(forum_topic_reopened={}))
    assert closed == TopicClosed(
        update_id=900, user=ADA, chat_id=STAFF_ID, at=AT, group=True, thread_id=TOPIC
    )
    assert reopened == TopicReopened(
        update_id=900, user=ADA, chat_id=STAFF_ID, at=AT, group=True, thread_id=TOPIC
    )


def bot_member(status: str, **rights: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"user": {**user(42), "is_bot": True}, "status": status}
    if status == "administrator":
        body |= {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_pin_messages": True,
            "can_send_welcome_messages": False,  # aiogram 3.31 requires it
            **rights,
        }
    if status == "kicked":
        body["until_date"] = 0
    return body


def changed(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {
        "chat": STAFF,
        "from": user(language_code="it"),
        "date": T0,
        "old_chat_member": old,
        "new_chat_member": new,
    }


@pytest.mark.parametrize(
    ("old", "new", "status", "manages"),
    [
        (bot_member("left"), bot_member("member"), "member", False),
        (
            bot_member("member"),
            bot_member("administrator", can_manage_topics=True),
            "administrator",
            True,
        ),
        (
            bot_member("member"),
            bot_member("administrator", can_manage_topics=False),
            "administrator",
            False,
        ),
        (bot_member("administrator", can_manage_topics=True), bot_member("left"), "left", False),
        (bot_member("member"), bot_member("kicked"), "kicked", False),
    ],
)
def test_the_bot_added_promoted_or_removed(
    event: Event, old: dict[str, Any], new: dict[str, Any], status: str, manages: bool
) -> None:
    got = event(my_chat_member=changed(old, new))
    assert got == BotGroupStatus(
        update_id=900,
        user=ADA,
        chat_id=STAFF_ID,
        at=AT,
        group=True,
        status=status,
        can_manage_topics=manages,
    )
    assert type(got.status) is str


BASIC = {"id": -55, "type": "group", "title": "Old group"}
CHANNEL = {"id": -1009, "type": "channel", "title": "News"}


@pytest.mark.parametrize(
    "update",
    [
        {"message": {**message(text="/pending"), "chat": BASIC}},
        {"message": {**message(text="hi"), "chat": CHANNEL}},
        {"my_chat_member": {**changed(bot_member("left"), bot_member("member")), "chat": BASIC}},
        {"my_chat_member": {**changed(bot_member("left"), bot_member("member")), "chat": CHANNEL}},
        {
            "callback_query": {
                "id": "g",
                "from": user(),
                "chat_instance": "ci",
                "data": "st:pending:*:0",
                "message": {**message(text="x"), "chat": BASIC},
            }
        },
        {"message": {**in_topic(text="beep"), "from": {**user(99), "is_bot": True}}},
        {"message": in_topic(new_chat_title="x")},  # other service messages
        {"message": in_topic(forum_topic_edited={"name": "Renamed"})},
        {"edited_message": {**in_topic(text="edited"), "edit_date": T0}},
    ],
)
def test_what_mentorbot_ignores_in_groups(update: dict[str, Any], event: Event) -> None:
    assert event(**update) is None


BOT_USER: dict[str, Any] = {"id": 4242, "is_bot": True, "first_name": "Mentorbot"}


def test_a_pinned_message_notice_is_ignored_whoever_pinned(event: Event) -> None:
    """Telegram posts a `pinned_message` service message for every pin; mentorbot acts on none
    of them, even when the pinned message was a command."""
    card = {**in_topic(33, text="/close"), "from": BOT_USER}
    by_bot = {**in_topic(34, pinned_message=card), "from": BOT_USER}
    by_member = in_topic(35, pinned_message=card)
    in_private = message(36, pinned_message=message(12, text="/partner"))
    for notice in (by_bot, by_member, in_private):
        assert event(message=notice) is None
