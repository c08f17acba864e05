"""The relay benchmark's workload: N mentees each writing M texts to their mentor, all pairs at
once, a text only once the previous one was relayed and at least `PACE_S` after it; and the
watch on the sandbox's event stream that notes when (and where, and how often) each copy shows
up in the partner's chat. See `benchmarks/relay_throughput.py`."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field

from bot.sandbox.client import SandboxClient

PACE_S = 1.0  # a person sends at most one message per second (Telegram's per-chat limit)
RELAY_TIMEOUT_S = 30.0  # a copy not seen by then is counted as lost
SETTLE_S = 0.5  # after the last copy: time for late duplicates to show
FIRST_ID = 8_000_000  # mentee i is FIRST_ID + 2i, their mentor FIRST_ID + 2i + 1


def pairs_of(count: int) -> list[tuple[int, int]]:
    """(mentee id, mentor id) of each pair; ids are chat ids too."""
    return [(FIRST_ID + 2 * i, FIRST_ID + 2 * i + 1) for i in range(count)]


def text_of(run: int, pair: int, message: int) -> str:
    """A unique text that no safety screen (contact details, crisis words) reacts to."""
    return f"round {run} pair {pair} note {message}"


# -- watching the partner's chats -------------------------------------------------------------


@dataclass
class CopyWatch:
    """Follows the sandbox's event stream and notes when each expected text shows up as a bot
    message, in which chat, and how many times."""

    client: SandboxClient
    waiting: dict[str, tuple[int, asyncio.Future[float]]] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    misrouted: int = 0
    last_seen: float = 0.0

    def expect(self, text: str, chat_id: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[text] = (chat_id, future)
        return future

    async def run(self) -> None:
        seq = 0
        while True:
            events, seq = await self.client.events(since=seq, timeout=5.0)
            now = time.monotonic()
            for event in events:
                message = event.message
                if event.type != "message" or message is None or not message.from_bot:
                    continue
                text = message.text or ""
                if text not in self.waiting:
                    continue
                self.seen[text] += 1
                chat_id, future = self.waiting[text]
                if event.chat_id != chat_id:
                    self.misrouted += 1
                elif not future.done():
                    future.set_result(now)
                    self.last_seen = max(self.last_seen, now)


# -- the workload -----------------------------------------------------------------------------


async def person(
    client: SandboxClient,
    watch: CopyWatch,
    mentee: int,
    mentor: int,
    texts: list[str],
    latencies: list[float],
) -> None:
    """A mentee writing to their mentor: each text once the previous one arrived, at most one
    per second."""
    next_at = 0.0
    for text in texts:
        delay = next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        arrived = watch.expect(text, mentor)
        await client.send_text(mentee, text)
        sent = time.monotonic()
        next_at = sent + PACE_S
        with contextlib.suppress(TimeoutError):
            latencies.append(max(0.0, await asyncio.wait_for(arrived, RELAY_TIMEOUT_S) - sent))


@dataclass
class Talk:
    watch: CopyWatch
    latencies: list[float]  # seconds, one per message relayed in time
    elapsed_s: float  # first send to last copy seen
    cpu_s: float  # the process's CPU time meanwhile (every thread: the loop, database drivers)
    loop_cpu_s: float  # the event loop thread's (bot, sandbox and people alike)


async def talk(client: SandboxClient, ids: list[tuple[int, int]], run: int, messages: int) -> Talk:
    """Every pair at once."""
    watch = CopyWatch(client)
    watching = asyncio.create_task(watch.run())
    latencies: list[float] = []
    try:
        cpu, loop_cpu = time.process_time(), time.thread_time()
        started = time.monotonic()
        await asyncio.gather(
            *(
                person(
                    client,
                    watch,
                    mentee,
                    mentor,
                    [text_of(run, index, m) for m in range(messages)],
                    latencies,
                )
                for index, (mentee, mentor) in enumerate(ids)
            )
        )
        cpu, loop_cpu = time.process_time() - cpu, time.thread_time() - loop_cpu
        elapsed = (watch.last_seen or time.monotonic()) - started
        await asyncio.sleep(SETTLE_S)
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
    return Talk(watch, latencies, elapsed, cpu, loop_cpu)
