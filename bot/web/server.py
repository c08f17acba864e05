"""The bot's HTTP server in webhook mode, the same for every transport: the update endpoint,
`/healthz` and `/metrics`.

The update endpoint checks `X-Telegram-Bot-Api-Secret-Token` against `WEBHOOK_SECRET` in
constant time (wrong or missing: 401, nothing read further), hands the update's JSON to the
transport's `feed_update`, and answers once the core has handled it, i.e. committed the person's
new state and the replies to the outbox (the replies are sent afterwards by the sender, so the
answer is quick). Answering only then is what makes webhooks safe with several replicas:
Telegram sends a chat's next update only after this one was answered, so a person's updates are
handled in order even when they reach different replicas, and an update whose replica dies
before answering is delivered again (the seen-update guard drops a second copy). If handling
fails for a passing reason (database unreachable or busy, a timeout) the answer is 500 and
Telegram delivers the update again; any other failure would only fail again and hold back that
person's later updates, so it is logged, counted, and answered 200 (as polling does). A body
that is not an update is answered 400. An update the transport cannot decode is set aside by the
transport (its sender asked to send it again, counted as unreadable) and answered 200: a refusal
would only make Telegram send it again and hold back that chat.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from aiohttp import web

from bot.logs import log_bug
from bot.transports.inbound import update_kind
from bot.transports.transient import is_transient
from bot.web.health import HealthCheck
from bot.web.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024


class UpdateFeed(Protocol):
    """What the server needs of a transport's receiver."""

    async def feed_update(self, raw: Mapping[str, Any]) -> None: ...

    @property
    def unreadable(self) -> int:
        """Updates set aside because they could not be decoded."""
        ...


def build_web_app(
    feed: UpdateFeed, *, path: str, secret: str, metrics: Metrics, health: HealthCheck
) -> web.Application:
    """The aiohttp application: POST `path` (updates), GET /healthz, GET /metrics."""
    expected = secret.encode()
    metrics.watch_unreadable(lambda: feed.unreadable)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            metrics.webhook_rejected.labels("secret").inc()
            log.warning("webhook request refused: wrong or missing secret token")
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        try:
            raw = json.loads(await request.read())
        except ValueError:
            raw = None
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            metrics.webhook_rejected.labels("malformed").inc()
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        kind = update_kind(raw)
        try:
            await feed.feed_update(raw)
        except Exception as exc:
            metrics.handler_errors.labels(kind).inc()
            if is_transient(exc):
                log.warning(
                    "update %s (%s) failed: %s, asking for it again",
                    raw["update_id"],
                    kind,
                    type(exc).__name__,
                )
                return web.json_response({"ok": False, "error": "try again"}, status=500)
            log_bug(log, f"update {raw['update_id']} ({kind}) failed", exc)
            return web.json_response({})
        metrics.updates.labels(kind).inc()
        return web.json_response({})

    async def healthz(request: web.Request) -> web.Response:
        report = await health.check()
        return web.json_response(report.to_dict(), status=200 if report.ok else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        body = await metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app


class WebServer:
    """Serves the app on `host:port` until `stop()` (which lets requests under way finish)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=10.0)
        self._host, self._port = host, port
        self.port = port

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        for address in self._runner.addresses:
            if isinstance(address, tuple) and len(address) >= 2:
                self.port = int(address[1])
                break
        log.info("serving webhook, /healthz and /metrics on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        await self._runner.cleanup()
