"""Wiring webhook mode around a running core: metrics hooked into the sender and the delivery
rounds, the health check, the HTTP server, and — on PostgreSQL, where this replica may not be
the worker — a NOTIFY to the worker whenever an update left replies in the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bootstrap import Core
from bot.config import WebhookSettings
from bot.storage.worker_lease import OutboxNotifier
from bot.web.health import HealthCheck
from bot.web.metrics import Metrics
from bot.web.server import UpdateFeed, WebServer, build_web_app
from bot.worker import Role, Worker


@dataclass
class WebhookServer:
    """The running HTTP side of webhook mode."""

    server: WebServer
    metrics: Metrics
    notifier: OutboxNotifier | None

    @property
    def port(self) -> int:
        return self.server.port

    async def stop(self) -> None:
        """Stop taking updates (requests under way finish first)."""
        await self.server.stop()
        if self.notifier is not None:
            await self.notifier.close()


async def start_webhook_server(
    core: Core, feed: UpdateFeed, worker: Worker, hook: WebhookSettings
) -> WebhookServer:
    """Serve the update endpoint, /healthz and /metrics on WEBHOOK_LISTEN."""
    metrics = Metrics()
    core.sender.on_applied = metrics.applied

    async def queue_depth() -> int:
        async with core.conversations.uows() as uow:
            return await uow.outbox.pending_count()

    async def ping() -> None:
        """SELECT 1 on the driver's own connection: no transaction, so on SQLite no write
        lock (every SQLAlchemy transaction there begins with BEGIN IMMEDIATE)."""
        async with core.db.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None
            result = await driver.execute("SELECT 1")
            close = getattr(result, "close", None)  # aiosqlite answers with a cursor
            if close is not None:
                await close()

    metrics.watch(
        sender=core.sender.counters,
        rounds=core.delivery,
        is_worker=lambda: worker.role is Role.WORKER,
        queue_depth=queue_depth,
    )
    health = HealthCheck(ping, lambda: worker.alive, lambda: worker.role.value)
    notifier = None
    if core.db.dialect.name == "postgresql":
        notifier = OutboxNotifier(core.db)
        wake_local, notify = core.sender.wake, notifier.notify

        def committed() -> None:
            wake_local()
            if worker.role is not Role.WORKER:
                notify()

        core.conversations.on_committed = committed
    app = build_web_app(feed, path=hook.path, secret=hook.secret, metrics=metrics, health=health)
    server = WebServer(app, hook.host, hook.port)
    await server.start()
    return WebhookServer(server, metrics, notifier)
