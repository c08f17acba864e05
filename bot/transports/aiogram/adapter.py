"""The aiogram transport as one object: its `api` applies effects, its receivers take updates,
and it publishes command menus (per language, and per chat for staff)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Update

from bot.transports.aiogram.api import AiogramChatApi, set_commands, to_delivery_error
from bot.transports.aiogram.forums import AiogramForums
from bot.transports.aiogram.runner import AiogramUpdates, make_bot
from bot.transports.base import Commands, Menus, UpdateHandler
from bot.transports.receiving import Receiver


class AiogramTransport:
    """`TransportAdapter` over one aiogram `Bot`."""

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self._api = AiogramChatApi(bot, paid_broadcast=paid_broadcast)
        self._forums = AiogramForums(bot)

    @classmethod
    def connect(
        cls, token: str, api_url: str | None, *, paid_broadcast: bool = False
    ) -> AiogramTransport:
        """A transport talking to `api_url` (a Local Bot API server, the sandbox) or Telegram."""
        return cls(make_bot(token, api_url), paid_broadcast=paid_broadcast)

    @property
    def api(self) -> AiogramChatApi:
        return self._api

    @property
    def forums(self) -> AiogramForums:
        return self._forums

    def receiver(self, handler: UpdateHandler, *, menus: Menus) -> Receiver[Update]:
        return Receiver(self, AiogramUpdates(self.bot), handler, menus=menus)

    async def set_commands(
        self, commands: Commands, *, language: str | None = None, chat_id: int | None = None
    ) -> None:
        try:
            await set_commands(self.bot, commands, language=language, chat_id=chat_id)
        except Exception as exc:
            raise to_delivery_error(exc) from exc

    async def close(self) -> None:
        await self.bot.session.close()
