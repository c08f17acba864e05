"""Choosing the transport named by the `TRANSPORT` setting. Each framework is imported only
when chosen."""

from __future__ import annotations

from bot.logs import protect_logs
from bot.transports.base import TransportAdapter

KINDS = ("aiogram", "ptb")


def connect(
    kind: str, token: str, api_url: str | None, *, paid_broadcast: bool = False
) -> TransportAdapter:
    """The transport `kind` ("aiogram" or "ptb") for this bot token and Bot API server. From
    here on the token is withheld from every log record (`bot.logs.protect_logs`)."""
    protect_logs(token)
    if kind == "ptb":
        from bot.transports.ptb import PtbTransport

        return PtbTransport.connect(token, api_url, paid_broadcast=paid_broadcast)
    if kind == "aiogram":
        from bot.transports.aiogram import AiogramTransport

        return AiogramTransport.connect(token, api_url, paid_broadcast=paid_broadcast)
    raise ValueError(f"unknown transport {kind!r}: expected one of {', '.join(KINDS)}")
