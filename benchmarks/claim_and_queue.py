"""How long one curriculum round takes to queue a whole cohort's step:
`CurriculumDelivery.run_due()` claims N pairs' due rows (2N people, all due in the same minute),
renders each message and writes it to the outbox, in batches of 2,000 rows per transaction.

    .venv/bin/python benchmarks/claim_and_queue.py --pairs 100000 --database sqlite --repeat 3
    .venv/bin/python benchmarks/claim_and_queue.py --pairs 100000 --database postgres --repeat 3

Each run uses a fresh database (a temporary SQLite file; a new PostgreSQL schema in
MENTORBOT_TEST_POSTGRES_URL, or postgresql+asyncpg://postgres@127.0.0.1:5432/test, dropped
afterwards). One pair is made through the service layer (`start_pair`, with a generated two-step
program, no quiet hours); its person, pair and schedule rows are then cloned N-1 times in bulk (the
seeding is not timed). After the timed round the outbox must hold exactly 2N rows and no scheduled
row may be due.

Baseline, measured in the same database in the same run: plain INSERTs of the same number of rows
(a BIGINT, a 400-character TEXT and a timestamp) into a scratch table, as many rows per transaction
as the round (`bot.services.curriculum.BATCH_SIZE`), through the same SQLAlchemy async engine.
Machines are shared and noisy: compare the median and its ratio to the baseline, not one absolute
time.

Prints one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, Table, Text, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.models import Person, Role
from bot.core.programs import ProgramCatalog, load_programs
from bot.i18n import Catalogs
from bot.services.curriculum import BATCH_SIZE, CurriculumDelivery
from bot.services.pairs import start_pair
from bot.storage.db import session_factory
from bot.storage.tables import OutboxRow, PairRow, PersonRow, ScheduledStepRow
from bot.storage.uow import sql_uow_factory

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the test factories live beside it
    sys.path.insert(0, str(ROOT))

from benchmarks.common import migrated_engine, progress, report_profile  # noqa: E402
from tests.factories import onboarded_person  # noqa: E402

TARGET_S = 10.0  # for 100,000 pairs on SQLite
PROGRAM = "bench"
CURRICULUM = "bench-steps"
START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # the template pair's start: step 1 is due then
NOW = START + timedelta(seconds=30)  # the round runs within the same minute
FIRST_ID = 10_000_000  # person ids (= chat ids) start here
CLONE_CHUNK = 5_000
BASELINE_TEXT = "x" * 400


@dataclass(frozen=True)
class FixedClock:
    """The business clock, stopped in the minute every step is due."""

    at: datetime

    def now(self) -> datetime:
        return self.at


# -- the program ------------------------------------------------------------------------------


def _text(en: str) -> dict[str, str]:
    return {"en": en, "it": f"{en} (it)"}


def write_curricula(folder: Path) -> Path:
    """A two-step program (an hour apart, so only step 1 is due) with a check-in and a link,
    like a real first step."""
    question = {
        "mentee": _text("Pick"),
        "mentor": _text("Pick"),
        "options": [{"id": "one", "label": _text("One")}],
    }
    program = {
        "code": PROGRAM,
        "name": _text("Benchmark"),
        "summary": _text("A program for the claim-and-queue benchmark"),
        "youth_services": _text("Youth services"),
        "schedule": {
            "curricula": [CURRICULUM],
            "late_policy": "send",
            "late_after": "2d",
            "nudge_after": "7d",
            "quiet_hours": None,
        },
        "profile": {
            "goals": question,
            "interests": question,
            "experiences": {**question, "min_choices": 0},
            "languages": question,
        },
    }
    body = (
        "This week, agree on how and when you will talk, and share one goal for the term. "
        "Write it down in a sentence or two: you will come back to it in a few weeks. "
    ) * 2
    step: dict[str, Any] = {
        "title": _text("Getting to know each other"),
        "mentee": _text(body),
        "mentor": _text(body),
        "resources": [{"title": _text("Study tips"), "url": "https://example.org/tips"}],
        "checkin": {
            "question": _text("How did your first conversation go?"),
            "options": [
                {"id": "good", "label": _text("Good")},
                {"id": "okay", "label": _text("Okay")},
                {"id": "hard", "label": _text("Hard")},
            ],
        },
    }
    curriculum = {
        "id": CURRICULUM,
        "title": _text("Benchmark steps"),
        "cadence": "1h",
        "steps": [
            {"id": "step1", **step},
            {"id": "step2", **{k: v for k, v in step.items() if k != "checkin"}},
        ],
    }
    (folder / "programs").mkdir(parents=True, exist_ok=True)
    (folder / CURRICULUM).mkdir(exist_ok=True)
    (folder / "programs" / f"{PROGRAM}.yaml").write_text(yaml.safe_dump(program), "utf-8")
    (folder / CURRICULUM / "curriculum.yaml").write_text(yaml.safe_dump(curriculum), "utf-8")
    return folder


def _person(user_id: int, role: Role) -> Person:
    return onboarded_person(
        user_id,
        role,
        PROGRAM,
        START,
        time_zone="UTC",
        preferred_hour=12,
        capacity=1 if role is Role.MENTOR else None,
    )


async def seed(engine: AsyncEngine, catalog: ProgramCatalog, pairs: int) -> None:
    """One pair through the service layer, then N-1 bulk copies of its rows."""
    uows = sql_uow_factory(session_factory(engine))
    async with uows() as uow:
        await uow.persons.add(_person(FIRST_ID, Role.MENTEE))
        await uow.persons.add(_person(FIRST_ID + 1, Role.MENTOR))
        await start_pair(
            uow, catalog, mentee_id=FIRST_ID, mentor_id=FIRST_ID + 1, program=PROGRAM, at=START
        )
        await uow.commit()
    persons, pair_table, steps = (
        cast(Table, PersonRow.__table__),
        cast(Table, PairRow.__table__),
        cast(Table, ScheduledStepRow.__table__),
    )
    async with engine.connect() as connection:
        people = [dict(r) for r in (await connection.execute(select(persons))).mappings()]
        (pair,) = [dict(r) for r in (await connection.execute(select(pair_table))).mappings()]
        rows = [dict(r) for r in (await connection.execute(select(steps))).mappings()]
    assert len(people) == 2 and len(rows) == 4, "the template pair was not scheduled"
    by_id = {p["id"]: p for p in people}
    for start in range(1, pairs, CLONE_CHUNK):
        numbers = range(start, min(pairs, start + CLONE_CHUNK))
        new_people, new_pairs, new_steps = [], [], []
        for n in numbers:
            ids = {FIRST_ID: FIRST_ID + 2 * n, FIRST_ID + 1: FIRST_ID + 2 * n + 1}
            for old, new in ids.items():
                new_people.append(
                    {**by_id[old], "id": new, "chat_id": new, "display_name": f"Person {new}"}
                )
            pair_id = pair["id"] + n
            new_pairs.append(
                {
                    **pair,
                    "id": pair_id,
                    "mentee_id": ids[pair["mentee_id"]],
                    "mentor_id": ids[pair["mentor_id"]],
                }
            )
            for row in rows:
                copy = {k: v for k, v in row.items() if k != "id"}
                new_steps.append({**copy, "pair_id": pair_id, "person_id": ids[row["person_id"]]})
        async with engine.begin() as connection:
            await connection.execute(persons.insert(), new_people)
            await connection.execute(pair_table.insert(), new_pairs)
            await connection.execute(steps.insert(), new_steps)
        if (start // CLONE_CHUNK) % 10 == 9:
            progress(f"  seeded {min(pairs, start + CLONE_CHUNK)} pairs")
    async with engine.begin() as connection:  # statistics, as autovacuum would have them
        await connection.exec_driver_sql("ANALYZE")


async def baseline_insert(engine: AsyncEngine, rows: int) -> float:
    """Seconds to INSERT `rows` plain rows into a scratch table, `BATCH_SIZE` (the round's) per
    transaction."""
    metadata = MetaData()
    scratch = Table(
        "bench_baseline",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("chat_id", BigInteger),
        Column("payload", Text),
        Column("created_at", DateTime(timezone=True)),
    )
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    batches = [
        [
            {"chat_id": FIRST_ID + i, "payload": BASELINE_TEXT, "created_at": NOW}
            for i in range(start, min(rows, start + BATCH_SIZE))
        ]
        for start in range(0, rows, BATCH_SIZE)
    ]
    started = time.perf_counter()
    for batch in batches:
        async with engine.begin() as connection:
            await connection.execute(scratch.insert(), batch)
    elapsed = time.perf_counter() - started
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
    return elapsed


async def one_run(
    kind: str,
    scratch: Path,
    run: int,
    pairs: int,
    catalog: ProgramCatalog,
    profile: cProfile.Profile | None = None,
) -> Any:
    async with migrated_engine(kind, scratch, run) as engine:
        progress(f"run {run + 1}: seeding {pairs} pairs ({kind})")
        await seed(engine, catalog, pairs)
        baseline = await baseline_insert(engine, 2 * pairs)
        progress(f"run {run + 1}: baseline insert {baseline:.2f}s")
        uows = sql_uow_factory(session_factory(engine))
        delivery = CurriculumDelivery(uows, FixedClock(NOW), catalog, Catalogs("en"))
        if profile is not None:
            profile.enable()
        started = time.perf_counter()
        handled = await delivery.run_due()
        elapsed = time.perf_counter() - started
        if profile is not None:
            profile.disable()
        progress(f"run {run + 1}: run_due {elapsed:.2f}s ({handled} rows)")
        async with engine.connect() as connection:
            outbox = (
                await connection.execute(select(func.count()).select_from(OutboxRow))
            ).scalar_one()
        async with uows() as uow:
            still_due = await uow.schedule.count_due(NOW)
        messages = 2 * pairs
        if handled != messages or outbox != messages or still_due != 0:
            raise AssertionError(
                f"expected {messages} rows queued, got handled={handled} "
                f"outbox={outbox} still_due={still_due}"
            )
        return elapsed, baseline


async def measure(
    pairs: int, database: str, repeat: int, profile: cProfile.Profile | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as tmp:
        scratch = Path(tmp)
        catalog = load_programs(write_curricula(scratch / "curricula"))
        runs, baselines = [], []
        for run in range(repeat):
            elapsed, baseline = await one_run(database, scratch, run, pairs, catalog, profile)
            runs.append(elapsed)
            baselines.append(baseline)
    median, baseline_median = statistics.median(runs), statistics.median(baselines)
    return {
        "benchmark": "claim_and_queue",
        "database": database,
        "pairs": pairs,
        "messages": 2 * pairs,
        "repeat": repeat,
        "runs_s": [round(r, 3) for r in runs],
        "median_s": round(median, 3),
        "messages_per_s": round(2 * pairs / median),
        "target_s": TARGET_S,
        "meets_target": median <= TARGET_S,
        "baseline": {
            "what": (
                f"plain INSERT of {2 * pairs} rows (BIGINT, 400-char TEXT, timestamp) into a "
                f"scratch table, {BATCH_SIZE} rows per transaction, same engine, same run"
            ),
            "runs_s": [round(b, 3) for b in baselines],
            "median_s": round(baseline_median, 3),
        },
        "ratio_to_baseline": round(median / baseline_median, 2),
        "command": (
            f"python benchmarks/claim_and_queue.py --pairs {pairs} --database {database} "
            f"--repeat {repeat}"
        ),
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="profile the timed rounds (cProfile, which slows them down): save the stats to "
        "FILE and print the top functions to stderr",
    )
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.repeat < 1:
        parser.error("--pairs and --repeat must be at least 1")
    profile = cProfile.Profile() if args.profile else None
    result = asyncio.run(measure(args.pairs, args.database, args.repeat, profile))
    if profile is not None:
        report_profile(profile, args.profile, 25)
        result["profiled"] = True  # timings include cProfile's overhead
    sys.stdout.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    main()
