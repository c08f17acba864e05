"""The bot's own HTTP server (webhook mode): the update endpoint, `/healthz` and `/metrics`,
independent of the Telegram framework."""

from bot.web.health import HealthCheck, HealthReport
from bot.web.metrics import Metrics
from bot.web.server import WebServer, build_web_app

__all__ = [
    "HealthCheck",
    "HealthReport",
    "Metrics",
    "WebServer",
    "build_web_app",
]
