"""`PtbChatApi`: each effect becomes the right Bot API call, and every answer maps to the same
core error as with aiogram (see test_aiogram_api.py, which this mirrors)."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from bot.core import effects as fx
from bot.core.errors import (
    DeliveryError,
    RecipientBlocked,
    RejectedRequest,
    RetryLater,
    TemporaryFailure,
)
from bot.sandbox import SandboxClient, start_sandbox
from bot.transports.ptb.api import PtbChatApi
from bot.transports.ptb.runner import make_bot
from tests.transports.payloads import sent_message
from tests.transports.ptb_support import RecordingRequest, recording_bot

Fixture = tuple[PtbChatApi, RecordingRequest]


@pytest.fixture
def api_and_request() -> Fixture:
    bot, request = recording_bot()
    return PtbChatApi(bot), request


async def test_send_text_with_buttons_and_a_threaded_reply(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.ok("sendMessage", sent_message(501, text="Hi"))
    buttons = fx.keyboard(
        [
            [fx.Button("Yes", data="y:1"), fx.Button("No", data="n:1")],
            [fx.Button("Site", url="https://example.org")],
        ]
    )
    effect = fx.SendText(chat_id=7, text="<b>Hi</b>", buttons=buttons, reply_to_message_id=9)
    assert await api.apply(effect) == fx.Sent(message_id=501)
    (call,) = request.requests
    assert call.method == "sendMessage"
    params = call.params
    assert (params["chat_id"], params["text"], params["parse_mode"]) == (7, "<b>Hi</b>", "HTML")
    assert params["reply_parameters"] == {"message_id": 9, "allow_sending_without_reply": True}
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "y:1"}, {"text": "No", "callback_data": "n:1"}],
            [{"text": "Site", "url": "https://example.org"}],
        ]
    }
    assert "allow_paid_broadcast" not in params


async def test_plain_text_has_no_keyboard_and_no_reply(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.ok("sendMessage", sent_message(502))
    await api.apply(fx.SendText(chat_id=7, text="plain"))
    (call,) = request.requests
    assert "reply_markup" not in call.params and "reply_parameters" not in call.params


async def test_edit_text_and_not_modified_counts_as_success(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.ok("editMessageText", sent_message(40, text="v2"))
    request.error(
        "editMessageText",
        400,
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message",
    )
    effect = fx.EditText(
        chat_id=7, message_id=40, text="v2", buttons=fx.keyboard([[fx.Button("Ok", data="ok")]])
    )
    assert await api.apply(effect) == fx.Sent(message_id=40)
    assert await api.apply(effect) == fx.Sent(message_id=40)
    params = request.requests[0].params
    assert (params["chat_id"], params["message_id"], params["parse_mode"]) == (7, 40, "HTML")
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "Ok", "callback_data": "ok"}]]}


async def test_other_edit_errors_are_rejections(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.error("editMessageText", 400, "Bad Request: message to edit not found")
    with pytest.raises(RejectedRequest, match="(?i)message to edit not found"):
        await api.apply(fx.EditText(chat_id=7, message_id=40, text="v2"))


async def test_answer_button(api_and_request: Fixture) -> None:
    api, request = api_and_request
    assert (
        await api.apply(fx.AnswerButton(callback_id="cb", text="Saved", alert=True)) == fx.Sent()
    )
    await api.apply(fx.AnswerButton(callback_id="cb2"))
    first, second = request.requests
    assert first.params == {"callback_query_id": "cb", "text": "Saved", "show_alert": True}
    assert second.params == {"callback_query_id": "cb2"}


async def test_answer_too_old_is_rejected(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.error(
        "answerCallbackQuery",
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    with pytest.raises(RejectedRequest, match="too old"):
        await api.apply(fx.AnswerButton(callback_id="old"))


async def test_copy_message_never_forwards(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.ok("copyMessage", {"message_id": 77})
    effect = fx.CopyMessage(
        chat_id=8, from_chat_id=7, message_id=10, caption="<i>from Ada</i>", reply_to_message_id=5
    )
    assert await api.apply(effect) == fx.Sent(message_id=77)
    (call,) = request.requests
    assert call.method == "copyMessage"
    params = call.params
    assert (params["chat_id"], params["from_chat_id"], params["message_id"]) == (8, 7, 10)
    assert (params["caption"], params["parse_mode"]) == ("<i>from Ada</i>", "HTML")
    assert params["reply_parameters"]["message_id"] == 5


async def test_copy_without_caption_keeps_the_original_one(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.ok("copyMessage", {"message_id": 78})
    await api.apply(fx.CopyMessage(chat_id=8, from_chat_id=7, message_id=11))
    (call,) = request.requests
    assert "caption" not in call.params and "parse_mode" not in call.params


async def test_document_and_photo_upload_our_bytes(api_and_request: Fixture) -> None:
    api, request = api_and_request
    doc = {"file_id": "D", "file_unique_id": "d", "file_name": "mydata.json"}
    photo = [{"file_id": "P", "file_unique_id": "p", "width": 10, "height": 10}]
    request.ok("sendDocument", sent_message(601, document=doc))
    request.ok("sendPhoto", sent_message(602, photo=photo))
    assert await api.apply(
        fx.SendDocument(chat_id=7, filename="mydata.json", content=b"{}", caption="Your data")
    ) == fx.Sent(message_id=601)
    assert await api.apply(
        fx.SendPhoto(chat_id=7, filename="chart.png", content=b"\x89PNG")
    ) == fx.Sent(message_id=602)
    document, picture = request.requests
    assert (document.method, picture.method) == ("sendDocument", "sendPhoto")
    (doc_file,) = document.files.values()
    assert doc_file[:2] == ("mydata.json", b"{}")
    assert (document.params["caption"], document.params["parse_mode"]) == ("Your data", "HTML")
    (photo_file,) = picture.files.values()
    assert photo_file[:2] == ("chart.png", b"\x89PNG")


async def test_copy_messages_returns_every_copy(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.ok("copyMessages", [{"message_id": 90}, {"message_id": 91}])
    effect = fx.CopyMessages(chat_id=8, from_chat_id=7, message_ids=(3, 4))
    assert await api.apply(effect) == fx.Sent(message_id=90, extra={"message_ids": [90, 91]})
    assert request.requests[0].params["message_ids"] == [3, 4]


async def test_edit_caption_sets_and_removes_captions(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.ok("editMessageCaption", sent_message(40, caption="new"))
    request.ok("editMessageCaption", sent_message(40))
    await api.apply(fx.EditCaption(chat_id=8, message_id=40, caption="<b>new</b>"))
    await api.apply(fx.EditCaption(chat_id=8, message_id=40))
    first, second = request.requests
    assert (first.params["caption"], first.params["parse_mode"]) == ("<b>new</b>", "HTML")
    assert "caption" not in second.params and "parse_mode" not in second.params


async def test_a_staff_menu_for_one_chat_and_its_removal(api_and_request: Fixture) -> None:
    api, request = api_and_request
    menu = fx.SetCommands(chat_id=7, commands=(("stats", "Program stats"),))
    assert await api.apply(menu) == fx.Sent()
    assert await api.apply(fx.SetCommands(chat_id=7)) == fx.Sent()
    put, removed = request.requests
    assert put.method == "setMyCommands" and removed.method == "deleteMyCommands"
    assert put.params["commands"] == [{"command": "stats", "description": "Program stats"}]
    assert put.params["scope"] == removed.params["scope"] == {"type": "chat", "chat_id": 7}


TEXT = fx.SendText(chat_id=7, text="hello")


@pytest.mark.parametrize(
    ("code", "description", "expected"),
    [
        (403, "Forbidden: bot was blocked by the user", RecipientBlocked),
        (403, "Forbidden: user is deactivated", RecipientBlocked),
        (400, "Bad Request: chat not found", RejectedRequest),
        (400, "Bad Request: can't parse entities: Unsupported start tag", RejectedRequest),
        (404, "Not Found", RejectedRequest),
        (413, "Request Entity Too Large", RejectedRequest),
        (500, "Internal Server Error", TemporaryFailure),
        (502, "Bad Gateway", TemporaryFailure),
        (500, "Internal Server Error: restart", TemporaryFailure),
        (401, "Unauthorized", TemporaryFailure),
        (409, "Conflict", TemporaryFailure),
        (418, "I'm a teapot", RejectedRequest),
    ],
)
async def test_error_codes_are_mapped(
    api_and_request: Fixture, code: int, description: str, expected: type[DeliveryError]
) -> None:
    api, request = api_and_request
    request.error("sendMessage", code, description)
    with pytest.raises(expected) as caught:
        await api.apply(TEXT)
    assert type(caught.value) is expected
    # PTB drops the "Bad Request: " prefix and capitalises the rest
    assert description.removeprefix("Bad Request: ").lower() in str(caught.value).lower()


async def test_429_carries_retry_after(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.error("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryLater) as caught:
        await api.apply(TEXT)
    assert caught.value.seconds == 7


async def test_a_group_that_became_a_supergroup_is_a_rejection(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.error(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234,
    )
    with pytest.raises(RejectedRequest, match="-1001234"):
        await api.apply(TEXT)


@pytest.mark.parametrize(
    "exc",
    [
        TimeoutError(),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("slow"),
        ConnectionResetError(),
    ],
)
async def test_network_trouble_is_temporary(api_and_request: Fixture, exc: BaseException) -> None:
    api, request = api_and_request
    request.fail("sendMessage", exc)
    with pytest.raises(TemporaryFailure):
        await api.apply(TEXT)


@pytest.mark.parametrize("answer", [{"not": "a message"}, "not even an object"])
async def test_a_malformed_answer_is_temporary(api_and_request: Fixture, answer: object) -> None:
    api, request = api_and_request
    request.ok("sendMessage", answer)
    with pytest.raises(TemporaryFailure):
        await api.apply(TEXT)


NGINX_502 = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@pytest.mark.parametrize(
    ("status", "body"), [(502, NGINX_502), (500, b""), (200, NGINX_502), (429, b"slow down")]
)
async def test_an_answer_that_is_not_json_is_temporary_and_not_logged(
    api_and_request: Fixture, caplog: pytest.LogCaptureFixture, status: int, body: bytes
) -> None:
    # issue 13, defect 11: PTB logged such a page at ERROR with a traceback, though the
    # message is retried and delivered
    caplog.set_level(logging.DEBUG)
    api, request = api_and_request
    request.raw("sendMessage", status, body)
    with pytest.raises(TemporaryFailure) as caught:
        await api.apply(TEXT)
    assert "nginx" not in str(caught.value) and "\n" not in str(caught.value)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert "nginx" not in caplog.text


async def test_nothing_else_leaks(
    api_and_request: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = api_and_request

    async def broken(**_: object) -> None:
        raise KeyError("secret message text")

    monkeypatch.setattr(api, "bot", type("B", (), {"send_message": staticmethod(broken)})())
    with pytest.raises(RejectedRequest) as caught:
        await api.apply(TEXT)
    assert "secret" not in str(caught.value)


async def test_an_impossible_request_is_a_rejection(
    api_and_request: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, request = api_and_request

    async def refuses(**_: object) -> None:
        raise ValueError("PTB checks some arguments before sending")

    monkeypatch.setattr(api, "bot", type("B", (), {"send_message": staticmethod(refuses)})())
    with pytest.raises(RejectedRequest, match="invalid request"):
        await api.apply(TEXT)
    assert request.requests == []


async def test_cancellation_is_not_swallowed(api_and_request: Fixture) -> None:
    api, request = api_and_request
    request.fail("sendMessage", asyncio.CancelledError())
    with pytest.raises(asyncio.CancelledError):
        await api.apply(TEXT)


@pytest.mark.parametrize("paid", [False, True])
async def test_send_like_calls_carry_the_paid_flag_only_in_paid_mode(paid: bool) -> None:
    bot, request = recording_bot()
    api = PtbChatApi(bot, paid_broadcast=paid)
    request.ok("sendMessage", sent_message(1))
    request.ok("copyMessage", {"message_id": 2})
    await api.apply(fx.SendText(chat_id=7, text="hi"))
    await api.apply(fx.CopyMessage(chat_id=7, from_chat_id=8, message_id=3))
    await api.apply(fx.AnswerButton(callback_id="cb"))
    flags = [call.params.get("allow_paid_broadcast") for call in request.requests]
    assert flags == ([True, True, None] if paid else [None, None, None])


async def test_over_http_the_sandbox_applies_the_paid_limit() -> None:
    """40 messages at once to 40 chats: above the free 30/s, so only the paid mode gets them all
    through (the parameter really travels in PTB's encoding)."""
    running = await start_sandbox()
    bot = make_bot("4242:paid-test", running.url)
    try:
        async with SandboxClient(running.url) as client:
            chats = [(await client.create_user(f"U{n}")).id for n in range(40)]
        api = PtbChatApi(bot, paid_broadcast=True)
        for chat in chats:
            await api.apply(fx.SendText(chat_id=chat, text="news"))
        sends = [e for e in running.sandbox.request_log if e["method"] == "sendMessage"]
        assert [e["status"] for e in sends] == [200] * 40
    finally:
        await bot.shutdown()
        await running.stop()
