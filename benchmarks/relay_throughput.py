"""How many messages the anonymous relay carries per second, and the latency it adds, with many
pairs talking at once through the sandbox over HTTP, against a bare aiogram echo bot doing the
same Telegram-side work in the same run.

    .venv/bin/python benchmarks/relay_throughput.py --pairs 200 --messages 5 --repeat 3
    .venv/bin/python benchmarks/relay_throughput.py --pairs 200 --messages 5 --database postgres

Each measurement gets its own in-process sandbox with Telegram's per-chat limits on (1 message/s
per private chat, burst 3) and the overall limit raised as in paid-broadcast mode (1000/s, with
or without `allow_paid_broadcast`), so neither bot is capped at 30/s. N pairs are seeded; then
every mentee sends M texts to their mentor, all pairs at once. A mentee sends the next text only
once the previous one was relayed *and* at least 1 s after sending it: one message per chat in
flight, never more than Telegram's 1/s per chat, like a person waiting for each message to go
through. (Without the 1 s floor the fourth copy to a chat within ~3 s would break Telegram's
per-chat limit; a bare bot then loses it to a 429 and mentorbot's sender paces it: both would
measure that limit, not the bot.)

Latency of a message: from the control API's `send_text` returning to its copy showing in the
partner's chat, seen on the sandbox's event stream (`GET /sandbox/events`, long-polled); texts
are unique. Throughput: messages relayed / (last copy seen - first send).

* mentorbot: the real bot (`running_bot`: aiogram long polling, core, outbox, sender) with
  `PAID_BROADCAST=true`, `SEND_RATE=1000`, a quick program whose next step is a week away and a
  1-hour schedule tick (no curriculum round, matching, nudge or check-in runs meanwhile);
  SQLite in a temporary folder, or a fresh PostgreSQL schema (`MENTORBOT_TEST_POSTGRES_URL`, or
  postgresql+asyncpg://postgres@127.0.0.1:5432/test), dropped afterwards. People and pairs are
  seeded through the repositories and the service layer (`tests/e2e/harness.py`).
* echo: a bare aiogram `Dispatcher` with one `@router.message()` handler that copies each
  message to the partner's chat (`message.copy_to`, routing from an in-memory dict): one
  `copyMessage` per message, as mentorbot makes.

Runs alternate (mentorbot, echo, mentorbot, echo, ...) so machine noise hits both; the figures are
medians over the runs. Everything (sandbox, bot, the simulated people) shares one process and one
event loop, so the sandbox's and the people's CPU counts against each bot alike.

Prints one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import logging
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.sandbox.client import SandboxClient
from bot.sandbox.ratelimit import RateLimits
from bot.sandbox.server import start_sandbox

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the e2e harness and the other benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_database, progress, report_profile  # noqa: E402
from benchmarks.relay_bots import SEND_RATE, echo_bot, mentorbot  # noqa: E402
from benchmarks.relay_workload import PACE_S, Talk, pairs_of, talk  # noqa: E402
from tests.e2e.quick_program import write_quick_curricula  # noqa: E402

TARGET_RATIO = 0.5
SANDBOX_LIMITS = RateLimits(
    overall_per_second=1000,  # raised from 30: the echo bot does not pass allow_paid_broadcast
    paid_per_second=1000,
    private_per_second=1.0,
    private_burst=3,
    group_per_minute=20,
)
BOTS = ("mentorbot", "echo")


def percentile_ms(seconds: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) in milliseconds, linear between the closest ranks; None when
    there is nothing to rank."""
    if not seconds:
        return None
    ordered = sorted(seconds)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(1000 * (ordered[low] + (ordered[high] - ordered[low]) * (rank - low)), 1)


def median_of(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


@dataclass
class Run:
    """One bot's figures from one run."""

    bot: str
    run: int
    messages: int
    relayed: int
    lost: int
    duplicates: int
    misrouted: int
    elapsed_s: float
    relayed_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    responses_429: int
    copy_requests: int
    cpu_ms_per_message: float
    loop_busy: float
    seed_s: float

    @property
    def exactly_once(self) -> bool:
        return self.relayed == self.messages and not (self.duplicates or self.misrouted)


def figures(
    kind: str, run: int, total: int, talked: Talk, log: Sequence[dict[str, Any]], seed_s: float
) -> Run:
    """One run's figures from what the people saw (`talked`) and the sandbox's request log
    (`log`, this run's requests only)."""
    watch, latencies, elapsed = talked.watch, talked.latencies, talked.elapsed_s
    relayed = len(latencies)  # seen in the partner's chat within RELAY_TIMEOUT_S
    return Run(
        bot=kind,
        run=run,
        messages=total,
        relayed=relayed,
        lost=total - relayed,
        duplicates=sum(count - 1 for count in watch.seen.values() if count > 1),
        misrouted=watch.misrouted,
        elapsed_s=round(elapsed, 3),
        relayed_per_s=round(relayed / elapsed, 1),
        p50_ms=percentile_ms(latencies, 50),
        p99_ms=percentile_ms(latencies, 99),
        max_ms=percentile_ms(latencies, 100),
        responses_429=sum(1 for entry in log if entry["status"] == 429),
        copy_requests=sum(1 for entry in log if entry["method"] == "copyMessage"),
        cpu_ms_per_message=round(1000 * talked.cpu_s / max(relayed, 1), 2),
        loop_busy=round(talked.loop_cpu_s / elapsed, 2),
        seed_s=round(seed_s, 2),
    )


# -- one measurement --------------------------------------------------------------------------


async def one_run(
    kind: str,
    run: int,
    pairs: int,
    messages: int,
    database: str,
    scratch: Path,
    curricula: Path,
    profile: cProfile.Profile | None,
) -> Run:
    ids = pairs_of(pairs)
    running = await start_sandbox(rate_limits=SANDBOX_LIMITS)
    # the people: one connection each, so none waits for another's request to finish
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=90)
    )
    try:
        async with contextlib.AsyncExitStack() as stack:
            client = SandboxClient(running.url, session=session)
            seeding = time.monotonic()
            if kind == "mentorbot":
                url = await stack.enter_async_context(fresh_database(database, scratch, run))
                await stack.enter_async_context(mentorbot(running, client, ids, url, curricula))
            else:
                await stack.enter_async_context(echo_bot(running, client, ids))
            seed_s = time.monotonic() - seeding
            first_request = len(running.sandbox.request_log)
            progress(f"run {run + 1} {kind}: {pairs} pairs ready in {seed_s:.1f}s, talking")
            if profile is not None and kind == "mentorbot":
                profile.enable()
            try:
                talked = await talk(client, ids, run, messages)
            finally:
                if profile is not None:
                    profile.disable()
            log = running.sandbox.request_log[first_request:]
    finally:
        await session.close()
        await running.stop()
    total = pairs * messages
    result = figures(kind, run, total, talked, log, seed_s)
    progress(
        f"run {run + 1} {kind}: {result.relayed}/{total} relayed in {result.elapsed_s:.2f}s = "
        f"{result.relayed_per_s:.1f}/s, p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
        f"{result.cpu_ms_per_message} ms CPU per message, {result.responses_429} answers 429"
    )
    return result


def summary(runs: list[Run]) -> dict[str, Any]:
    return {
        "relayed_per_s": median_of([r.relayed_per_s for r in runs]),
        "p50_ms": median_of([r.p50_ms for r in runs]),
        "p99_ms": median_of([r.p99_ms for r in runs]),
        "cpu_ms_per_message": median_of([r.cpu_ms_per_message for r in runs]),
        "responses_429": sum(r.responses_429 for r in runs),
        "all_relayed_exactly_once": all(r.exactly_once for r in runs),
        "runs": [asdict(r) for r in runs],
    }


async def measure(
    pairs: int,
    messages: int,
    repeat: int,
    database: str,
    profile: cProfile.Profile | None = None,
) -> dict[str, Any]:
    runs: dict[str, list[Run]] = {kind: [] for kind in BOTS}
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as tmp:
        scratch = Path(tmp)
        curricula = write_quick_curricula(scratch / "curricula", cadence="7d")
        for run in range(repeat):
            for kind in BOTS:  # alternating, so noise hits both
                runs[kind].append(
                    await one_run(
                        kind, run, pairs, messages, database, scratch, curricula, profile
                    )
                )
    ours, echo = summary(runs["mentorbot"]), summary(runs["echo"])
    ratio = ours["relayed_per_s"] / echo["relayed_per_s"] if echo["relayed_per_s"] else 0.0
    total = pairs * messages
    return {
        "benchmark": "relay_throughput",
        "pairs": pairs,
        "messages_per_pair": messages,
        "messages": total,
        "database": database,
        "repeat": repeat,
        "pace_s": PACE_S,
        "paced_ceiling_per_s": (
            round(total / ((messages - 1) * PACE_S), 1) if messages > 1 else None
        ),
        "sandbox_limits": {
            **asdict(SANDBOX_LIMITS),
            "note": (
                "per-chat limits as Telegram's; overall raised to the paid-broadcast 1000/s for "
                "both bots (the echo bot does not pass allow_paid_broadcast)"
            ),
        },
        "mentorbot": {
            "settings": {"send_rate": SEND_RATE, "paid_broadcast": True, "schedule_tick": "1h"},
            **ours,
        },
        "echo": {
            "what": "aiogram Dispatcher + one @router.message() handler: message.copy_to(partner)",
            **echo,
        },
        "throughput_ratio": round(ratio, 3),
        "p50_added_ms": difference(ours["p50_ms"], echo["p50_ms"]),
        "p99_added_ms": difference(ours["p99_ms"], echo["p99_ms"]),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio >= TARGET_RATIO and ours["all_relayed_exactly_once"],
        "command": (
            f"python benchmarks/relay_throughput.py --pairs {pairs} --messages {messages} "
            f"--repeat {repeat} --database {database}"
        ),
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200, help="pairs talking at once")
    parser.add_argument("--messages", type=int, default=5, help="texts each mentee sends")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each bot (medians)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="cProfile mentorbot's timed runs (the whole event loop: bot, sandbox and people; "
        "slower): save the stats to FILE and print the top functions to stderr",
    )
    args = parser.parse_args(argv)
    if min(args.pairs, args.messages, args.repeat) < 1:
        parser.error("--pairs, --messages and --repeat must be at least 1")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    profile = cProfile.Profile() if args.profile else None
    result = asyncio.run(measure(args.pairs, args.messages, args.repeat, args.database, profile))
    if profile is not None:
        report_profile(profile, args.profile, 30)
        result["profiled"] = True  # mentorbot's figures include cProfile's overhead
    sys.stdout.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    main()
