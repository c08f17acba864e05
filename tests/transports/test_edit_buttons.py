"""`EditButtons` (a check-in answered: only the step message's buttons change) becomes one
`editMessageReplyMarkup` on both transports, and "message is not modified" (the same option
pressed twice) counts as done."""

from __future__ import annotations

from aiogram.methods import EditMessageReplyMarkup
from aiogram.types import InlineKeyboardMarkup

from bot.core import effects as fx
from bot.transports.aiogram.api import AiogramChatApi
from bot.transports.ptb.api import PtbChatApi
from tests.transports import ptb_support, support
from tests.transports.payloads import sent_message

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
EFFECT = fx.EditButtons(
    chat_id=7,
    message_id=40,
    buttons=fx.keyboard(
        [[fx.Button("✅ Good", data="ci:3:good")], [fx.Button("Guide", url="https://x.org")]]
    ),
)


async def test_aiogram_edits_only_the_markup() -> None:
    bot, session = support.recording_bot()
    api = AiogramChatApi(bot)
    session.ok("editMessageReplyMarkup", sent_message(40, text="the step"))
    session.error("editMessageReplyMarkup", 400, NOT_MODIFIED)
    assert await api.apply(EFFECT) == fx.Sent(message_id=40)
    assert await api.apply(EFFECT) == fx.Sent(message_id=40)
    request = session.requests[0]
    assert isinstance(request, EditMessageReplyMarkup)
    assert (request.chat_id, request.message_id) == (7, 40)
    assert isinstance(request.reply_markup, InlineKeyboardMarkup)
    rows = [
        [(b.text, b.callback_data, b.url) for b in r] for r in request.reply_markup.inline_keyboard
    ]
    assert rows == [[("✅ Good", "ci:3:good", None)], [("Guide", None, "https://x.org")]]


async def test_ptb_edits_only_the_markup() -> None:
    bot, request = ptb_support.recording_bot()
    api = PtbChatApi(bot)
    request.ok("editMessageReplyMarkup", sent_message(40, text="the step"))
    request.error("editMessageReplyMarkup", 400, NOT_MODIFIED)
    assert await api.apply(EFFECT) == fx.Sent(message_id=40)
    assert await api.apply(EFFECT) == fx.Sent(message_id=40)
    call = request.requests[0]
    assert call.method == "editMessageReplyMarkup"
    assert "text" not in call.params and "parse_mode" not in call.params
    assert call.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "✅ Good", "callback_data": "ci:3:good"}],
            [{"text": "Guide", "url": "https://x.org"}],
        ]
    }


def test_edit_buttons_survives_the_outbox_and_is_not_a_send() -> None:
    assert fx.from_json(fx.to_json(EFFECT)) == EFFECT
    assert not fx.is_send(EFFECT)
