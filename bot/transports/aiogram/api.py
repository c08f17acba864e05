"""`ChatApi` over an aiogram `Bot`: renders each core effect as one Bot API call and turns
aiogram's exceptions into the core's `DeliveryError`s, so nothing framework-specific leaks out.

Texts and captions in effects are HTML (the core escapes what people typed). Messages are copied,
never forwarded: a forward's header would reveal the sender.

With `paid_broadcast` every call that posts a message passes `allow_paid_broadcast=True`, which
lifts Telegram's overall limit from 30 to 1000 messages/s (0.1 Star per message above the free
limit, taken from the bot's balance); per-chat limits stay as they are.
"""

from __future__ import annotations

import logging

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    RestartingTelegram,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from pydantic import ValidationError

from bot.core import effects as fx
from bot.core.errors import (
    DeliveryError,
    RecipientBlocked,
    RejectedRequest,
    RetryLater,
    TemporaryFailure,
)
from bot.transports.base import Commands, unchanged_edit
from bot.transports.rendering import Widgets, render

log = logging.getLogger(__name__)


def inline_keyboard(buttons: fx.Keyboard) -> InlineKeyboardMarkup | None:
    """Render core buttons as an inline keyboard (None when there are none)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
            for row in buttons
        ]
    )


def reply_to(message_id: int | None) -> ReplyParameters | None:
    """Thread a reply, still sending when the original message is gone."""
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


class AiogramChatApi:
    """Applies effects with an aiogram `Bot`. Raises only `bot.core.errors.DeliveryError`s."""

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self.paid_broadcast = paid_broadcast
        self._paid: bool | None = True if paid_broadcast else None  # None: not sent at all

    async def apply(self, effect: fx.Effect) -> fx.Sent:
        try:
            return await render(self.bot, effect, WIDGETS, paid=self._paid)
        except TelegramBadRequest as exc:
            unchanged = unchanged_edit(effect, exc.message)
            if unchanged is not None:
                return unchanged
            raise RejectedRequest(exc.message) from exc
        except Exception as exc:
            raise to_delivery_error(exc, effect) from exc


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
    upload=lambda field, content, filename: {field: BufferedInputFile(content, filename=filename)},
    set_commands=set_commands,
)


def to_delivery_error(exc: BaseException, effect: fx.Effect | None = None) -> DeliveryError:
    """Map an exception raised while calling Telegram to the core's vocabulary."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, TelegramRetryAfter):
        return RetryLater(float(exc.retry_after), exc.message)
    if isinstance(exc, TelegramForbiddenError):
        return RecipientBlocked(exc.message)
    if isinstance(exc, TelegramMigrateToChat):  # a group became a supergroup: a new chat id
        return RejectedRequest(f"{exc.message} (migrate to {exc.migrate_to_chat_id})")
    if isinstance(exc, TelegramBadRequest | TelegramNotFound | TelegramEntityTooLarge):
        return RejectedRequest(exc.message)
    if isinstance(exc, TelegramServerError | RestartingTelegram | TelegramNetworkError):
        return TemporaryFailure(exc.message)
    if isinstance(exc, TelegramUnauthorizedError | TelegramConflictError):
        # a wrong token or a clash with another poller: the operator must act; retry meanwhile
        log.error("telegram refused the bot itself (%s)", type(exc).__name__)
        return TemporaryFailure(exc.message)
    if isinstance(exc, TelegramAPIError):  # an error code aiogram does not classify
        return RejectedRequest(exc.message)
    if isinstance(exc, ClientDecodeError):  # its text quotes the whole answer, on many lines
        return TemporaryFailure("malformed answer (ClientDecodeError)")
    if isinstance(exc, TimeoutError | aiohttp.ClientError | OSError):
        return TemporaryFailure(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, ValidationError | AiogramError):  # we built an impossible request
        return RejectedRequest(f"invalid request ({type(exc).__name__})")
    kind = type(effect).__name__ if effect is not None else "?"
    log.error("unexpected %s while applying %s", type(exc).__name__, kind)
    return RejectedRequest(f"unexpected {type(exc).__name__}")
