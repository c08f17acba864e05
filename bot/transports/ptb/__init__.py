"""The python-telegram-bot 22 transport: updates in (`to_event`, `PtbUpdates`), effects out
(`PtbChatApi`), both behind `PtbTransport`. Same surface and behaviour as the aiogram one."""

import os

# Opt in to PTB 23's time periods (`RetryAfter.retry_after` as a timedelta, which `api` reads
# either way) instead of a deprecation warning at every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.transports.ptb.adapter import PtbTransport
from bot.transports.ptb.api import PtbChatApi
from bot.transports.ptb.runner import PtbUpdates, make_bot
from bot.transports.ptb.updates import to_event

__all__ = ["PtbChatApi", "PtbUpdates", "PtbTransport", "make_bot", "to_event"]
