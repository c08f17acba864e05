"""Which handling failures are worth fetching the update again (bot/transports/transient.py),
checked on errors SQLite itself raises through SQLAlchemy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.storage.db import create_engine
from bot.transports.transient import is_transient


async def sqlite_error(path: Path, sql: str) -> OperationalError:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        with pytest.raises(OperationalError) as caught:
            async with engine.begin() as connection:
                await connection.execute(text(sql))
        return caught.value
    finally:
        await engine.dispose()


async def test_a_missing_table_is_a_bug_not_a_passing_failure(tmp_path: Path) -> None:
    error = await sqlite_error(tmp_path / "db.sqlite3", "SELECT * FROM missing")
    assert "no such table" in str(error)
    assert not is_transient(error)


async def test_a_locked_database_is_a_passing_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.sqlite3"
    monkeypatch.setattr("bot.storage.db.SQLITE_BUSY_TIMEOUT_MS", 200)  # give up on the lock soon
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        error = await sqlite_error(path, "SELECT 1")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "locked" in str(error)
    assert is_transient(error)


def test_timeouts_and_lost_connections_pass_other_errors_do_not() -> None:
    assert is_transient(TimeoutError())
    assert is_transient(ConnectionResetError())
    assert not is_transient(KeyError("a bug"))
