"""Fixtures: a strict sandbox (every request and response checked against the Bot API
description when ../shared/telegram-bot-api/api.json is there), a control client, the bot."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox, start_sandbox
from bot.sandbox.spec import BotApiSpec, SpecNotFoundError
from tests.e2e.harness import BotProcess, sqlite_url
from tests.e2e.quick_program import write_quick_curricula
from tests.e2e.support import free_port, started, webhook_overrides

pytestmark = pytest.mark.e2e

TRANSPORTS = ("aiogram", "ptb")


def _transports() -> list[str]:
    """Both transports; MENTORBOT_TEST_TRANSPORTS=ptb (or aiogram) narrows a local run."""
    wanted = os.environ.get("MENTORBOT_TEST_TRANSPORTS", "").replace(",", " ").split()
    return [t for t in TRANSPORTS if t in wanted] or list(TRANSPORTS)


@pytest.fixture(params=_transports(), autouse=True)
def transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every end-to-end test runs once per transport: the bot, in this process (`BotProcess`)
    or in a child process (`mentorbot run`, `demo`), reads the TRANSPORT setting."""
    kind = str(request.param)
    monkeypatch.setenv("TRANSPORT", kind)
    return kind


def _spec() -> BotApiSpec | None:
    try:
        return BotApiSpec.load()
    except SpecNotFoundError:
        return None


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(spec=_spec())
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def client(sandbox: RunningSandbox) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox.url) as control:
        yield control
        violations = await control.violations()
    assert not violations, "Bot API spec violations:\n" + "\n".join(violations)


@pytest.fixture
async def bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(sandbox, sqlite_url(tmp_path))
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


@pytest.fixture
async def quick_bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot on the quick program's curricula (quick_program.py), instead of `bot`."""
    folder = write_quick_curricula(tmp_path / "curricula")
    process = BotProcess(sandbox, sqlite_url(tmp_path), {"curricula_dir": folder})
    async with started(process) as bot:
        yield bot


@pytest.fixture
async def hooked(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot in webhook mode (replaces the polling `bot` fixture)."""
    port = free_port()
    process = BotProcess(
        sandbox, sqlite_url(tmp_path), overrides=webhook_overrides(port), webhook=True
    )
    async with started(process) as bot:
        yield bot
