"""`AiogramTransport`, its receiver and `make_bot`: start-up calls, updates reaching the handler
(polled or fed), clean stop, command menus."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import DeleteMyCommands, DeleteWebhook, GetUpdates, SetMyCommands, SetWebhook
from aiogram.types import BotCommandScopeChat

from bot.core.errors import RejectedRequest
from bot.core.events import (
    BotBlocked,
    ButtonPress,
    Inbound,
    TextMessage,
    UnreadableUpdate,
    UserRef,
)
from bot.transports.aiogram import AiogramTransport, make_bot
from bot.transports.base import ALLOWED_UPDATES
from bot.transports.receiving import Receiver
from tests.transports.payloads import legacy_forward
from tests.transports.support import (
    T0,
    RecordingSession,
    message,
    private_chat,
    recording_bot,
    user,
)

MENUS = {
    None: [("start", "Start"), ("help", "Help")],
    "it": [("start", "Inizia"), ("help", "Aiuto")],
}


class RecordingHandler:
    def __init__(self, *, explode_on: int | None = None, delay: float = 0.0) -> None:
        self.events: list[Inbound] = []
        self.started: list[int] = []
        self.explode_on = explode_on
        self.delay = delay

    async def handle(self, event: Inbound) -> None:
        self.started.append(event.update_id)
        if self.delay:
            await asyncio.sleep(self.delay)
        if event.update_id == self.explode_on:
            raise RuntimeError("a secret message body")
        self.events.append(event)


def receiver(
    handler: RecordingHandler, menus: dict[str | None, list[tuple[str, str]]] | None = None
) -> tuple[AiogramTransport, Receiver[Any], RecordingSession]:
    bot, session = recording_bot()
    transport = AiogramTransport(bot)
    return transport, transport.receiver(handler, menus=menus or {}), session


async def wait_for(predicate: Any, within: float = 2.0) -> None:
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


def test_make_bot_points_at_the_given_server() -> None:
    bot = make_bot("123:ABC", "http://127.0.0.1:8081/")
    assert bot.session.api.api_url("123:ABC", "getMe") == "http://127.0.0.1:8081/bot123:ABC/getMe"
    assert bot.id == 123
    official = make_bot("123:ABC", None)
    assert official.session.api.api_url("1:x", "getMe") == "https://api.telegram.org/bot1:x/getMe"


async def test_start_sets_up_polls_and_hands_over_events() -> None:
    updates = [
        {"update_id": 1, "message": message(text="hello")},
        {"update_id": 2, "message": message(text="boom")},
        {
            "update_id": 3,
            "callback_query": {"id": "cb", "from": user(), "chat_instance": "c", "data": "d"},
        },
        {
            "update_id": 4,
            "my_chat_member": {
                "chat": private_chat(),
                "from": user(),
                "date": T0,
                "old_chat_member": {"user": {**user(42), "is_bot": True}, "status": "member"},
                "new_chat_member": {
                    "user": {**user(42), "is_bot": True},
                    "status": "kicked",
                    "until_date": 0,
                },
            },
        },
        {"update_id": 5, "message": {**message(text="hi"), "chat": {"id": -5, "type": "group"}}},
    ]
    handler = RecordingHandler(explode_on=2)
    transport, polling, session = receiver(handler, MENUS)
    session.ok("getUpdates", updates)
    await polling.start()
    await wait_for(lambda: len(session.calls("getUpdates")) >= 2)  # the batch was handled
    await polling.stop()
    assert not session.closed  # the sender still needs it
    await transport.close()

    names = [r.__api_method__ for r in session.requests]
    assert names[:4] == ["deleteWebhook", "setMyCommands", "setMyCommands", "getUpdates"]
    delete = session.requests[0]
    assert isinstance(delete, DeleteWebhook) and delete.drop_pending_updates is False
    menus = [r for r in session.requests if isinstance(r, SetMyCommands)]
    assert [m.language_code for m in menus] == [None, "it"]
    assert [c.description for c in menus[1].commands] == ["Inizia", "Aiuto"]
    polls = [r for r in session.requests if isinstance(r, GetUpdates)]
    assert polls[0].allowed_updates == list(ALLOWED_UPDATES)
    assert polls[0].offset is None and polls[1].offset == 6  # confirmed once all were handled
    assert [type(e) for e in handler.events] == [TextMessage, ButtonPress, BotBlocked]
    assert session.closed


async def test_stop_waits_for_handlers_under_way() -> None:
    handler = RecordingHandler(delay=0.2)
    _, polling, session = receiver(handler)
    session.ok("getUpdates", [{"update_id": 1, "message": message(text="slow")}])
    await polling.start()
    await wait_for(lambda: handler.started == [1])
    await polling.stop()
    assert [e.update_id for e in handler.events] == [1]
    assert len(session.calls("getUpdates")) == 1  # not confirmed meanwhile


async def test_stop_right_after_start_is_safe() -> None:
    transport, polling, session = receiver(RecordingHandler())
    await polling.start()
    await polling.stop()
    await polling.stop()
    await transport.close()
    assert session.closed


async def test_an_update_the_framework_cannot_decode_stops_no_other() -> None:
    handler = RecordingHandler()
    _, polling, session = receiver(handler)
    session.ok(
        "getUpdates",
        [
            {"update_id": 1, "message": message(text="before")},
            {"update_id": 2, "message": legacy_forward()},
            {"update_id": 3, "message": message(text="after")},
        ],
    )
    await polling.start()
    await wait_for(lambda: len(session.calls("getUpdates")) >= 2)
    await polling.stop()
    assert [type(e) for e in handler.events] == [TextMessage, UnreadableUpdate, TextMessage]
    assert polling.unreadable == 1
    polls = [r for r in session.requests if isinstance(r, GetUpdates)]
    assert polls[1].offset == 4  # all three confirmed


MALFORMED: list[dict[str, Any]] = [
    {"update_id": 4, "message": "not a message"},
    {"update_id": 5, "message": {"message_id": "x", "date": "never", "chat": 7}},
    {"update_id": 6, "callback_query": {"id": 1, "from": "nobody"}},
    {"update_id": 7, "poll": {"id": "p"}},
]


async def test_fed_updates_are_handled_before_feed_returns() -> None:
    handler = RecordingHandler(explode_on=2, delay=0.01)
    _, hook, session = receiver(handler, MENUS)
    await hook.start_webhook("https://bot.example.org/tg", secret_token="s3cret")
    await hook.feed_update({"update_id": 1, "message": message(text="hello")})
    assert [e.update_id for e in handler.events] == [1]
    with pytest.raises(RuntimeError):  # the server decides what to answer
        await hook.feed_update({"update_id": 2, "message": message(text="boom")})
    await hook.feed_update({"update_id": 3, "future_kind": {"id": "p"}})  # a kind unknown here
    for malformed in MALFORMED:  # the same on both transports: set aside, no one to answer
        await hook.feed_update(malformed)
    assert [e.update_id for e in handler.events] == [1]
    assert hook.unreadable == len(MALFORMED)
    # what Telegram really sends and the framework cannot decode: its sender is asked again
    await hook.feed_update({"update_id": 8, "message": legacy_forward()})
    assert hook.unreadable == len(MALFORMED) + 1
    assert handler.events[-1] == UnreadableUpdate(
        update_id=8,
        user=UserRef(id=7, language_code="it"),
        chat_id=7,
        at=datetime.fromtimestamp(T0, UTC),
    )
    names = [r.__api_method__ for r in session.requests]
    assert names == ["setMyCommands", "setMyCommands", "setWebhook"]
    webhook = session.requests[-1]
    assert isinstance(webhook, SetWebhook)
    assert webhook.secret_token == "s3cret" and webhook.allowed_updates == list(ALLOWED_UPDATES)


async def test_menus_per_language_and_per_chat() -> None:
    bot, session = recording_bot()
    transport = AiogramTransport(bot)
    await transport.set_commands([("stats", "Program stats")], language="it", chat_id=7)
    await transport.set_commands([], chat_id=7)
    set_menu, delete = session.requests
    assert isinstance(set_menu, SetMyCommands) and isinstance(delete, DeleteMyCommands)
    assert set_menu.language_code == "it"
    assert isinstance(set_menu.scope, BotCommandScopeChat) and set_menu.scope.chat_id == 7
    assert isinstance(delete.scope, BotCommandScopeChat) and delete.scope.chat_id == 7
    session.error("setMyCommands", 400, "Bad Request: chat not found")
    try:
        await transport.set_commands([("stats", "Stats")], chat_id=99)
    except RejectedRequest as exc:
        assert "chat not found" in str(exc)
    else:
        raise AssertionError("a refused menu must raise RejectedRequest")
