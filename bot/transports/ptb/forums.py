"""`Forums` over a python-telegram-bot `Bot` (the shared `bot.transports.forums.BotForums`,
with PTB's exceptions mapped to the core's `DeliveryError`s)."""

from __future__ import annotations

from telegram import Bot

from bot.transports.forums import BotForums
from bot.transports.ptb.api import to_delivery_error


class PtbForums(BotForums):
    """A supergroup's rights, new topics and the bot's username, asked with PTB."""

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot, to_delivery_error)
