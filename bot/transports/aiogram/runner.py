"""Receiving updates with aiogram: long polling (`bot.transports.polling`, which confirms an
update to Telegram only once the core handled it), or updates fed from a webhook server. Each
update is mapped with `to_event` and handed to the core. No business rules here, and no aiogram
Dispatcher or FSM: conversations live in the core.

`start()` removes any webhook (aiogram does not), publishes the command menus, then polls in a
task; `stop()` stops polling and lets the batch under way finish. The HTTP session stays open for
the sender: `AiogramTransport.close()` closes it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.types import Update

from bot.transports.aiogram.updates import to_event
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

if TYPE_CHECKING:
    from bot.transports.aiogram.adapter import AiogramTransport

log = logging.getLogger(__name__)


def make_bot(token: str, api_url: str | None) -> Bot:
    """A Bot talking to `api_url` (a Local Bot API server, the sandbox) or to Telegram."""
    server = TelegramAPIServer.from_base(api_url) if api_url else PRODUCTION
    return Bot(token, session=AiohttpSession(api=server, timeout=REQUEST_TIMEOUT))


class AiogramReceiver:
    """Receives updates (long polling, or fed from a webhook) and passes each one, as an
    `Inbound`, to the handler."""

    def __init__(
        self,
        transport: AiogramTransport,
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
        """Delete the webhook (keeping pending updates), set the menus, start polling."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        await publish_menus(self._transport, self._menus)
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
            update = Update.model_validate(dict(raw), context={"bot": self.bot})
        except Exception:  # a ValidationError, or whatever a field's parser hits
            log.warning("dropped a malformed %s update %s", update_kind(raw), raw.get("update_id"))
            raise MalformedUpdate(raw.get("update_id")) from None
        await self._handling.handle(partial(to_event, update))

    async def stop(self) -> None:
        """Stop polling, then wait (up to the stop grace) for handlers under way."""
        await self._poller.stop()
        await self._handling.wait()

    async def _fetch(self, offset: int | None) -> list[Fetched]:
        updates = await self.bot.get_updates(
            offset=offset,
            timeout=POLL_TIMEOUT,
            allowed_updates=list(ALLOWED_UPDATES),
            request_timeout=int(REQUEST_TIMEOUT + POLL_TIMEOUT),  # the long poll's wait, and more
        )
        return [
            Fetched(update.update_id, kind_of(update), partial(to_event, update))
            for update in updates
        ]
