"""Receiving updates with python-telegram-bot: long polling (`bot.transports.polling`, which
confirms an update to Telegram only once the core handled it), or updates fed from a webhook
server. Each update is mapped with `to_event` and handed to the core. No `Application`,
`Updater`, handlers or `ConversationHandler`: conversations live in the core, and the process
owns its signals.

`start()` removes any webhook and publishes the command menus, then polls; `stop()` stops
polling and lets the batch under way finish. The HTTP client stays open for the sender:
`PtbTransport.close()` shuts it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from telegram import Bot, Update
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
from bot.transports.handling import Handling
from bot.transports.inbound import kind_of, update_kind
from bot.transports.polling import Fetched, Poller
from bot.transports.ptb.request import ClassifyingRequest
from bot.transports.ptb.updates import to_event

if TYPE_CHECKING:
    from bot.transports.ptb.adapter import PtbTransport

log = logging.getLogger(__name__)

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
        self._poller = Poller(self._fetch, self._handling, stop_grace=stop_grace)

    async def start(self) -> None:
        """Set the menus, delete the webhook (keeping pending updates), start polling."""
        await publish_menus(self._transport, self._menus)
        await self.bot.initialize()  # getMe
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._poller.start()

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
        await self._handling.handle(partial(to_event, update))

    async def stop(self) -> None:
        """Stop polling, then wait (up to the stop grace) for handlers under way."""
        await self._poller.stop()
        await self._handling.wait()

    async def _fetch(self, offset: int | None) -> list[Fetched]:
        updates = await self.bot.get_updates(
            offset=offset, timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES)
        )  # PTB adds the long poll's wait to the read timeout
        return [
            Fetched(update.update_id, kind_of(update), partial(to_event, update))
            for update in updates
        ]
