"""Updates the framework cannot decode (issue 13, defect 10): what is read of them from the raw
JSON, how they are logged and counted, and how the core answers them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core import effects as fx
from bot.core.events import UnreadableUpdate, UserRef
from bot.transports.unreadable import SetAside, unreadable_event
from tests.dialog import Bot, Dialog
from tests.transports.payloads import T0, legacy_forward, message, private_chat, user

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)
AT = datetime.fromtimestamp(T0, UTC)


def test_a_private_message_names_its_person_and_chat() -> None:
    event = unreadable_event({"update_id": 9, "message": legacy_forward()}, NOW)
    assert event == UnreadableUpdate(
        update_id=9, user=UserRef(id=7, language_code="it"), chat_id=7, at=AT
    )
    assert event.user.first_name == "" and event.user.username is None, "no names kept"


def test_an_edit_is_dated_by_its_edit() -> None:
    edited = {**message(), "edit_date": T0 + 60}
    event = unreadable_event({"update_id": 9, "edited_message": edited}, NOW)
    assert event is not None and event.at == datetime.fromtimestamp(T0 + 60, UTC)


def test_a_button_press_is_answered_in_its_chat_or_the_pressers() -> None:
    press: dict[str, Any] = {"id": "q", "from": user(), "chat_instance": "c"}
    without = unreadable_event({"update_id": 9, "callback_query": press}, NOW)
    assert without is not None and without.chat_id == 7 and without.at == NOW
    with_message = {**press, "message": message()}
    assert unreadable_event({"update_id": 9, "callback_query": with_message}, NOW) is not None


@pytest.mark.parametrize(
    "raw",
    [
        {"update_id": 9, "message": {**message(), "chat": {"id": -5, "type": "group"}}},
        {"update_id": 9, "message": {**message(), "from": {**user(), "is_bot": True}}},
        {"update_id": 9, "message": {**message(), "from": "nobody"}},
        {"update_id": 9, "message": {**message(), "chat": {"id": "7", "type": "private"}}},
        {"update_id": 9, "message": "not a message"},
        {"update_id": "9", "message": message()},
        {"update_id": 9, "my_chat_member": {"chat": private_chat(), "from": user()}},
        {"update_id": 9, "poll": {"id": "p"}},
        {"update_id": 9},
    ],
)
def test_no_one_to_answer(raw: dict[str, Any]) -> None:
    assert unreadable_event(raw, NOW) is None


def test_set_aside_logs_ids_only_and_counts_each_update_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    aside = SetAside()
    raw = {"update_id": 9, "message": legacy_forward()}
    error = TypeError("missing sender_user_name in 'a secret word'")
    for _ in range(3):  # polling fetches it again while another update of its batch fails
        assert aside.event(raw, error, NOW) is not None
    assert aside.count == 1
    aside.event({"update_id": 10, "message": "x"}, error, NOW)
    assert aside.count == 2
    assert [r.getMessage() for r in caplog.records] == [
        "update 9 (message) could not be decoded (TypeError); set aside",
        "update 10 (message) could not be decoded (TypeError); set aside",
    ]
    assert all(r.levelno == logging.WARNING for r in caplog.records)


async def _unreadable(bot: Bot, user_id: int, language_code: str | None) -> list[fx.Effect]:
    event = UnreadableUpdate(
        update_id=900 + user_id,
        user=UserRef(id=user_id, language_code=language_code),
        chat_id=user_id,
        at=bot.clock.now(),
    )
    await bot.conversations.handle(event)
    await bot.conversations.handle(event)  # redelivered: answered once
    return [e for e in bot.store.pending_effects() if fx.chat_of(e) == user_id]


async def test_the_core_asks_again_in_the_stored_language_else_the_apps() -> None:
    bot = Bot()
    known = Dialog(bot, 100, language_code="en")
    await known.say("/start")
    assert (person := bot.person(100)) is not None and person.language == "en"
    before = len([e for e in bot.store.pending_effects() if fx.chat_of(e) == 100])
    effects = await _unreadable(bot, 100, "it")  # the app says Italian; we stored English
    assert [getattr(e, "text", None) for e in effects[before:]] == [
        "I couldn't read that message — please send it again as text."
    ]
    assert bot.person(100) == person, "nothing about them changed"
    stranger = await _unreadable(bot, 200, "it-IT")
    assert [getattr(e, "text", None) for e in stranger] == [
        "Non riesco a leggere quel messaggio: mandalo di nuovo come testo, per favore."
    ]
    assert bot.person(200) is None, "nothing stored of someone we don't know"
    default = await _unreadable(bot, 300, None)
    assert [getattr(e, "text", None) for e in default] == [
        "I couldn't read that message — please send it again as text."
    ]
