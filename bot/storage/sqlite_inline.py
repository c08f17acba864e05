"""SQLite connections that run on the event loop's thread instead of hopping to a worker thread.

aiosqlite runs each sqlite3 call on a thread of its own: a queue put, a thread wake-up, a hand-over
of the GIL and a wake-up of the loop through its self-pipe, for every cursor, execute, fetch and
close. A relayed message makes about 35 such calls (BEGIN, some eight statements, COMMIT), and
under load the hops cost more than the SQL: in `benchmarks/relay_throughput.py` the bot carried
0.6 x the echo bot's messages through aiosqlite's thread and 0.9 x with the same calls made inline.

Here the sqlite3 calls run inline. With WAL and `synchronous=NORMAL` (see `db.py`) a statement
or a commit touches only the OS's cache, in microseconds; the one wait that can be long is for the
write lock held by another connection (another process, or another engine in this one), and
that wait is asynchronous: the connection's busy timeout is 0 and a statement that finds the
database locked is tried again after an `asyncio.sleep`, backing off as SQLite's own busy
handler does, for up to `lock_wait_s` seconds. (An automatic WAL checkpoint at a commit does
sync the disk, every thousand pages written.)

`InlineConnection` offers the part of aiosqlite's `Connection` that SQLAlchemy's aiosqlite
dialect uses, so it plugs in as the engine's `async_creator` (see `db.py`). Only one call runs on
a connection at a time: SQLAlchemy's adapter holds a mutex per connection, and a checked-out
connection belongs to one session.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

__all__ = ["InlineConnection", "connect_inline"]

T = TypeVar("T")

_BUSY_DELAYS_S = (0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.025, 0.025, 0.05, 0.05, 0.1)
"""The pauses between tries on a locked database: SQLite's own busy handler's, then 0.1 s."""

_SQLITE_BUSY = 5
_SQLITE_BUSY_SNAPSHOT = 517
"""A read snapshot too old to write from: trying again in the same transaction cannot help."""


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # raised by the module, not by SQLite
        return False
    return code & 0xFF == _SQLITE_BUSY and code != _SQLITE_BUSY_SNAPSHOT


class _RunNow:
    """Stands in for aiosqlite's queue to its thread (SQLAlchemy's adapter sets the isolation
    level through it): runs the call at once and settles the future."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-shaped connection whose calls run on the caller's thread."""

    _tx = _RunNow()

    def __init__(self, connection: sqlite3.Connection, *, lock_wait_s: float) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._lock_wait_s = lock_wait_s

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:
        self._conn.isolation_level = value

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Call `function(*args)` (a sqlite3 call); while the database is locked by another
        connection, wait without blocking the loop and try again."""
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        tries = 0
        while True:
            self._conn  # noqa: B018 - raises once closed, as aiosqlite does
            try:
                return function(*args)
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
                now = loop.time()
                if deadline is None:
                    deadline = now + self._lock_wait_s
                if now >= deadline:
                    raise
                delay = _BUSY_DELAYS_S[min(tries, len(_BUSY_DELAYS_S) - 1)]
                tries += 1
                await asyncio.sleep(min(delay, deadline - now))

    def cursor(self) -> InlineCursor:
        return InlineCursor(self, self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = self.cursor()
        await cursor.execute(sql, parameters)
        return cursor

    async def commit(self) -> None:
        await self.run(self._conn.commit)

    async def rollback(self) -> None:
        await self.run(self._conn.rollback)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's forced termination)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


class InlineCursor:
    """An aiosqlite-shaped cursor over a sqlite3 cursor."""

    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        if parameters is None:
            await self._connection.run(self._cursor.execute, sql)
        else:
            await self._connection.run(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = parameters if isinstance(parameters, list) else list(parameters)
        await self._connection.run(self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


async def connect_inline(
    args: Sequence[Any], options: dict[str, Any], *, lock_wait_s: float
) -> InlineConnection:
    """`sqlite3.connect(*args, **options)` with no busy timeout of its own (waits for the lock
    are `InlineConnection.run`'s, up to `lock_wait_s` seconds) and in autocommit mode
    (SQLAlchemy's events emit BEGIN, see `db.py`)."""
    settings = {**options, "timeout": 0, "check_same_thread": False, "isolation_level": None}
    return InlineConnection(sqlite3.connect(*args, **settings), lock_wait_s=lock_wait_s)
