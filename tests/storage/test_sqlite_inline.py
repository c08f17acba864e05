"""SQLite's calls run on the event loop's thread (bot/storage/sqlite_inline.py): a wait for the
write lock held elsewhere must not block the loop, must end when the lock is free, and must give
up with SQLite's own error after the timeout; sessions of one engine queue for its connection."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.storage.db import create_engine
from bot.storage.sqlite_inline import connect_inline


def _table(path: Path) -> None:
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")


async def _ticks_while(awaitable: asyncio.Future[object] | asyncio.Task[object]) -> int:
    """How often a 10 ms timer fired on the loop while `awaitable` was pending."""
    ticks = 0
    while not awaitable.done():
        await asyncio.sleep(0.01)
        ticks += 1
    return ticks


async def test_a_write_lock_held_by_another_connection_is_waited_for_without_blocking_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite3"
    _table(path)
    other = sqlite3.connect(path, isolation_level=None)  # another process, as far as SQLite knows
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    engine = create_engine(f"sqlite+aiosqlite:///{path}")

    async def write() -> float:
        async with engine.begin() as connection:
            started = time.monotonic()
            await connection.execute(text("INSERT INTO t VALUES (2)"))
            return started

    try:
        writer = asyncio.ensure_future(write())
        await asyncio.sleep(0.3)
        assert not writer.done()  # still waiting for the lock...
        other.execute("COMMIT")  # ...until it is free
        ticks = await _ticks_while(writer)
        await writer
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT n FROM t ORDER BY n"))).all()
        assert [n for (n,) in rows] == [1, 2]
        assert ticks < 50  # it noticed the free lock within a few of its backoff steps
    finally:
        other.close()
        await engine.dispose()


async def test_the_loop_keeps_running_while_a_connection_waits_for_the_lock(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite3"
    _table(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    connection = await connect_inline([str(path)], {}, lock_wait_s=5)
    try:
        attempt = asyncio.ensure_future(connection.execute("BEGIN IMMEDIATE"))
        for _ in range(20):  # 0.2 s of timers firing on time while the lock is held
            before = time.monotonic()
            await asyncio.sleep(0.01)
            assert time.monotonic() - before < 0.1
        assert not attempt.done()
        other.execute("ROLLBACK")
        await attempt
        assert connection.in_transaction
        await connection.rollback()
    finally:
        other.close()
        await connection.close()


async def test_a_lock_never_freed_gives_sqlites_error_after_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _table(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    connection = await connect_inline([str(path)], {}, lock_wait_s=0.3)
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await connection.execute("BEGIN IMMEDIATE")
        assert 0.3 <= time.monotonic() - started < 2
        assert not connection.in_transaction
    finally:
        other.execute("ROLLBACK")
        other.close()
        await connection.close()


async def test_other_errors_are_raised_at_once(tmp_path: Path) -> None:
    connection = await connect_inline([str(tmp_path / "db.sqlite3")], {}, lock_wait_s=30)
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await connection.execute("SELECT * FROM missing")
        assert time.monotonic() - started < 0.5
    finally:
        await connection.close()
    with pytest.raises(ValueError, match="closed"):
        await connection.execute("SELECT 1")


async def test_sessions_of_one_engine_take_turns_on_its_one_connection(tmp_path: Path) -> None:
    """Eight transactions at once: each waits its turn for the engine's only connection (no
    "database is locked", no sleeping in a busy handler) and they run one after another."""
    path = tmp_path / "db.sqlite3"
    _table(path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    inside = 0
    most_inside = 0

    async def write(n: int) -> None:
        nonlocal inside, most_inside
        async with engine.begin() as connection:
            inside += 1
            most_inside = max(most_inside, inside)
            await connection.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            await asyncio.sleep(0.01)  # the transaction stays open across a wait
            inside -= 1

    try:
        await asyncio.gather(*(write(n) for n in range(8)))
        async with engine.connect() as connection:
            count = (await connection.execute(text("SELECT count(*) FROM t"))).scalar()
        assert count == 8
        assert most_inside == 1
        assert isinstance(engine.pool, AsyncAdaptedQueuePool) and engine.pool.size() == 1
    finally:
        await engine.dispose()
