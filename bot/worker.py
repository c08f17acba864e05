"""The worker: the one outbound sender and the timed jobs (delivery rounds, matching, nudges…),
run by one process at a time.

Every replica handles updates, but only the holder of the worker lease
(`bot.storage.worker_lease`) sends and runs the jobs: one sender is what keeps the bot within
Telegram's overall limit (~30 messages/s for the whole bot, not per process) and each chat's
messages in order. The others stand by and try to take the lease every `retry_every` seconds;
when the worker dies, one of them takes over, first making what the dead worker had in flight
claimable again. The scheduled rows themselves are claimed with `FOR UPDATE SKIP LOCKED`, so
even two workers at once (a network partition) would not queue a step twice.

APScheduler 3 is only the in-process timer: due work lives in our tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
    ) -> None:
        self._core = core
        self._jobs = dict(jobs)
        self._lease = lease
        self._retry_every = retry_every
        self._drain_seconds = drain_seconds
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
            scheduler.add_job(
                self._tracked(job),
                "interval",
                name=job_id,
                seconds=every,
                id=job_id,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
        scheduler.start()
        self._scheduler = scheduler
        self.role = Role.WORKER
        log.info("this process is the worker: sending and running the timed jobs")

    def _tracked(self, job: Job) -> Job:
        """`job`, remembering its runs under way so that a stop can wait for them."""

        async def run() -> object:
            task = asyncio.current_task()
            if task is not None:
                self._running_jobs.add(task)
            try:
                return await job()
            finally:
                if task is not None:
                    self._running_jobs.discard(task)

        return run

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
