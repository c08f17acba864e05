"""Running the bot: long polling or webhooks with the chosen transport, the worker (the sender
and housekeeping jobs, on one replica at a time), until SIGINT/SIGTERM, then a graceful
shutdown that finishes the replies in flight."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial

from bot.bootstrap import Core, build_core, purge_seen_updates, retention_of
from bot.config import ClockSource, Settings, SettingsError, require_token, require_webhook
from bot.core.parsing import timezones
from bot.core.ports import Clock
from bot.logs import log_bug
from bot.sandbox.remote_clock import RemoteSandboxClock
from bot.services.privacy import retention_round
from bot.services.relationship_checkins import RelationshipCheckins
from bot.storage.worker_lease import worker_lease
from bot.transports.select import connect
from bot.web.webhook_mode import start_webhook_server
from bot.worker import Jobs, Worker

log = logging.getLogger(__name__)


@asynccontextmanager
async def running_bot(
    settings: Settings, *, clock: Clock | None = None, webhook: bool = False
) -> AsyncIterator[Core]:
    """Start the whole bot (core, updates by long polling or, with `webhook`, by the webhook
    server, and the worker); stop it cleanly on exit. Every resource is released even if
    starting fails half-way or another one fails to stop (each such failure is logged)."""
    token = require_token(settings)
    hook = require_webhook(settings) if webhook else None
    async with AsyncExitStack() as stack:  # stops run last-registered first
        stack.callback(log.info, "stopped")
        if clock is None and settings.clock_source is ClockSource.SANDBOX:
            if settings.api_url is None:
                raise SettingsError("setting CLOCK_SOURCE=sandbox needs TELEGRAM_API_URL")
            remote_clock = RemoteSandboxClock(settings.api_url)
            await remote_clock.start()
            stack.push_async_callback(_stopping, "the sandbox clock", remote_clock.stop)
            clock = remote_clock
        transport = connect(
            settings.transport.value,
            token,
            settings.api_url,
            paid_broadcast=settings.paid_broadcast,
        )
        # closed after the worker's drain: its last messages needed the client
        stack.push_async_callback(_stopping, "the transport", transport.close)
        core = await build_core(settings, transport.api, clock=clock, forums=transport.forums)
        stack.push_async_callback(_stopping, "the core", core.close)
        polling = transport.receiver(core.conversations, menus=core.menus())
        worker = _worker(settings, core)
        stack.push_async_callback(_stopping, "the worker", worker.stop)
        stack.push_async_callback(_stopping, "receiving updates", polling.stop)
        stack.callback(log.info, "stopping: no new updates, finishing replies in flight")
        if hook is None:
            await polling.start()
        else:
            web = await start_webhook_server(core, polling, worker, hook)
            stack.push_async_callback(_stopping, "the webhook server", web.stop)
            await polling.start_webhook(hook.url, secret_token=hook.secret)
        await worker.start()  # the sender, and steps that came due while the bot was down
        log.info(
            "mentorbot is running (transport %s, %s, %s)",
            settings.transport.value,
            "webhook" if hook else "long polling",
            worker.role.value,
        )
        yield core


def _worker(settings: Settings, core: Core) -> Worker:
    """The worker with its jobs (the sender comes with the lease)."""
    tick = settings.schedule_tick.total_seconds()
    checkins = RelationshipCheckins(
        core.conversations.uows,
        core.clock,
        core.programs,
        core.catalogs,
        on_queued=core.sender.wake,
    )
    jobs: Jobs = {
        "curriculum-round": (core.delivery.run_due, tick),
        "matching-round": (core.matching_round, tick),
        "nudges": (core.delivery.nudge_silent, max(tick, 60.0)),
        "relationship-checkins": (checkins.run, max(tick, 60.0)),
        "purge-seen-updates": (partial(purge_seen_updates, core), 6 * 3600.0),
        "privacy-retention": (
            partial(retention_round, core.conversations.uows, core.clock, retention_of(settings)),
            3600.0,
        ),
    }
    return Worker(core, jobs, worker_lease(core.db, core.sender.wake))


async def _stopping(what: str, stop: Callable[[], Awaitable[object]]) -> None:
    """Run one resource's stop; a failure is logged and the other stops still run."""
    try:
        await stop()
    except Exception as exc:
        log_bug(log, f"stopping: {what} failed", exc)


async def wait_for_signal() -> None:
    """Return on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def run(settings: Settings, *, webhook: bool = False) -> None:
    """`mentorbot run [--webhook]`: serve until a signal arrives."""
    async with running_bot(settings, webhook=webhook):
        # off the event loop: read the city data set before the first person needs it
        preparing = asyncio.get_running_loop().run_in_executor(None, timezones.prepare)
        await wait_for_signal()
        preparing.cancel()
