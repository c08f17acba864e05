"""Even two workers at once (a network partition can make an old worker live on for a moment)
never queue a curriculum step or a nudge twice: their rows are claimed with SKIP LOCKED."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.programs import load_programs
from bot.i18n import Catalogs
from bot.services.curriculum import CurriculumDelivery
from bot.storage.db import create_engine, session_factory
from bot.storage.uow import sql_uow_factory
from tests.e2e.quick_program import PROGRAM, write_quick_curricula
from tests.replicas.support import POSTGRES_ENV, postgres_schema, seed_pairs

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason="set MENTORBOT_TEST_POSTGRES_URL"),
]
PAIRS = 60
START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


async def test_two_rounds_at_once_queue_each_step_and_nudge_once(tmp_path: Path) -> None:
    curricula = write_quick_curricula(tmp_path / "curricula", steps=1, cadence="1h")
    async with postgres_schema(os.environ[POSTGRES_ENV]) as url:
        pairs = await seed_pairs(url, curricula, PROGRAM, PAIRS, 6_100_000, START)
        engines = [create_engine(url), create_engine(url)]
        clock = FixedClock(START + timedelta(days=2))  # step 1 due, and every pair silent
        rounds = [
            CurriculumDelivery(
                sql_uow_factory(session_factory(engine)),
                clock,
                load_programs(curricula),
                Catalogs("en"),
                batch_size=7,  # many small batches, so the two rounds interleave
            )
            for engine in engines
        ]
        try:
            await asyncio.gather(*(r.run_due() for r in rounds))
            while sum(await asyncio.gather(*(r.nudge_silent() for r in rounds))):
                pass  # each pass nudges a batch per round, until no pair is left
            async with engines[0].connect() as connection:
                result = await connection.execute(text("SELECT chat_id FROM outbox"))
                per_chat = Counter(int(row[0]) for row in result)
        finally:
            for engine in engines:
                await engine.dispose()
    people = [person for pair in pairs for person in pair]
    assert sum(r.sent for r in rounds) == len(people), "each step queued once"
    assert sum(r.nudged for r in rounds) == PAIRS, "each pair nudged once"
    assert all(r.sent for r in rounds), "both rounds did part of the work"
    assert per_chat == Counter({person: 2 for person in people}), "one step, one nudge each"
