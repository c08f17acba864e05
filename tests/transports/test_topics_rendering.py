"""Forum topics with both frameworks: messages go to their topic (`message_thread_id`), a text to
pin is pinned silently once sent (a refused pin is only logged), topics are closed, reopened and
renamed, with Telegram's errors mapped as for any send; and `Forums` reads a group's rights,
opens topics and remembers the bot's username."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.core import effects as fx
from bot.core.errors import RecipientBlocked, RejectedRequest, RetryLater, TemporaryFailure
from bot.core.models import GroupRights
from bot.transports.aiogram.api import AiogramChatApi
from bot.transports.aiogram.forums import AiogramForums
from bot.transports.forums import BotForums
from bot.transports.ptb.api import PtbChatApi
from bot.transports.ptb.forums import PtbForums
from tests.transports import ptb_support, support
from tests.transports.payloads import ME, T0

GROUP, TOPIC = -1001234, 77
CHAT = {"id": GROUP, "type": "supergroup", "title": "Staff", "is_forum": True}


@dataclass
class Rig:
    """One framework's `ChatApi` and `Forums` over a recording client."""

    api: AiogramChatApi | PtbChatApi
    forums: BotForums
    ok: Callable[[str, Any], None]
    error: Callable[..., None]
    calls: Callable[[], list[tuple[str, dict[str, Any]]]]


def aiogram_rig() -> Rig:
    bot, session = support.recording_bot()

    def calls() -> list[tuple[str, dict[str, Any]]]:
        return [
            (r.__api_method__, {k: v for k, v in r.model_dump().items() if v is not None})
            for r in session.requests
        ]

    return Rig(AiogramChatApi(bot), AiogramForums(bot), session.ok, session.error, calls)


def ptb_rig() -> Rig:
    bot, request = ptb_support.recording_bot()

    def calls() -> list[tuple[str, dict[str, Any]]]:
        return [(c.method, c.params) for c in request.requests]

    return Rig(PtbChatApi(bot), PtbForums(bot), request.ok, request.error, calls)


@pytest.fixture(params=["aiogram", "ptb"])
def rig(request: pytest.FixtureRequest) -> Rig:
    return aiogram_rig() if request.param == "aiogram" else ptb_rig()


def in_group(mid: int, **fields: Any) -> dict[str, Any]:
    """A message the bot sent in the staff group's topic, as Telegram returns it."""
    return {
        "message_id": mid,
        "date": T0,
        "chat": CHAT,
        "from": ME,
        "message_thread_id": TOPIC,
        "is_topic_message": True,
        **fields,
    }


async def test_a_text_goes_to_its_topic_and_is_pinned_silently(rig: Rig) -> None:
    rig.ok("sendMessage", in_group(501, text="Case"))
    rig.ok("pinChatMessage", True)
    effect = fx.SendText(chat_id=GROUP, text="<b>Case</b>", thread_id=TOPIC, pin=True)
    assert await rig.api.apply(effect) == fx.Sent(message_id=501)
    (send, sent), (pin, pinned) = rig.calls()
    assert send == "sendMessage" and sent["message_thread_id"] == TOPIC
    assert sent["chat_id"] == GROUP and sent["text"] == "<b>Case</b>"
    assert pin == "pinChatMessage"
    assert (pinned["chat_id"], pinned["message_id"], pinned["disable_notification"]) == (
        GROUP,
        501,
        True,
    )


async def test_a_refused_pin_is_logged_and_the_send_counts(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.ok("sendMessage", in_group(502, text="Case"))
    rig.error("pinChatMessage", 400, "Bad Request: not enough rights to manage pinned messages")
    effect = fx.SendText(chat_id=GROUP, text="Case", thread_id=TOPIC, pin=True)
    with caplog.at_level(logging.WARNING):
        assert await rig.api.apply(effect) == fx.Sent(message_id=502)
    assert "could not pin message 502" in caplog.text


async def test_without_a_topic_or_a_pin_nothing_more_is_sent(rig: Rig) -> None:
    rig.ok("sendMessage", in_group(503, text="hi"))
    await rig.api.apply(fx.SendText(chat_id=GROUP, text="hi"))
    [(method, params)] = rig.calls()
    assert method == "sendMessage" and "message_thread_id" not in params


async def test_copies_files_and_albums_go_to_their_topic(rig: Rig) -> None:
    rig.ok("copyMessage", {"message_id": 601})
    rig.ok("copyMessages", [{"message_id": 602}, {"message_id": 603}])
    rig.ok("sendDocument", in_group(604, document={"file_id": "d", "file_unique_id": "u"}))
    sizes = [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]
    rig.ok("sendPhoto", in_group(605, photo=sizes))
    effects: list[fx.Effect] = [
        fx.CopyMessage(chat_id=GROUP, from_chat_id=5, message_id=9, thread_id=TOPIC),
        fx.CopyMessages(chat_id=GROUP, from_chat_id=5, message_ids=(9, 10), thread_id=TOPIC),
        fx.SendDocument(chat_id=GROUP, filename="a.csv", content=b"x", thread_id=TOPIC),
        fx.SendPhoto(chat_id=GROUP, filename="c.png", content=b"\x89PNG", thread_id=TOPIC),
    ]
    for effect in effects:
        await rig.api.apply(effect)
    calls = rig.calls()
    assert [m for m, _ in calls] == ["copyMessage", "copyMessages", "sendDocument", "sendPhoto"]
    assert all(int(p["message_thread_id"]) == TOPIC for _, p in calls)


async def test_topics_are_closed_reopened_and_renamed(rig: Rig) -> None:
    for method in ("closeForumTopic", "reopenForumTopic", "editForumTopic"):
        rig.ok(method, True)
    assert await rig.api.apply(fx.CloseTopic(chat_id=GROUP, thread_id=TOPIC)) == fx.Sent()
    assert await rig.api.apply(fx.ReopenTopic(chat_id=GROUP, thread_id=TOPIC)) == fx.Sent()
    renamed = fx.EditTopic(chat_id=GROUP, thread_id=TOPIC, name="Mia — closed")
    assert await rig.api.apply(renamed) == fx.Sent()
    calls = rig.calls()
    assert [m for m, _ in calls] == ["closeForumTopic", "reopenForumTopic", "editForumTopic"]
    assert all((p["chat_id"], p["message_thread_id"]) == (GROUP, TOPIC) for _, p in calls)
    assert calls[2][1]["name"] == "Mia — closed"


@pytest.mark.parametrize(
    ("code", "description", "error"),
    [
        (400, "Bad Request: TOPIC_NOT_MODIFIED", RejectedRequest),
        (403, "Forbidden: bot was kicked from the supergroup chat", RecipientBlocked),
        (429, "Too Many Requests: retry after 3", RetryLater),
        (500, "Internal Server Error", TemporaryFailure),
    ],
)
async def test_topic_errors_map_as_for_sends(
    rig: Rig, code: int, description: str, error: type[Exception]
) -> None:
    extra = {"retry_after": 3} if code == 429 else {}
    rig.error("closeForumTopic", code, description, **extra)
    with pytest.raises(error):
        await rig.api.apply(fx.CloseTopic(chat_id=GROUP, thread_id=TOPIC))


FULL_CHAT = {
    **CHAT,
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    },
    "permissions": {"can_send_messages": True, "can_pin_messages": False},
}


def admin(**rights: bool) -> dict[str, Any]:
    names = [
        "can_be_edited",
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
        "can_manage_topics",
        "can_send_welcome_messages",
    ]
    return {"user": ME, "status": "administrator", **dict.fromkeys(names, False), **rights}


async def test_rights_of_an_administrator(rig: Rig) -> None:
    rig.ok("getChat", FULL_CHAT)
    rig.ok("getChatMember", admin(can_manage_topics=True, can_pin_messages=True))
    assert await rig.forums.rights(GROUP) == GroupRights(
        title="Staff",
        is_forum=True,
        is_admin=True,
        can_manage_topics=True,
        can_pin_messages=True,
        can_delete_messages=False,
    )
    methods = [m for m, _ in rig.calls()]
    assert methods == ["getMe", "getChat", "getChatMember"]
    assert rig.calls()[2][1]["user_id"] == ME["id"]


async def test_rights_of_a_plain_member_follow_the_groups_permissions(rig: Rig) -> None:
    rig.ok("getChat", {**FULL_CHAT, "is_forum": False})
    rig.ok("getChatMember", {"user": ME, "status": "member"})
    assert await rig.forums.rights(GROUP) == GroupRights(
        "Staff", False, False, False, False, False
    )


@pytest.mark.parametrize(
    ("method", "code", "description"),
    [
        ("getChat", 400, "Bad Request: chat not found"),
        ("getChat", 403, "Forbidden: bot is not a member of the supergroup chat"),
    ],
)
async def test_no_rights_where_the_bot_is_not(
    rig: Rig, method: str, code: int, description: str
) -> None:
    rig.error(method, code, description)
    assert await rig.forums.rights(GROUP) is None


async def test_no_rights_once_the_bot_left(rig: Rig) -> None:
    rig.ok("getChat", FULL_CHAT)
    rig.ok("getChatMember", {"user": ME, "status": "left"})
    assert await rig.forums.rights(GROUP) is None


async def test_a_topic_is_opened_and_the_username_asked_once(rig: Rig) -> None:
    rig.ok("createForumTopic", {"message_thread_id": 88, "name": "Mia", "icon_color": 7322096})
    assert await rig.forums.open_topic(GROUP, "Mia") == 88
    assert await rig.forums.username() == "mentorbot"
    assert await rig.forums.username() == "mentorbot"
    calls = rig.calls()
    assert [m for m, _ in calls] == ["createForumTopic", "getMe"]
    assert (calls[0][1]["chat_id"], calls[0][1]["name"]) == (GROUP, "Mia")


async def test_a_refused_topic_raises_a_delivery_error(rig: Rig) -> None:
    rig.error("createForumTopic", 400, "Bad Request: not enough rights to create a topic")
    with pytest.raises(RejectedRequest):
        await rig.forums.open_topic(GROUP, "Mia")
    rig.error("createForumTopic", 502, "Bad Gateway")
    with pytest.raises(TemporaryFailure):
        await rig.forums.open_topic(GROUP, "Mia")
