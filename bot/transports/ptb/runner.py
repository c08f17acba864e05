"""python-telegram-bot's calls for receiving updates (`bot.transports.receiving.Receiver` does the
rest): parse an update, long-poll, initialise the bot and remove a webhook before polling, set
one. No `Application`, `Updater`, handlers or `ConversationHandler`: conversations live in the
core, and the process owns its signals. The HTTP client stays open for the sender:
`PtbTransport.close()` shuts it.

The long poll takes the updates as plain JSON: PTB's `get_updates` decodes the whole batch at
once, so one update it cannot decode fails them all (and it logs the batch, with what people
wrote, at CRITICAL).
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.core.events import Inbound
from bot.transports.base import ALLOWED_UPDATES, POLL_TIMEOUT, REQUEST_TIMEOUT
from bot.transports.ptb.request import ClassifyingRequest
from bot.transports.ptb.updates import to_event

TELEGRAM = "https://api.telegram.org"
CONNECT_TIMEOUT = 10.0
POLL_READ_SLACK = 5.0  # seconds a long poll may take beyond its own wait
POOL_SIZE = 64  # above the sender's concurrent requests (32), with room for button answers


def make_bot(token: str, api_url: str | None) -> Bot:
    """A Bot talking to `api_url` (a Local Bot API server, the sandbox) or to Telegram: one
    connection pool for requests, one for the long poll."""
    base = api_url or TELEGRAM
    return Bot(
        token,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=_request(POOL_SIZE),
        # two: a new long poll must not queue behind a cancelled one, whose connection httpx
        # may not have handed back yet
        get_updates_request=_request(2, read_timeout=POLL_READ_SLACK),
    )


def _request(pool: int, *, read_timeout: float = REQUEST_TIMEOUT) -> ClassifyingRequest:
    return ClassifyingRequest(
        HTTPXRequest(
            connection_pool_size=pool,
            read_timeout=read_timeout,
            write_timeout=REQUEST_TIMEOUT,
            connect_timeout=CONNECT_TIMEOUT,
            pool_timeout=REQUEST_TIMEOUT,
            media_write_timeout=REQUEST_TIMEOUT,
        )
    )


class PtbUpdates:
    """`FrameworkUpdates` for python-telegram-bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def parse(self, raw: dict[str, Any]) -> Update:
        return Update.de_json(raw, self.bot)

    def to_event(self, update: Update) -> Inbound | None:
        return to_event(update)

    async def get_raw_updates(self, offset: int | None) -> list[dict[str, Any]]:
        # `_post` is what `Bot.get_updates` calls before decoding (`do_api_request` would warn
        # that `get_updates` exists); "getUpdates" goes through the long poll's own pool
        raw = await self.bot._post(  # noqa: SLF001
            "getUpdates",
            {"offset": offset, "timeout": POLL_TIMEOUT, "allowed_updates": list(ALLOWED_UPDATES)},
            read_timeout=POLL_READ_SLACK + POLL_TIMEOUT,
        )
        return list(raw) if isinstance(raw, list) else []

    async def before_polling(self) -> None:
        await self.bot.initialize()  # getMe
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, *, secret_token: str | None) -> None:
        await self.bot.set_webhook(
            url, secret_token=secret_token, allowed_updates=list(ALLOWED_UPDATES)
        )
