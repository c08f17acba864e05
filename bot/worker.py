"""The worker: the one outbound sender and the timed jobs (delivery rounds, matching, nudges…),
run by one process at a time.

Every replica handles updates, but only the holder of the worker lease
(`bot.storage.worker_lease`) sends and runs the jobs: one sender is what keeps the bot within
Telegram's overall limit (~30 messages/s for the whole bot, not per process) and each chat's
messages in order. The others stand by and try to take the lease every `retry_every` seconds;
when the worker dies, one of them takes over, first making what the dead worker had in flight
claimable again. The scheduled rows themselves are claimed with `FOR UPDATE SKIP LOCKED`, so
even two workers at once (a network partition) would not queue a step twice.

APScheduler 3 is only the in-process timer: due work lives in our tables. A round can take longer
than its tick (after the demo's or a test's clock jumps a week, or after downtime: many steps
come due at once); the next tick then finds it still running and passes quietly (one round at a
time, no backlog), where APScheduler would warn at every tick. A round still running after
`stuck_after` seconds is a real problem: that one is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Core
from bot.logs import log_bug
from bot.storage.worker_lease import WorkerLease

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]
Jobs = Mapping[str, tuple[Job, float]]
"""Job id -> (coroutine function, seconds between runs)."""

RETRY_EVERY = 2.0  # seconds between a standby's attempts to take the lease (and lease checks)
SHUTDOWN_DRAIN_SECONDS = 10.0
STUCK_AFTER = 300.0  # seconds: a round still running this long is logged (once per round)
OVERLAPPING_TICKS = 3  # instances APScheduler may start: the extra ones return at once


class Role(StrEnum):
    WORKER = "worker"
    STANDBY = "standby"
    STOPPED = "stopped"


class Worker:
    """Runs the sender and the jobs while this process holds the lease."""

    def __init__(
        self,
        core: Core,
        jobs: Jobs,
        lease: WorkerLease,
        *,
        retry_every: float = RETRY_EVERY,
        drain_seconds: float = SHUTDOWN_DRAIN_SECONDS,
        stuck_after: float = STUCK_AFTER,
    ) -> None:
        self._core = core
        self._jobs = dict(jobs)
        self._lease = lease
        self._retry_every = retry_every
        self._drain_seconds = drain_seconds
        self._stuck_after = stuck_after
        self._started: dict[str, float] = {}  # job id -> when its round under way started
        self._reported: set[str] = set()  # jobs whose round under way was logged as stuck
        self._stop = asyncio.Event()
        self._watch: asyncio.Task[None] | None = None
        self._sender: asyncio.Task[None] | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._running_jobs: set[asyncio.Task[object]] = set()
        self.role = Role.STOPPED
        self.takeovers = 0

    @property
    def alive(self) -> bool:
        """Working or standing by, and (when working) its sender and timer are running."""
        if self._watch is None or self._watch.done():
            return False
        if self.role is Role.WORKER:
            scheduler_up = self._scheduler is not None and self._scheduler.running
            return scheduler_up and self._sender is not None and not self._sender.done()
        return self.role is Role.STANDBY

    async def start(self) -> None:
        """Become the worker now if nobody else is (a single process always is), else stand
        by; either way keep watching the lease in the background."""
        self.role = Role.STANDBY
        if await self._lease.acquire():
            await self._begin()
        self._watch = asyncio.create_task(self._watch_lease(), name="worker-lease")

    async def stop(self) -> None:
        """Stop the jobs, let the sender finish what is due (briefly), give the lease up."""
        self._stop.set()
        if self._watch is not None:
            await asyncio.gather(self._watch, return_exceptions=True)
        if self.role is Role.WORKER:
            await self._end(drain=True)
        await self._lease.release()
        self.role = Role.STOPPED

    async def _watch_lease(self) -> None:
        while not await self._stopped_within(self._retry_every):
            try:
                if self.role is Role.WORKER:
                    if not await self._lease.held():
                        await self._end(drain=False)
                # A worker that lost only its lock's connection (its process alive) notices
                # within one check and stops sending: give it that long before taking over.
                elif await self._lease.acquire() and not await self._stopped_within(
                    self._retry_every
                ):
                    await self._begin()
            except Exception as exc:
                log_bug(log, "worker: watching the lease failed", exc)

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait up to `seconds`; whether `stop()` was called meanwhile."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stop.wait()
        return self._stop.is_set()

    async def _begin(self) -> None:
        core = self._core
        if await self._lease.take_over(core.clock.now()):
            self.takeovers += 1
        self._sender = asyncio.create_task(core.sender.run(), name="sender")
        try:
            await core.delivery.run_due()  # steps that came due while no worker was running
        except Exception as exc:
            log_bug(log, "worker: the first delivery round failed", exc)
        scheduler = AsyncIOScheduler(timezone="UTC")
        for job_id, (job, every) in self._jobs.items():
            # Ticks missed while the loop was busy collapse into one run (coalesce), never
            # "missed" (no grace limit); a tick during a long round is skipped by `_tracked`
            # (quietly), which needs APScheduler to let it start.
            scheduler.add_job(
                self._tracked(job_id, job),
                "interval",
                name=job_id,
                seconds=every,
                id=job_id,
                coalesce=True,
                max_instances=OVERLAPPING_TICKS,
                misfire_grace_time=None,
            )
        scheduler.start()
        self._scheduler = scheduler
        self.role = Role.WORKER
        log.info("this process is the worker: sending and running the timed jobs")

    def _tracked(self, job_id: str, job: Job) -> Job:
        """`job`, one round at a time: a tick while a round is under way returns at once (and
        logs it if that round has been running `stuck_after` seconds); runs under way are
        remembered so that a stop can wait for them."""

        async def run() -> object:
            if job_id in self._started:
                self._still_running(job_id)
                return None
            self._started[job_id] = time.monotonic()
            task = asyncio.current_task()
            if task is not None:
                self._running_jobs.add(task)
            try:
                return await job()
            finally:
                del self._started[job_id]
                self._reported.discard(job_id)
                if task is not None:
                    self._running_jobs.discard(task)

        return run

    def _still_running(self, job_id: str) -> None:
        elapsed = time.monotonic() - self._started[job_id]
        if elapsed >= self._stuck_after and job_id not in self._reported:
            self._reported.add(job_id)
            log.warning("worker: a %s round has been running for %.0f s", job_id, elapsed)

    async def _end(self, *, drain: bool) -> None:
        """Stop the jobs and the sender; `drain`: first let it send what is due (a graceful
        stop), else stop at once (the lease is lost: another worker takes over)."""
        self.role = Role.STANDBY
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None and scheduler.running:
            scheduler.pause()  # no new runs; APScheduler's shutdown would cancel running ones
            if self._running_jobs:  # mid-transaction: let them commit or roll back
                await asyncio.wait(set(self._running_jobs), timeout=self._drain_seconds)
            scheduler.shutdown(wait=False)
        sender = self._core.sender
        if drain:
            with contextlib.suppress(TimeoutError):
                await sender.drain(timeout=self._drain_seconds)
        await sender.stop()
        task, self._sender = self._sender, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if not drain:
            log.error("no longer the worker: stopped sending and the timed jobs")
