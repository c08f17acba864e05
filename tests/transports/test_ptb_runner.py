"""`PtbTransport`, its receiver and `make_bot`: start-up calls, updates reaching the handler
(polled or fed), a stop that waits for the batch under way, command menus (the
counterpart of test_aiogram_runner.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.errors import RejectedRequest
from bot.core.events import (
    BotBlocked,
    ButtonPress,
    Inbound,
    TextMessage,
    UnreadableUpdate,
    UserRef,
)
from bot.transports.base import ALLOWED_UPDATES
from bot.transports.ptb import PtbTransport, make_bot
from bot.transports.receiving import Receiver
from tests.transports.payloads import T0, legacy_forward, message, private_chat, user
from tests.transports.ptb_support import RecordingRequest, recording_bot

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
) -> tuple[PtbTransport, Receiver[Any], RecordingRequest]:
    bot, request = recording_bot()
    transport = PtbTransport(bot)
    return transport, transport.receiver(handler, menus=menus or {}), request


async def wait_for(predicate: Any, within: float = 2.0) -> None:
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


def test_make_bot_points_at_the_given_server() -> None:
    bot = make_bot("123:ABC", "http://127.0.0.1:8081")
    assert bot.base_url == "http://127.0.0.1:8081/bot123:ABC"
    assert bot.base_file_url == "http://127.0.0.1:8081/file/bot123:ABC"
    official = make_bot("123:ABC", None)
    assert official.base_url == "https://api.telegram.org/bot123:ABC"


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
    transport, polling, request = receiver(handler, MENUS)
    request.ok("getUpdates", updates)
    await polling.start()
    await wait_for(lambda: len(request.calls("getUpdates")) >= 2)  # the batch was handled
    await polling.stop()
    assert not request.closed  # the sender still needs it
    await transport.close()
    assert request.closed

    names = [r.method for r in request.requests]
    assert names[:4] == ["getMe", "deleteWebhook", "setMyCommands", "setMyCommands"]
    assert request.requests[1].params["drop_pending_updates"] is False  # pending ones kept
    menus = request.calls("setMyCommands")
    assert [m.params.get("language_code") for m in menus] == [None, "it"]
    assert [c["description"] for c in menus[1].params["commands"]] == ["Inizia", "Aiuto"]
    polls = request.calls("getUpdates")
    assert polls[0].params["allowed_updates"] == list(ALLOWED_UPDATES)
    assert "offset" not in polls[0].params
    assert polls[1].params["offset"] == 6  # confirmed once all were handled
    assert sorted(type(e).__name__ for e in handler.events) == sorted(
        [TextMessage.__name__, ButtonPress.__name__, BotBlocked.__name__]
    )


async def test_stop_waits_for_handlers_under_way() -> None:
    handler = RecordingHandler(delay=0.2)
    _, polling, request = receiver(handler)
    request.ok("getUpdates", [{"update_id": 1, "message": message(text="slow")}])
    await polling.start()
    await wait_for(lambda: handler.started == [1])
    await polling.stop()
    assert [e.update_id for e in handler.events] == [1]
    assert len(request.calls("getUpdates")) == 1  # not confirmed meanwhile


async def test_stop_right_after_start_is_safe() -> None:
    transport, polling, request = receiver(RecordingHandler())
    await polling.start()
    await polling.stop()
    await polling.stop()
    await transport.close()
    assert request.closed


async def test_an_update_the_framework_cannot_decode_stops_no_other() -> None:
    handler = RecordingHandler()
    _, polling, request = receiver(handler)
    request.ok(
        "getUpdates",
        [
            {"update_id": 1, "message": message(text="before")},
            {"update_id": 2, "message": legacy_forward()},
            {"update_id": 3, "message": message(text="after")},
        ],
    )
    await polling.start()
    await wait_for(lambda: len(request.calls("getUpdates")) >= 2)
    await polling.stop()
    assert [type(e) for e in handler.events] == [TextMessage, UnreadableUpdate, TextMessage]
    assert polling.unreadable == 1
    polls = request.calls("getUpdates")
    assert polls[1].params["offset"] == 4  # all three confirmed


MALFORMED: list[dict[str, Any]] = [
    {"update_id": 4, "message": "not a message"},
    {"update_id": 5, "message": {"message_id": "x", "date": "never", "chat": 7}},
    {"update_id": 6, "callback_query": {"id": 1, "from": "nobody"}},
    {"update_id": 7, "poll": {"id": "p"}},
]


async def test_fed_updates_are_handled_before_feed_returns() -> None:
    handler = RecordingHandler(explode_on=2, delay=0.01)
    _, hook, request = receiver(handler, MENUS)
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
    names = [r.method for r in request.requests]
    assert names == ["setMyCommands", "setMyCommands", "setWebhook"]
    webhook = request.requests[-1].params
    assert webhook["url"] == "https://bot.example.org/tg" and webhook["secret_token"] == "s3cret"
    assert webhook["allowed_updates"] == list(ALLOWED_UPDATES)


async def test_menus_per_language_and_per_chat() -> None:
    bot, request = recording_bot()
    transport = PtbTransport(bot)
    await transport.set_commands([("stats", "Program stats")], language="it", chat_id=7)
    await transport.set_commands([], chat_id=7)
    put, removed = request.requests
    assert (put.method, removed.method) == ("setMyCommands", "deleteMyCommands")
    assert put.params["language_code"] == "it"
    assert put.params["scope"] == removed.params["scope"] == {"type": "chat", "chat_id": 7}
    request.error("setMyCommands", 400, "Bad Request: chat not found")
    with pytest.raises(RejectedRequest, match="(?i)chat not found"):
        await transport.set_commands([("stats", "Stats")], chat_id=99)
