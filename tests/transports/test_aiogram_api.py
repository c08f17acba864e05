"""`AiogramChatApi`: the request each effect becomes, and how Telegram's errors are mapped."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.core import effects as fx
from bot.core.errors import (
    DeliveryError,
    RecipientBlocked,
    RejectedRequest,
    RetryLater,
    TemporaryFailure,
)
from bot.transports.aiogram.api import AiogramChatApi
from tests.transports.support import RecordingSession, recording_bot, sent_message


@pytest.fixture
def api_and_session() -> tuple[AiogramChatApi, RecordingSession]:
    bot, session = recording_bot()
    return AiogramChatApi(bot), session


async def test_send_text_with_buttons_and_a_threaded_reply(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.ok("sendMessage", sent_message(501, text="Hi"))
    buttons = fx.keyboard(
        [
            [fx.Button("Yes", data="y:1"), fx.Button("No", data="n:1")],
            [fx.Button("Site", url="https://example.org")],
        ]
    )
    effect = fx.SendText(chat_id=7, text="<b>Hi</b>", buttons=buttons, reply_to_message_id=9)
    assert await api.apply(effect) == fx.Sent(message_id=501)
    (request,) = session.requests
    assert isinstance(request, SendMessage)
    assert (request.chat_id, request.text, request.parse_mode) == (7, "<b>Hi</b>", "HTML")
    assert request.reply_parameters is not None
    assert request.reply_parameters.message_id == 9
    assert request.reply_parameters.allow_sending_without_reply is True
    markup = request.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    rows = [[(b.text, b.callback_data, b.url) for b in row] for row in markup.inline_keyboard]
    assert rows == [
        [("Yes", "y:1", None), ("No", "n:1", None)],
        [("Site", None, "https://example.org")],
    ]


async def test_plain_text_has_no_keyboard_and_no_reply(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.ok("sendMessage", sent_message(502))
    await api.apply(fx.SendText(chat_id=7, text="plain"))
    (request,) = session.requests
    assert isinstance(request, SendMessage)
    assert request.reply_markup is None and request.reply_parameters is None


async def test_edit_text_and_not_modified_counts_as_success(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.ok("editMessageText", sent_message(40, text="v2"))
    session.error(
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
    request = session.requests[0]
    assert isinstance(request, EditMessageText)
    assert (request.chat_id, request.message_id, request.parse_mode) == (7, 40, "HTML")
    assert isinstance(request.reply_markup, InlineKeyboardMarkup)


async def test_other_edit_errors_are_rejections(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.error("editMessageText", 400, "Bad Request: message to edit not found")
    with pytest.raises(RejectedRequest, match="message to edit not found"):
        await api.apply(fx.EditText(chat_id=7, message_id=40, text="v2"))


async def test_answer_button(api_and_session: tuple[AiogramChatApi, RecordingSession]) -> None:
    api, session = api_and_session
    assert (
        await api.apply(fx.AnswerButton(callback_id="cb", text="Saved", alert=True)) == fx.Sent()
    )
    await api.apply(fx.AnswerButton(callback_id="cb2"))
    first, second = session.requests
    assert isinstance(first, AnswerCallbackQuery) and isinstance(second, AnswerCallbackQuery)
    assert (first.callback_query_id, first.text, first.show_alert) == ("cb", "Saved", True)
    assert (second.text, second.show_alert) == (None, None)


async def test_answer_too_old_is_rejected(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.error(
        "answerCallbackQuery",
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    with pytest.raises(RejectedRequest, match="too old"):
        await api.apply(fx.AnswerButton(callback_id="old"))


async def test_copy_message_never_forwards(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.ok("copyMessage", {"message_id": 77})
    effect = fx.CopyMessage(
        chat_id=8, from_chat_id=7, message_id=10, caption="<i>from Ada</i>", reply_to_message_id=5
    )
    assert await api.apply(effect) == fx.Sent(message_id=77)
    (request,) = session.requests
    assert isinstance(request, CopyMessage)
    assert (request.chat_id, request.from_chat_id, request.message_id) == (8, 7, 10)
    assert (request.caption, request.parse_mode) == ("<i>from Ada</i>", "HTML")
    assert request.reply_parameters is not None and request.reply_parameters.message_id == 5
    assert [r.__api_method__ for r in session.requests] == ["copyMessage"]


async def test_copy_without_caption_keeps_the_original_one(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.ok("copyMessage", {"message_id": 78})
    await api.apply(fx.CopyMessage(chat_id=8, from_chat_id=7, message_id=11))
    (request,) = session.requests
    assert isinstance(request, CopyMessage)
    assert request.caption is None and request.parse_mode is None


async def test_document_and_photo_upload_our_bytes(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    doc = {"file_id": "D", "file_unique_id": "d", "file_name": "mydata.json"}
    photo = [{"file_id": "P", "file_unique_id": "p", "width": 10, "height": 10}]
    session.ok("sendDocument", sent_message(601, document=doc))
    session.ok("sendPhoto", sent_message(602, photo=photo))
    assert await api.apply(
        fx.SendDocument(chat_id=7, filename="mydata.json", content=b"{}", caption="Your data")
    ) == fx.Sent(message_id=601)
    assert await api.apply(
        fx.SendPhoto(chat_id=7, filename="chart.png", content=b"\x89PNG")
    ) == fx.Sent(message_id=602)
    document, picture = session.requests
    assert isinstance(document, SendDocument) and isinstance(picture, SendPhoto)
    assert isinstance(document.document, BufferedInputFile)
    assert (document.document.filename, document.document.data) == ("mydata.json", b"{}")
    assert (document.caption, document.parse_mode) == ("Your data", "HTML")
    assert isinstance(picture.photo, BufferedInputFile) and picture.photo.data == b"\x89PNG"


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
    api_and_session: tuple[AiogramChatApi, RecordingSession],
    code: int,
    description: str,
    expected: type[DeliveryError],
) -> None:
    api, session = api_and_session
    session.error("sendMessage", code, description)
    with pytest.raises(expected) as caught:
        await api.apply(TEXT)
    assert type(caught.value) is expected
    assert description in str(caught.value)


async def test_429_carries_retry_after(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.error("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryLater) as caught:
        await api.apply(TEXT)
    assert caught.value.seconds == 7


async def test_a_group_that_became_a_supergroup_is_a_rejection(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session._script["sendMessage"].append(
        (
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": -1001234},
            },
        )
    )
    with pytest.raises(RejectedRequest, match="-1001234"):
        await api.apply(TEXT)


@pytest.mark.parametrize(
    "exc",
    [
        TimeoutError(),
        aiohttp.ClientConnectionError("connection reset"),
        aiohttp.ServerDisconnectedError(),
        TelegramNetworkError(method=SendMessage(chat_id=7, text="x"), message="HTTP Client says"),
        ConnectionResetError(),
    ],
)
async def test_network_trouble_is_temporary(
    api_and_session: tuple[AiogramChatApi, RecordingSession], exc: BaseException
) -> None:
    api, session = api_and_session
    session.fail("sendMessage", exc)
    with pytest.raises(TemporaryFailure):
        await api.apply(TEXT)


async def test_a_malformed_answer_is_temporary(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.ok("sendMessage", {"not": "a message"})
    with pytest.raises(TemporaryFailure):
        await api.apply(TEXT)


async def test_a_proxy_page_is_temporary_in_one_line(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    # issue 13, defect 11: aiogram's decode error quotes the whole page on several lines
    api, session = api_and_session
    session.raw("sendMessage", 502, "<html><title>502 Bad Gateway</title>\n<p>nginx</p></html>")
    with pytest.raises(TemporaryFailure) as caught:
        await api.apply(TEXT)
    assert str(caught.value) == "malformed answer (ClientDecodeError)"


async def test_nothing_else_leaks(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.fail("sendMessage", KeyError("secret message text"))
    with pytest.raises(RejectedRequest) as caught:
        await api.apply(TEXT)
    assert "secret" not in str(caught.value)


async def test_an_impossible_request_is_a_rejection(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, _ = api_and_session
    with pytest.raises(RejectedRequest):  # a button with neither data nor url, text not a str
        await api.apply(fx.SendText(chat_id=7, text="x", buttons=((fx.Button(text=None),),)))  # type: ignore[arg-type]


async def test_cancellation_is_not_swallowed(
    api_and_session: tuple[AiogramChatApi, RecordingSession],
) -> None:
    api, session = api_and_session
    session.fail("sendMessage", asyncio.CancelledError())
    with pytest.raises(asyncio.CancelledError):
        await api.apply(TEXT)
