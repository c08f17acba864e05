"""`mentorbot demo` (what `make demo` runs) as a child process: it seeds a fresh database, prints
the web chat's address first, serves the page, and stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.demo_seed import MENTORS, NEWCOMERS, STAFF

pytestmark = pytest.mark.e2e
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def test_demo_prints_the_web_chat_first_seeds_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    stale = tmp_path / "var" / "demo.sqlite3"
    stale.parent.mkdir()
    stale.write_bytes(b"left over from an earlier demo")
    real = tmp_path / "real.sqlite3"  # an operator's .env names the real database: not used
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite+aiosqlite:///{real}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRANSPORT")}
    env["LOG_LEVEL"] = "WARNING"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        first = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
        url = f"http://127.0.0.1:{port}"
        assert first.decode().startswith(f"Web chat: {url}/chat/"), first
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/chat/") as page:
                assert page.status == 200 and "<title>" in await page.text()
            async with session.get(f"{url}/chat/api/state") as response:
                state = await response.json()
        names = {user["first_name"] for user in state["users"]}
        everyone = (
            [s.name for s in STAFF] + [m.name for m in MENTORS] + [n.name for n in NEWCOMERS]
        )
        assert names == set(everyone)
        assert state["title"] == "mentorbot demo" and len(state["guide"]) == 6
        database = tmp_path / "var" / "demo.sqlite3"
        assert count(database, "persons") == len(MENTORS)  # a fresh database, then the seed
        assert count(database, "staff_members") == len(STAFF)
        assert count(database, "training_results") > len(MENTORS)
        assert not real.exists()

        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 20)
        rest = (await process.stdout.read()).decode()
        errors = (await process.stderr.read()).decode()
        assert code == 0, errors
        assert "mentorbot demo stopped." in rest
        assert "Traceback" not in errors
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, "the sandbox is still listening"
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_demo_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRANSPORT")}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "demo",
            "--port",
            str(port),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode == 1 and out == b""
    assert err.decode().strip().splitlines()[-1] == (
        f"mentorbot demo: cannot listen on 127.0.0.1:{port} (already in use); "
        "stop what uses that port or pick another with --port"
    )
    assert "Traceback" not in err.decode() and "Unclosed" not in err.decode()
