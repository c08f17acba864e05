"""`ChatApi` over a python-telegram-bot `Bot`: renders each core effect as one Bot API call and
turns PTB's exceptions into the core's `DeliveryError`s — the same rendering and the same
mapping as the aiogram transport, so the core cannot tell them apart.

Texts and captions in effects are HTML. Messages are copied, never forwarded. With
`paid_broadcast` every call that posts a message passes `allow_paid_broadcast=True`.
"""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta

import httpx
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.core import effects as fx
from bot.core.errors import (
    DeliveryError,
    RecipientBlocked,
    RejectedRequest,
    RetryLater,
    TemporaryFailure,
)
from bot.transports.base import Commands, unchanged_edit
from bot.transports.ptb.request import response_received
from bot.transports.rendering import Widgets, render

log = logging.getLogger(__name__)


def inline_keyboard(buttons: fx.Keyboard) -> InlineKeyboardMarkup | None:
    """Render core buttons as an inline keyboard (None when there are none)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
            for row in buttons
        ]
    )


def reply_to(message_id: int | None) -> ReplyParameters | None:
    """Thread a reply, still sending when the original message is gone."""
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


class PtbChatApi:
    """Applies effects with a PTB `Bot`. Raises only `bot.core.errors.DeliveryError`s."""

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self.paid_broadcast = paid_broadcast
        self._paid: bool | None = True if paid_broadcast else None  # None: not sent at all

    async def apply(self, effect: fx.Effect) -> fx.Sent:
        response_received.set(False)  # set by the request, in this same task, on an answer
        try:
            return await render(self.bot, effect, WIDGETS, paid=self._paid)
        except BadRequest as exc:
            unchanged = unchanged_edit(effect, exc.message)
            if unchanged is not None:
                return unchanged
            raise RejectedRequest(exc.message) from exc
        except Exception as exc:
            raise to_delivery_error(exc, effect, answered=response_received.get()) from exc


async def set_commands(
    bot: Bot, commands: Commands, *, language: str | None = None, chat_id: int | None = None
) -> None:
    """`setMyCommands` for a language and, with `chat_id`, one chat only; an empty menu is
    `deleteMyCommands` (that chat falls back to everyone's menu)."""
    scope = BotCommandScopeChat(chat_id=chat_id) if chat_id is not None else None
    if commands:
        menu = [BotCommand(command=c, description=d) for c, d in commands]
        await bot.set_my_commands(menu, scope=scope, language_code=language)
    else:
        await bot.delete_my_commands(scope=scope, language_code=language)


WIDGETS = Widgets(
    keyboard=inline_keyboard,
    reply_to=reply_to,
    upload=lambda field, content, filename: {field: content, "filename": filename},
    set_commands=set_commands,
)


def retry_seconds(exc: RetryAfter) -> float:
    """`retry_after` in seconds, whichever type this PTB version hands out."""
    with warnings.catch_warnings():  # PTB 22 warns that it will become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def to_delivery_error(
    exc: BaseException, effect: fx.Effect | None = None, *, answered: bool = False
) -> DeliveryError:
    """Map an exception raised while calling Telegram to the core's vocabulary; `answered`:
    Telegram's answer had come back (so a parsing error means a malformed answer)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, RetryAfter):
        return RetryLater(retry_seconds(exc), exc.message)
    if isinstance(exc, Forbidden):
        return RecipientBlocked(exc.message)
    if isinstance(exc, ChatMigrated):  # a group became a supergroup: a new chat id
        return RejectedRequest(f"{exc.message} (migrate to {exc.new_chat_id})")
    if isinstance(exc, BadRequest | EndPointNotFound):  # BadRequest is a NetworkError: first
        return RejectedRequest(exc.message)
    if isinstance(exc, NetworkError):  # 5xx, timeouts, connection trouble
        return TemporaryFailure(exc.message)
    if isinstance(exc, InvalidToken | Conflict):
        # a wrong token or a clash with another poller: the operator must act; retry meanwhile
        log.error("telegram refused the bot itself (%s)", type(exc).__name__)
        return TemporaryFailure(exc.message)
    if isinstance(exc, TelegramError):  # "Invalid server response" and other unclassified
        return TemporaryFailure(exc.message) if _unparsable(exc) else RejectedRequest(exc.message)
    if isinstance(exc, TimeoutError | httpx.HTTPError | OSError):
        return TemporaryFailure(f"{type(exc).__name__}: {exc}")
    if answered and isinstance(exc, Exception):  # PTB could not parse what came back
        return TemporaryFailure(f"malformed answer ({type(exc).__name__})")  # like aiogram's
    if isinstance(exc, ValueError | TypeError):  # we built an impossible request
        return RejectedRequest(f"invalid request ({type(exc).__name__})")
    kind = type(effect).__name__ if effect is not None else "?"
    log.error("unexpected %s while applying %s", type(exc).__name__, kind)
    return RejectedRequest(f"unexpected {type(exc).__name__}")


def _unparsable(exc: TelegramError) -> bool:
    """PTB's error for an answer that is not JSON (a proxy's error page, a cut connection),
    which aiogram calls a decode error: worth another try."""
    return "invalid server response" in exc.message.lower()
