"""The aiogram 3 transport: updates in (`to_event`, `AiogramUpdates`), effects out
(`AiogramChatApi`), both behind `AiogramTransport`."""

from bot.transports.aiogram.adapter import AiogramTransport
from bot.transports.aiogram.api import AiogramChatApi
from bot.transports.aiogram.runner import AiogramUpdates, make_bot
from bot.transports.aiogram.updates import to_event

__all__ = ["AiogramChatApi", "AiogramUpdates", "AiogramTransport", "make_bot", "to_event"]
