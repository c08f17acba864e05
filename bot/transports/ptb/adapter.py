"""The python-telegram-bot transport as one object: its `api` applies effects, its receivers
take updates, and it publishes command menus (per language, and per chat for staff)."""

from __future__ import annotations

from telegram import Bot, Update

from bot.transports.base import Commands, Menus, UpdateHandler
from bot.transports.ptb.api import PtbChatApi, set_commands, to_delivery_error
from bot.transports.ptb.forums import PtbForums
from bot.transports.ptb.runner import PtbUpdates, make_bot
from bot.transports.receiving import Receiver


class PtbTransport:
    """`TransportAdapter` over one PTB `Bot` (its own HTTP client pools; no `Application`)."""

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self._api = PtbChatApi(bot, paid_broadcast=paid_broadcast)
        self._forums = PtbForums(bot)

    @classmethod
    def connect(
        cls, token: str, api_url: str | None, *, paid_broadcast: bool = False
    ) -> PtbTransport:
        """A transport talking to `api_url` (a Local Bot API server, the sandbox) or Telegram."""
        return cls(make_bot(token, api_url), paid_broadcast=paid_broadcast)

    @property
    def api(self) -> PtbChatApi:
        return self._api

    @property
    def forums(self) -> PtbForums:
        return self._forums

    def receiver(self, handler: UpdateHandler, *, menus: Menus) -> Receiver[Update]:
        return Receiver(self, PtbUpdates(self.bot), handler, menus=menus)

    async def set_commands(
        self, commands: Commands, *, language: str | None = None, chat_id: int | None = None
    ) -> None:
        try:
            await set_commands(self.bot, commands, language=language, chat_id=chat_id)
        except Exception as exc:
            raise to_delivery_error(exc) from exc

    async def close(self) -> None:
        await self.bot.shutdown()
        # a bot that never polled was never initialised, and then `shutdown` skips its client
        await self.bot.request.shutdown()
