"""`mentorbot demo` (what `make demo` runs) as a child process: it seeds a fresh database, prints
the web chat's address first, serves the page, and stops cleanly on Ctrl-C (SIGINT); on a busy
port it stops before touching any file, and says what holds the port and what to do."""

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
from bot.sandbox.server import start_sandbox
from bot.sandbox.webchat.routes import WEBCHAT_KEY

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
    stale = tmp_path / "var" / f"demo-{port}.sqlite3"
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
        database = tmp_path / "var" / f"demo-{port}.sqlite3"
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


def running_demo_files(folder: Path) -> dict[Path, tuple[bytes, int]]:
    """A running demo's database files (content and modification time, to compare after)."""
    database = folder / "var" / "demo.sqlite3"
    database.parent.mkdir()
    for suffix, content in (("", b"the running demo's data"), ("-wal", b"its journal")):
        Path(f"{database}{suffix}").write_bytes(content)
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in database.parent.iterdir()}


def unchanged(files: dict[Path, tuple[bytes, int]]) -> bool:
    folder = next(iter(files)).parent
    now = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    return now == files


async def second_demo(folder: Path, port: int) -> tuple[int | None, str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRANSPORT")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot", "demo", "--port", str(port)),
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    return process.returncode, out.decode(), err.decode()


async def test_a_second_demo_stops_before_touching_the_running_ones_database(
    tmp_path: Path,
) -> None:
    files = running_demo_files(tmp_path)
    first = await start_sandbox("127.0.0.1", free_port())  # what a running demo serves
    webchat = first.runner.app[WEBCHAT_KEY]
    webchat.title, webchat.process = "mentorbot demo", 4242
    port = int(first.url.rsplit(":", 1)[1])
    try:
        code, out, err = await second_demo(tmp_path, port)
    finally:
        await first.stop()
    assert code == 1 and out == ""
    assert unchanged(files), "the running demo's database files were touched"
    message = err.strip().splitlines()[-1]
    assert message == (
        f"mentorbot demo: another mentorbot demo (process 4242) is already running on port "
        f"{port}, its web chat at http://127.0.0.1:{port}/chat/. Nothing was changed: its "
        "database is untouched (each port has its own). Stop it with Ctrl-C in its terminal, "
        "or run `kill 4242`; or run this one beside it on another port: "
        f"mentorbot demo --port {port + 1}"
    )
    assert "Traceback" not in err and "Unclosed" not in err


async def test_demo_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    files = running_demo_files(tmp_path)
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
    assert unchanged(files), "the database files were touched"
