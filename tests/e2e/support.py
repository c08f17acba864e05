"""Setup shared by the end-to-end tests: starting a bot process for the length of a test (plain,
with a super-admin, on a chosen backend, in webhook mode) and waiting for the outbox to drain.
The fixtures that use these are in conftest.py (shared) or in the test files (their own ids)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from bot.sandbox.server import RunningSandbox
from tests.e2e.harness import BotProcess, sqlite_url
from tests.storage.conftest import empty_database

WEBHOOK_SECRET = "e2e-webhook-secret_0123456789"


@contextlib.asynccontextmanager
async def started(process: BotProcess) -> AsyncIterator[BotProcess]:
    """The process, started; stopped when the block ends."""
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


@contextlib.asynccontextmanager
async def staffed_bot(
    sandbox: RunningSandbox, tmp_path: Path, staff: int, backend: str = "sqlite"
) -> AsyncIterator[BotProcess]:
    """The bot with `staff` as its super-admin, on SQLite (the e2e file) or on a fresh
    PostgreSQL schema (`backend="postgres"`; skipped without MENTORBOT_TEST_POSTGRES_URL)."""
    overrides: dict[str, object] = {"superadmin_ids": str(staff)}
    if backend == "sqlite":
        async with started(BotProcess(sandbox, sqlite_url(tmp_path), overrides)) as process:
            yield process
        return
    async with (
        empty_database(backend, tmp_path) as url,
        started(BotProcess(sandbox, url, overrides)) as process,
    ):
        yield process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_overrides(port: int, secret: str = WEBHOOK_SECRET) -> dict[str, object]:
    return {
        "webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
        "webhook_secret": secret,
        "webhook_listen": f"127.0.0.1:{port}",
    }


async def settled(bot: BotProcess) -> None:
    """Wait until the outbox is delivered and its outcomes recorded."""
    assert bot.core is not None
    for _ in range(400):
        async with bot.core.conversations.uows() as uow:
            if await uow.outbox.pending_count() == 0:
                break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the outbox never drained")
    await asyncio.sleep(0.2)  # successes are recorded in small batches, a few ms later
