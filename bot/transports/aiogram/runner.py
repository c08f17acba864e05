"""aiogram's calls for receiving updates (`bot.transports.receiving.Receiver` does the rest):
parse an update, long-poll, remove a webhook before polling (aiogram does not), set one. No
aiogram Dispatcher or FSM: conversations live in the core. The HTTP session stays open for the
sender: `AiogramTransport.close()` closes it.

The long poll asks aiogram for the updates as plain JSON (`RawGetUpdates`): aiogram's own
`getUpdates` decodes the whole batch at once, and one update it cannot decode fails them all.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.methods import GetUpdates
from aiogram.types import Update

from bot.core.events import Inbound
from bot.transports.aiogram.updates import to_event
from bot.transports.base import ALLOWED_UPDATES, POLL_TIMEOUT, REQUEST_TIMEOUT


def make_bot(token: str, api_url: str | None) -> Bot:
    """A Bot talking to `api_url` (a Local Bot API server, the sandbox) or to Telegram."""
    server = TelegramAPIServer.from_base(api_url) if api_url else PRODUCTION
    return Bot(token, session=AiohttpSession(api=server, timeout=REQUEST_TIMEOUT))


class RawGetUpdates(GetUpdates):
    """`getUpdates` whose answer is left as JSON objects, for `Receiver` to decode one by one."""

    __returning__ = list[dict[str, Any]]


class AiogramUpdates:
    """`FrameworkUpdates` for aiogram."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def parse(self, raw: dict[str, Any]) -> Update:
        return Update.model_validate(raw, context={"bot": self.bot})

    def to_event(self, update: Update) -> Inbound | None:
        return to_event(update)

    async def get_raw_updates(self, offset: int | None) -> list[dict[str, Any]]:
        poll = RawGetUpdates(
            offset=offset, timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES)
        )
        # the long poll's wait, and more
        raw: Any = await self.bot(poll, request_timeout=int(REQUEST_TIMEOUT + POLL_TIMEOUT))
        return list(raw)

    async def before_polling(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, *, secret_token: str | None) -> None:
        await self.bot.set_webhook(
            url, secret_token=secret_token, allowed_updates=list(ALLOWED_UPDATES)
        )
