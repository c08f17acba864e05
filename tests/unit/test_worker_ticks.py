"""The worker's timed jobs when a round takes longer than its tick (what a clock jump causes:
many steps come due at once): one round at a time, the ticks during it pass quietly (no
APScheduler warnings), and a round running far too long is logged once."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from bot.bootstrap import Core
from bot.storage.worker_lease import LocalWorkerLease
from bot.worker import Worker


@dataclass
class FakeSender:
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        await self._stop.wait()

    async def stop(self) -> None:
        self._stop.set()

    async def drain(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        return None


class FakeDelivery:
    async def run_due(self) -> int:
        return 0


class FakeClock:
    def now(self) -> datetime:
        return datetime(2026, 10, 12, 7, 0, tzinfo=UTC)


def fake_core() -> Core:
    core: Any = type(
        "FakeCore", (), {"sender": FakeSender(), "delivery": FakeDelivery(), "clock": FakeClock()}
    )()
    return cast(Core, core)


@dataclass
class SlowRound:
    """A round that takes `seconds` (longer than its tick), counting overlaps."""

    seconds: float
    started: int = 0
    finished: int = 0
    running: int = 0
    most_at_once: int = 0

    async def __call__(self) -> None:
        self.started += 1
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.running -= 1
            self.finished += 1


def warnings_from(caplog: pytest.LogCaptureFixture, prefix: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(prefix) and r.levelno >= logging.WARNING
    ]


async def test_ticks_during_a_long_round_pass_quietly(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    slow = SlowRound(seconds=0.6)
    worker = Worker(fake_core(), {"curriculum-round": (slow, 0.05)}, LocalWorkerLease())
    await worker.start()
    try:
        await asyncio.sleep(1.5)  # some 30 ticks, two or three rounds
    finally:
        await worker.stop()
    assert slow.started >= 2, "the job kept running round after round"
    assert slow.most_at_once == 1, "one round at a time"
    assert warnings_from(caplog, "apscheduler") == []
    assert warnings_from(caplog, "bot.worker") == []  # 0.6 s is slow, not stuck


async def test_a_stuck_round_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    stuck = SlowRound(seconds=1.2)
    worker = Worker(
        fake_core(), {"matching-round": (stuck, 0.05)}, LocalWorkerLease(), stuck_after=0.4
    )
    await worker.start()
    try:
        await asyncio.sleep(1.0)
    finally:
        await worker.stop()
    assert warnings_from(caplog, "apscheduler") == []
    mine = warnings_from(caplog, "bot.worker")
    assert len(mine) == 1 and mine[0].startswith("worker: a matching-round round has been")
    assert stuck.most_at_once == 1 and stuck.finished == stuck.started == 1
