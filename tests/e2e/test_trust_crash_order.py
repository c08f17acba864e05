"""Issue 13, defect 4: the bot is SIGKILLed in the middle of delivering and started again; each
chat must still read step 1 before step 2. Two ways it went wrong, both from the per-chat hold
living only in the sender's memory:

* in flight: step 1 was leased by the dead sender (no one resends it until its lease runs out)
  and the new process queued step 2 and sent it at once (fails today on SQLite; on PostgreSQL
  the new worker takes over the dead one's leases at once, which hides it);
* in a retry back-off: step 1 had failed and waited to be tried again, step 2 was claimed
  behind it; the new process sent step 2 first (fails today on PostgreSQL, where the takeover
  frees step 2 at once; on SQLite step 2's lease happened to outlast the back-off).

Each runs on SQLite and on PostgreSQL, on both transports."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from bot.storage.db import create_engine
from tests.e2e.quick_program import write_quick_curricula
from tests.e2e.test_crash import PAIRS, killed_at_the_end, leased_outbox_items, seed, start_bot
from tests.replicas.support import POSTGRES_ENV, postgres_schema

CHATS = range(2000, 2000 + 2 * PAIRS)
STEP = re.compile(r"Step \d+ of \d+")
LEASE_S = 60  # the sender's lease (Sender default), on the business clock


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/order.sqlite3"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL variant")
    async with postgres_schema(base) as url:
        yield url


async def steps_by_chat(client: SandboxClient) -> dict[int, list[str]]:
    """Each chat's step messages in the order it received them ("Step 1 of 2", ...)."""
    seen: dict[int, list[str]] = {}
    for chat in CHATS:
        messages = await client.bot_messages(chat)
        seen[chat] = [found.group(0) for m in messages if (found := STEP.search(m.text or ""))]
    return seen


async def queued_step_rows(database_url: str) -> int:
    """Scheduled step rows already turned into outbox items."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                text("SELECT count(*) FROM scheduled_steps WHERE status = 'sent'")
            )
            return int(result.scalar_one())
    finally:
        await engine.dispose()


async def test_a_crash_mid_round_never_puts_step_2_before_step_1(
    client: SandboxClient, sandbox: RunningSandbox, tmp_path: Path, database_url: str
) -> None:
    curricula = write_quick_curricula(tmp_path / "curricula", steps=2, cadence="30s")
    await seed(database_url, curricula, client)
    await client.add_fault("slow", method="sendMessage", delay_seconds=0.4, times=1000)
    bot = start_bot(sandbox, database_url, curricula)
    with killed_at_the_end(bot):
        for _ in range(300):
            if sum(map(len, (await steps_by_chat(client)).values())) >= 6:
                break
            await asyncio.sleep(0.05)
    assert await leased_outbox_items(database_url) > 0, "the kill must land mid-round"
    await client.clear_faults()
    await client.advance_clock(31)  # step 2 is due; the dead sender's leases still hold
    bot = start_bot(sandbox, database_url, curricula)
    try:
        for _ in range(300):  # the new process queues step 2 for everyone...
            if await queued_step_rows(database_url) == 2 * len(CHATS):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("step 2 was never queued")
        await asyncio.sleep(3.0)  # ...and would send it now if nothing held it back
        await client.advance_clock(LEASE_S + 5)  # the dead sender's leases run out
        for _ in range(600):
            seen = await steps_by_chat(client)
            if all("Step 2 of 2" in steps and "Step 1 of 2" in steps for steps in seen.values()):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything else would arrive now
        seen = await steps_by_chat(client)
    finally:
        bot.send_signal(signal.SIGTERM)
        _, errors = await asyncio.to_thread(bot.communicate, timeout=30)
    out_of_order = {
        chat: steps
        for chat, steps in seen.items()
        if "Step 2 of 2" in steps
        and "Step 1 of 2" in steps[steps.index("Step 2 of 2") :]  # a step 1 after step 2
    }
    assert not out_of_order, out_of_order
    assert all(steps.count("Step 2 of 2") == 1 for steps in seen.values()), seen
    assert all(1 <= steps.count("Step 1 of 2") <= 2 for steps in seen.values()), seen
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            open_items = await connection.execute(
                text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
            )
            assert int(open_items.scalar_one()) == 0
    finally:
        await engine.dispose()
    assert "Traceback" not in errors


async def retried_item(database_url: str, chat_id: int) -> tuple[str, int] | None:
    """Status and attempts of the chat's first outbox item (its step 1)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                text(
                    "SELECT status, attempts FROM outbox WHERE chat_id = :chat ORDER BY id LIMIT 1"
                ),
                {"chat": chat_id},
            )
            row = result.first()
            return (str(row[0]), int(row[1])) if row else None
    finally:
        await engine.dispose()


async def test_a_crash_during_a_retry_back_off_keeps_the_held_step_first(
    client: SandboxClient, sandbox: RunningSandbox, tmp_path: Path, database_url: str
) -> None:
    """Step 1 of one chat is waiting out a retry back-off (the API failed), step 2 of that chat
    is claimed behind it, when the bot dies. The hold was only in the dead sender's memory:
    the new process (which, on PostgreSQL, takes over the dead worker's leases at once) must
    still send step 1 first."""
    curricula = write_quick_curricula(tmp_path / "curricula", steps=2, cadence="30s")
    await seed(database_url, curricula, client)
    await client.advance_clock(31)  # both steps are due
    failing = CHATS[0]
    await client.add_fault("500", method="sendMessage", chat_id=failing, times=1000)
    bot = start_bot(sandbox, database_url, curricula)
    with killed_at_the_end(bot):
        for _ in range(600):  # step 1 failed 5 times: the next try waits 8 s
            found = await retried_item(database_url, failing)
            if found is not None and found[0] == "pending" and found[1] >= 5:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError(f"step 1 of {failing} never waited out a back-off: {found}")
    await client.clear_faults()
    bot = start_bot(sandbox, database_url, curricula)
    try:
        for _ in range(600):
            steps = (await steps_by_chat(client))[failing]
            if "Step 1 of 2" in steps and "Step 2 of 2" in steps:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        steps = (await steps_by_chat(client))[failing]
    finally:
        bot.send_signal(signal.SIGTERM)
        _, errors = await asyncio.to_thread(bot.communicate, timeout=30)
    assert steps == ["Step 1 of 2", "Step 2 of 2"], steps
    assert "Traceback" not in errors
