"""The demo's clock buttons (+1 day, +1 week) with pairs under way: every step that came due is
delivered, and the log has no scheduler warnings (a round longer than its tick is expected after
a jump; APScheduler used to warn at every tick it skipped). Here every curriculum round is made
to take longer than the tick (as it does on a slow machine, or with a large program, after a
jump), so that rounds do outlast their tick on any machine."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest

from bot.core.models import Role
from bot.demo_seed import seed_demo
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from bot.services.curriculum import CurriculumDelivery
from tests.browser.conftest import Demo
from tests.e2e.harness import BotProcess, seed_pair, seed_person, sqlite_url
from tests.e2e.support import settled

pytestmark = pytest.mark.e2e
PAIRS = 6
DAY = 24 * 3600
TICK = 0.2  # seconds, as in every end-to-end test (the demo's is 1 s)
ROUND = 3 * TICK  # how long each curriculum round takes here


@pytest.fixture
async def busy_demo(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Demo]:
    """The demo (seeded), its curriculum rounds each longer than the tick."""
    run_due = CurriculumDelivery.run_due

    async def slow_round(self: CurriculumDelivery) -> int:
        queued = await run_due(self)
        await asyncio.sleep(ROUND)
        return queued

    monkeypatch.setattr(CurriculumDelivery, "run_due", slow_round)
    overrides: dict[str, object] = {"transport": "aiogram", "schedule_tick": f"{TICK}s"}
    bot = BotProcess(sandbox, sqlite_url(tmp_path), overrides)
    core = await bot.start()
    await seed_demo(core, sandbox.sandbox)
    try:
        yield Demo(sandbox, bot)
    finally:
        await bot.stop()


def has_text(text: str, message: ChatMessage) -> bool:
    return text in (message.text or "")


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith(("apscheduler", "bot.worker"))
    ]


async def test_jumping_the_clock_delivers_the_steps_without_scheduler_warnings(
    busy_demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    demo = busy_demo
    mentees = [9100 + 2 * n for n in range(PAIRS)]
    async with SandboxClient(demo.sandbox.url) as client:
        for mentee in mentees:
            await seed_person(demo.bot, client, mentee, role=Role.MENTEE, program="college")
            await seed_person(demo.bot, client, mentee + 1, role=Role.MENTOR, program="college")
            await seed_pair(demo.bot, mentee, mentee + 1, "college")
        for jump, step in ((DAY, "Step 1 of"), (7 * DAY, "Step 2 of")):  # +1 day, +1 week
            await client.advance_clock(jump)
            for chat in (*mentees, *(m + 1 for m in mentees)):
                await client.wait_for_messages(chat, partial(has_text, step), timeout=30)
            await settled(demo.bot)
    assert warnings(caplog) == []
