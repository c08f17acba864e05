"""Receiving updates with python-telegram-bot: PTB's `Updater` long-polls (and confirms what it
fetched when it stops), or updates are fed from a webhook server. Each update is mapped with
`to_event` and handed to the core, concurrently like aiogram's (the core serialises each
person's). No `Application`, handlers or `ConversationHandler`: conversations live in the core,
and the process owns its signals.

`start()` removes any webhook and publishes the command menus, then polls; `stop()` stops
polling, hands over whatever was fetched, and lets handlers under way finish. The HTTP client
stays open for the sender: `PtbTransport.close()` shuts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import Updater
from telegram.request import HTTPXRequest

from bot.transports.base import (
    ALLOWED_UPDATES,
    POLL_TIMEOUT,
    REQUEST_TIMEOUT,
    MalformedUpdate,
    Menus,
    UpdateHandler,
    publish_menus,
)
from bot.transports.handling import Handling, update_kind
from bot.transports.ptb.request import ClassifyingRequest
from bot.transports.ptb.updates import kind_of, to_event

if TYPE_CHECKING:
    from bot.transports.ptb.adapter import PtbTransport

log = logging.getLogger(__name__)

TELEGRAM = "https://api.telegram.org"
CONNECT_TIMEOUT = 10.0
CONFIRM_TIMEOUT = 5.0  # seconds for the last getUpdates at stop (long polls add their wait)
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
        # two: the confirming poll at stop must not queue behind the cancelled long poll,
        # whose connection httpx may not have handed back yet
        get_updates_request=_request(2, read_timeout=CONFIRM_TIMEOUT),
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


class PtbReceiver:
    """Receives updates (long polling, or fed from a webhook) and passes each one, as an
    `Inbound`, to the handler."""

    def __init__(
        self,
        transport: PtbTransport,
        handler: UpdateHandler,
        *,
        menus: Menus,
        stop_grace: float = 10.0,
    ) -> None:
        self._transport = transport
        self.bot = transport.bot
        self._menus = menus
        self._handling = Handling(handler, stop_grace=stop_grace)
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self.updater = Updater(self.bot, self._queue)
        self._consumer: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Set the menus, delete the webhook (keeping pending updates: PTB always does before
        polling), start polling."""
        await publish_menus(self._transport, self._menus)
        await self.updater.initialize()  # getMe
        self._consumer = asyncio.create_task(self._consume(), name="ptb-updates")
        await self.updater.start_polling(
            timeout=POLL_TIMEOUT,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
            error_callback=_polling_failed,
        )

    async def start_webhook(self, url: str, *, secret_token: str | None = None) -> None:
        """Set the menus and register the webhook; updates then arrive through `feed_update`."""
        await publish_menus(self._transport, self._menus)
        await self.bot.set_webhook(
            url, secret_token=secret_token, allowed_updates=list(ALLOWED_UPDATES)
        )

    async def feed_update(self, raw: Mapping[str, Any]) -> None:
        """Handle one update in the Bot API's JSON form; return once the core handled it.
        Raises `MalformedUpdate` if it cannot be parsed, and whatever the core raised."""
        try:
            update = Update.de_json(dict(raw), self.bot)
        except Exception:  # PTB parses leniently and fails with whatever it hits
            log.warning("dropped a malformed %s update %s", update_kind(raw), raw.get("update_id"))
            raise MalformedUpdate(raw.get("update_id")) from None
        await self._handling.handle(
            update.update_id, kind_of(update), lambda: to_event(update), reraise=True
        )

    async def stop(self) -> None:
        """Stop polling (confirming the fetched updates to Telegram), hand every fetched update
        over, then wait (up to the stop grace) for handlers under way."""
        if self.updater.running:
            await self.updater.stop()
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
        while not self._queue.empty():  # fetched and confirmed: they must not be lost
            self._dispatch(self._queue.get_nowait())
        await self._handling.wait()

    async def _consume(self) -> None:
        while True:
            self._dispatch(await self._queue.get())

    def _dispatch(self, item: object) -> None:
        if isinstance(item, Update):
            self._handling.spawn(item.update_id, kind_of(item), lambda: to_event(item))


def _polling_failed(exc: TelegramError) -> None:
    """PTB retries the long poll by itself; say why it failed, without a stack each time."""
    log.warning("polling for updates failed (%s): %s", type(exc).__name__, exc.message)
