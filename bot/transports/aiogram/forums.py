"""`Forums` over an aiogram `Bot` (the shared `bot.transports.forums.BotForums`, with aiogram's
exceptions mapped to the core's `DeliveryError`s)."""

from __future__ import annotations

from aiogram import Bot

from bot.transports.aiogram.api import to_delivery_error
from bot.transports.forums import BotForums


class AiogramForums(BotForums):
    """A supergroup's rights, new topics and the bot's username, asked with aiogram."""

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot, to_delivery_error)
