"""The commands a newcomer runs: `mentorbot demo` (stopped with Ctrl-C), `mentorbot chat`, and
`mentorbot db`."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.chat import TerminalChat, plain
from bot.sandbox.client import SandboxClient
from bot.storage import migrate
from tests.e2e.harness import BotProcess

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_terminal_client_onboards_by_numbers(
    client: SandboxClient, bot: BotProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    user = await client.create_user("Tess", language_code="en")
    chat = TerminalChat(client, user.id)
    follower = asyncio.create_task(chat.follow(0))
    try:
        assert await chat.handle_line("/start college")
        await client.wait_for_messages(user.id, lambda m: bool(m.buttons))
        await wait_until(lambda: chat.keyboard_message is not None)
        assert await chat.handle_line(":2")  # [2] Italiano (a plain 2 would be a message)
        await client.wait_for_messages(user.id, lambda m: "d'accordo" in str(m.buttons))
        await wait_until(lambda: _seen(chat))
        assert "[1] Sono d'accordo" in capsys.readouterr().out
        assert await chat.handle_line(":9")  # no such button: a friendly error, nothing sent
        assert "there is no button 9" in capsys.readouterr().out
        assert not await chat.handle_line(":quit")
    finally:
        follower.cancel()
    person = await bot.person(user.id)
    assert person is not None and person.language == "it"
    assert plain("<b>a</b> &amp; b") == "a & b"


def _seen(chat: TerminalChat) -> bool:
    message = chat.keyboard_message
    return message is not None and "accordo" in str(message.buttons)


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_demo_starts_prints_how_to_chat_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ)
    env.pop("BOT_TOKEN", None)
    database = f"sqlite+aiosqlite:///{tmp_path}/demo.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", str(port), "--database-url", database],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line)
        if "Press Ctrl-C" in line:
            break
    output = "".join(lines)
    assert "mentorbot chat --as" in output and f"127.0.0.1:{port}" in output
    assert "/start college" in output
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest and "stopped" in rest
    assert (tmp_path / "demo.sqlite3").exists()


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"}
    up = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert up.returncode == 0 and f"database at revision {migrate.head_revision()}" in up.stdout, (
        up.stderr
    )
    now = subprocess.run(
        [sys.executable, "-m", "bot", "db", "current"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert now.stdout.strip() == migrate.head_revision()
