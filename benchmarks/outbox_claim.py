"""How long the sender's claim takes on a big outbox: a curriculum round has just queued 2N
messages (one per person of N pairs, like `claim_and_queue`), and the sender claims them a batch
at a time, recording each batch sent before the next claim (as it does once a batch is out).

    .venv/bin/python benchmarks/outbox_claim.py --pairs 100000 --database sqlite --repeat 3
    .venv/bin/python benchmarks/outbox_claim.py --pairs 100000 --database postgres --repeat 3

Timed: `--claims` claims of `--batch` items (the sender's default batch is 100) from the front of
the outbox, each followed by `mark_sent_many` of what it took, each in its own transaction. The
rows are inserted with `add_serialised` (not timed), then ANALYZEd. Baseline, in the same run and
database: the same number of plain `SELECT ... WHERE status = 'pending' ORDER BY id LIMIT batch`
+ UPDATE round trips on a scratch copy of the ids (what a claim without any order rule costs).
Compare medians and their ratio to the baseline: the machine is shared and noisy.

Prints one JSON object on stdout; progress goes to stderr. Uses only the `Outbox` port, so it
runs unchanged against older versions of the code (PYTHONPATH=<their checkout>).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import migrated_engine, progress  # noqa: E402
from bot.core import effects as fx  # noqa: E402
from bot.storage.db import session_factory  # noqa: E402
from bot.storage.uow import sql_uow_factory  # noqa: E402

NOW = datetime(2026, 1, 12, 9, 0, 30, tzinfo=UTC)
FIRST_ID = 10_000_000
CHUNK = 5_000
BODY = "This week, agree on how and when you will talk, and share one goal for the term. " * 4


async def fill(uows: Any, pairs: int) -> None:
    template = orjson.dumps(fx.to_json(fx.SendText(chat_id=FIRST_ID, text=BODY))).decode()
    for start in range(0, 2 * pairs, CHUNK):
        chats = range(FIRST_ID + start, FIRST_ID + min(2 * pairs, start + CHUNK))
        items = [(c, template.replace(str(FIRST_ID), str(c), 1)) for c in chats]
        async with uows() as uow:
            await uow.outbox.add_serialised(items, NOW)
            await uow.commit()


async def baseline(engine: Any, claims: int, batch: int) -> float:
    async with engine.begin() as connection:
        await connection.exec_driver_sql(
            "CREATE TABLE bench_claim AS SELECT id, status FROM outbox"
        )
        await connection.exec_driver_sql(
            "CREATE INDEX bench_claim_status ON bench_claim (status, id)"
        )
    started = time.perf_counter()
    for _ in range(claims):
        async with engine.begin() as connection:
            result = await connection.exec_driver_sql(
                f"SELECT id FROM bench_claim WHERE status = 'pending' ORDER BY id LIMIT {batch}"
            )
            ids = [row[0] for row in result]
            await connection.exec_driver_sql(
                f"UPDATE bench_claim SET status = 'sent' WHERE id IN ({','.join(map(str, ids))})"
            )
    elapsed = time.perf_counter() - started
    async with engine.begin() as connection:
        await connection.exec_driver_sql("DROP TABLE bench_claim")
    return elapsed


async def one_run(kind: str, scratch: Path, run: int, pairs: int, claims: int, batch: int) -> Any:
    async with migrated_engine(kind, scratch, run) as engine:
        uows = sql_uow_factory(session_factory(engine))
        progress(f"run {run + 1}: queueing {2 * pairs} messages ({kind})")
        await fill(uows, pairs)
        async with engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
        base = await baseline(engine, claims, batch)
        claimed = 0
        started = time.perf_counter()
        for _ in range(claims):
            async with uows() as uow:
                items = await uow.outbox.claim_due(NOW, batch, 60.0)
                await uow.commit()
            claimed += len(items)
            async with uows() as uow:
                await uow.outbox.mark_sent_many([(i.id, i.id, NOW) for i in items])
                await uow.commit()
        elapsed = time.perf_counter() - started
        if claimed != claims * batch:
            raise AssertionError(f"claimed {claimed}, expected {claims * batch}")
        progress(f"run {run + 1}: {claims} claims {elapsed:.2f}s, baseline {base:.2f}s")
        return elapsed, base


async def measure(
    pairs: int, database: str, repeat: int, claims: int, batch: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as tmp:
        runs, bases = [], []
        for run in range(repeat):
            elapsed, base = await one_run(database, Path(tmp), run, pairs, claims, batch)
            runs.append(elapsed)
            bases.append(base)
    median, base_median = statistics.median(runs), statistics.median(bases)
    return {
        "benchmark": "outbox_claim",
        "database": database,
        "outbox_rows": 2 * pairs,
        "claims": claims,
        "batch": batch,
        "runs_s": [round(r, 3) for r in runs],
        "median_s": round(median, 3),
        "per_claim_ms": round(1000 * median / claims, 2),
        "baseline": {"runs_s": [round(b, 3) for b in bases], "median_s": round(base_median, 3)},
        "ratio_to_baseline": round(median / base_median, 2),
        "command": (
            f"python benchmarks/outbox_claim.py --pairs {pairs} --database {database} "
            f"--repeat {repeat} --claims {claims} --batch {batch}"
        ),
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args(argv)
    if min(args.pairs, args.repeat, args.claims, args.batch) < 1:
        parser.error("--pairs, --repeat, --claims and --batch must be at least 1")
    if args.claims * args.batch > 2 * args.pairs:
        parser.error("--claims x --batch must not exceed the 2 x --pairs messages queued")
    result = asyncio.run(measure(args.pairs, args.database, args.repeat, args.claims, args.batch))
    sys.stdout.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    main()
