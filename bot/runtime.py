"""Running the bot: long polling with the chosen transport, the sender, and housekeeping jobs,
until SIGINT/SIGTERM, then a graceful shutdown that finishes the replies in flight."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Core, build_core, purge_seen_updates, retention_of
from bot.config import ClockSource, Settings, SettingsError, Transport, require_token
from bot.core.ports import Clock
from bot.sandbox.remote_clock import RemoteSandboxClock
from bot.services.privacy import retention_round
from bot.services.relationship_checkins import RelationshipCheckins
from bot.transports.aiogram.api import AiogramChatApi
from bot.transports.aiogram.runner import AiogramPolling, make_bot

log = logging.getLogger(__name__)
SHUTDOWN_DRAIN_SECONDS = 10.0


@asynccontextmanager
async def running_bot(settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[Core]:
    """Start the whole bot (core, sender, polling, jobs); stop it cleanly on exit."""
    token = require_token(settings)
    if settings.transport is not Transport.AIOGRAM:
        raise SettingsError(
            f"setting TRANSPORT={settings.transport.value} is not available yet; use aiogram"
        )
    remote_clock = None
    if clock is None and settings.clock_source is ClockSource.SANDBOX:
        if settings.api_url is None:
            raise SettingsError("setting CLOCK_SOURCE=sandbox needs TELEGRAM_API_URL")
        remote_clock = RemoteSandboxClock(settings.api_url)
        await remote_clock.start()
        clock = remote_clock
    bot = make_bot(token, settings.api_url)
    api = AiogramChatApi(bot, paid_broadcast=settings.paid_broadcast)
    core = await build_core(settings, api, clock=clock)
    polling = AiogramPolling(bot, core.conversations, menus=core.menus())
    sender_task = asyncio.create_task(core.sender.run(), name="sender")
    scheduler = AsyncIOScheduler(timezone="UTC")
    tick = settings.schedule_tick.total_seconds()
    checkins = RelationshipCheckins(
        core.conversations.uows,
        core.clock,
        core.programs,
        core.catalogs,
        on_queued=core.sender.wake,
    )
    jobs = {
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
    for job_id, (job, every) in jobs.items():
        scheduler.add_job(
            job,
            "interval",
            seconds=every,
            id=job_id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    try:
        await polling.start()
        await core.delivery.run_due()  # steps that came due while the bot was down
        scheduler.start()
        log.info("mentorbot is running (transport %s)", settings.transport.value)
        yield core
    finally:
        log.info("stopping: no new updates, finishing replies in flight")
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await polling.stop()
        with contextlib.suppress(TimeoutError):
            await core.sender.drain(timeout=SHUTDOWN_DRAIN_SECONDS)
        await core.sender.stop()
        sender_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender_task
        await bot.session.close()  # the drain may have reopened it
        await core.close()
        if remote_clock is not None:
            await remote_clock.stop()
        log.info("stopped")


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


async def run(settings: Settings) -> None:
    """`mentorbot run`: serve until a signal arrives."""
    async with running_bot(settings):
        await wait_for_signal()
