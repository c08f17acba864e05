"""Delivering updates by webhook, as Telegram does once ``setWebhook`` named a URL.

Each pending update is POSTed as JSON (``Content-Type: application/json``, exactly: PTB refuses a
charset) with the ``X-Telegram-Bot-Api-Secret-Token`` header when a secret was set. A 2xx answer
acknowledges it; anything else (an error status, a refused connection, a timeout) is recorded in
``getWebhookInfo``'s ``last_error_*`` and the update is tried again after a growing delay.

Ordering follows Telegram's Bot API server: updates of one chat go one at a time — the next is
sent only after the previous was acknowledged — while different chats are delivered concurrently,
up to ``max_connections`` requests at once.

For tests of several bot replicas behind one address, the control API can name *targets*
(``POST /sandbox/webhook/targets {"urls": [...]}``): deliveries then go round-robin over them
(so one person's consecutive updates land on different replicas), and a failed delivery is
retried on the next target, as a load balancer in front of the replicas would do. Every attempt
is logged (``GET /sandbox/webhook``).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox.errors import ControlError
from bot.sandbox.state import Sandbox
from bot.sandbox.updates import UpdateQueue, WebhookConfig
from bot.sandbox.web_common import SANDBOX_KEY, json_body

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY_DELAY = 0.1  # seconds; doubles up to MAX_RETRY_DELAY (Telegram's are longer)
MAX_RETRY_DELAY = 2.0
REQUEST_TIMEOUT = 30.0
IDLE_CHECK = 0.1  # how often an idle pusher looks again (the queue may have been reset)
MAX_LOGGED_ATTEMPTS = 20_000


def chat_key(update: dict[str, Any], kind: str | None = None) -> int | None:
    """The chat (or, for button presses, the user) whose updates must stay in order; ``kind``
    is the update's kind when the caller knows it already."""
    if kind is None:
        kind = next((k for k in update if k != "update_id"), None)
    payload = update.get(kind) if kind else None
    if not isinstance(payload, dict):
        return None
    chat = payload.get("chat")
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return int(chat["id"])
    sender = payload.get("from")
    if isinstance(sender, dict) and isinstance(sender.get("id"), int):
        return int(sender["id"])
    return None


@dataclass
class Attempt:
    """One delivery attempt, for the control API."""

    update_id: int
    url: str
    status: int | None  # None: no HTTP answer (refused, reset, timed out)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "update_id": self.update_id,
            "url": self.url,
            "status": self.status,
            "error": self.error,
        }


@dataclass
class WebhookPusher:
    """Pushes the sandbox's pending updates to its webhook while one is set."""

    sandbox: Sandbox
    targets: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    delivered: int = 0
    _in_flight: dict[int, int] = field(default_factory=dict)  # update id -> chat key
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _round_robin: itertools.count[int] = field(default_factory=itertools.count)
    _session: aiohttp.ClientSession | None = None
    _loop_task: asyncio.Task[None] | None = None
    _freed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT))
        self._loop_task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        for task in [self._loop_task, *self._tasks]:
            if task is not None:
                task.cancel()
        await asyncio.gather(
            *(t for t in [self._loop_task, *self._tasks] if t), return_exceptions=True
        )
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()

    def status(self) -> dict[str, Any]:
        webhook = self.sandbox.updates.webhook
        return {
            "url": webhook.url,
            "targets": list(self.targets),
            "pending": self.sandbox.updates.pending_count,
            "in_flight": len(self._in_flight),
            "delivered": self.delivered,
            "attempts": [a.to_dict() for a in self.attempts],
        }

    # ------------------------------------------------------------------ the delivery loop

    async def _run(self) -> None:
        while True:
            queue = self.sandbox.updates
            queue.arrived.clear()
            self._freed.clear()
            if queue.webhook.url:
                self._dispatch()
            waits = {
                asyncio.ensure_future(queue.arrived.wait()),
                asyncio.ensure_future(self._freed.wait()),
            }
            try:
                await asyncio.wait(waits, timeout=IDLE_CHECK, return_when="FIRST_COMPLETED")
            finally:
                for waiting in waits:
                    waiting.cancel()

    def _dispatch(self) -> None:
        """Start a delivery for every update whose chat has nothing earlier in flight or
        waiting, within ``max_connections``."""
        queue = self.sandbox.updates
        allowed = set(queue.webhook.allowed_updates or ())
        busy = set(self._in_flight.values())
        for update_id, kind, update in queue.pending_updates():
            if update_id in self._in_flight:
                continue
            if allowed and kind not in allowed:
                queue.acknowledge(update_id)  # Telegram never sends unwanted kinds
                continue
            chat = chat_key(update, kind)
            if chat is not None and chat in busy:
                continue
            if chat is not None:
                busy.add(chat)  # later updates of this chat wait for this one
            if len(self._in_flight) >= max(queue.webhook.max_connections, 1):
                return
            self._in_flight[update_id] = chat if chat is not None else -update_id
            task = asyncio.create_task(self._deliver(queue, copy.deepcopy(update)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, queue: UpdateQueue, update: dict[str, Any]) -> None:
        """Post ``update`` of ``queue`` until acknowledged; give up once the webhook is deleted
        or the sandbox was reset (update ids start over in the new queue, so this update must
        neither reach the new webhook nor acknowledge the new queue's update of the same id)."""
        update_id = int(update["update_id"])
        delay = FIRST_RETRY_DELAY
        failed: str | None = None
        try:
            while self.sandbox.updates is queue:
                webhook = queue.webhook
                if not webhook.url:
                    return  # deleted meanwhile: the update stays for getUpdates
                url = self._next_url(webhook.url, failed)
                if await self._post(url, update, webhook):
                    queue.acknowledge(update_id)
                    self.delivered += 1
                    return
                failed = url
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY)
        finally:
            self._in_flight.pop(update_id, None)
            self._freed.set()

    def _next_url(self, webhook_url: str, failed: str | None) -> str:
        """The webhook's URL; with targets, the next in turn, or after a failure the target
        after the one that failed."""
        targets = self.targets
        if not targets:
            return webhook_url
        if failed in targets:
            return targets[(targets.index(failed) + 1) % len(targets)]
        return targets[next(self._round_robin) % len(targets)]

    async def _post(self, url: str, update: dict[str, Any], webhook: WebhookConfig) -> bool:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers[SECRET_HEADER] = webhook.secret_token
        update_id = int(update["update_id"])
        try:
            async with self._session.post(
                url, data=json.dumps(update).encode(), headers=headers
            ) as response:
                await response.read()
                status: int | None = response.status
                error = None
                if not 200 <= response.status < 300:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            status, error = None, f"Connection failed: {type(exc).__name__}"
        if len(self.attempts) < MAX_LOGGED_ATTEMPTS:
            self.attempts.append(Attempt(update_id, url, status, error))
        if error is None:
            return True
        webhook.last_error_date = int(self.sandbox.clock.timestamp())
        webhook.last_error_message = error
        return False


PUSHER_KEY = web.AppKey("webhook_pusher", WebhookPusher)


def pusher_of(request: web.Request) -> WebhookPusher:
    return request.app[PUSHER_KEY]


async def get_webhook(request: web.Request) -> web.Response:
    return web.json_response(pusher_of(request).status())


async def set_targets(request: web.Request) -> web.Response:
    body = await json_body(request)
    urls = body.get("urls")
    if not isinstance(urls, list) or not all(
        isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls
    ):
        raise ControlError(400, "urls must be a list of http(s) URLs (empty: the webhook's own)")
    pusher = pusher_of(request)
    pusher.targets[:] = urls
    return web.json_response(pusher.status())


def add_webhook_delivery(app: web.Application) -> None:
    """Deliver by webhook while the app runs, and serve the webhook control routes."""

    pusher = app[PUSHER_KEY] = WebhookPusher(app[SANDBOX_KEY])

    async def on_startup(_app: web.Application) -> None:
        await pusher.start()

    async def on_cleanup(_app: web.Application) -> None:
        await pusher.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_get("/sandbox/webhook", get_webhook)
    app.router.add_post("/sandbox/webhook/targets", set_targets)
