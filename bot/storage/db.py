"""Engines and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg).

SQLite runs in WAL mode with `BEGIN IMMEDIATE` transactions: every transaction takes the write
lock up front, so concurrent writers wait for it instead of failing with "database is locked"
when a read-then-write transaction tries to upgrade its lock. Since only one transaction can write
at a time, an engine keeps one connection and sessions queue for it, first come first served,
rather than sleeping in SQLite's busy handler while the lock sits free. Its sqlite3 calls run on
the event loop's thread (`sqlite_inline.py`). One process owns a SQLite database; several
processes need PostgreSQL.

URLs may name the plain drivers (`sqlite:///bot.db`, `postgresql://…`, `postgres://…`); they are
rewritten to the async ones. A PostgreSQL URL may carry libpq-style run-time settings,
`?options=-csearch_path%3Dmyschema`, which are passed to asyncpg as `server_settings`.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from bot.storage.sqlite_inline import InlineConnection, connect_inline

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "create_engine", "normalize_url", "session_factory"]

SQLITE_BUSY_TIMEOUT_MS = 30_000

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def normalize_url(url: str | URL) -> URL:
    """Parse `url` and point it at the async driver of its database."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is not None:
        parsed = parsed.set(drivername=driver)
    if parsed.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise ValueError(f"unsupported database driver: {parsed.drivername}")
    return parsed


def create_engine(
    url: str | URL, *, sqlite_foreign_keys: bool = True, **options: Any
) -> AsyncEngine:
    """An async engine for `url`, configured for mentorbot's transaction model.

    `options` go to `create_async_engine` (`connect_args` are merged with ours).
    `sqlite_foreign_keys=False` is for migrations only: SQLite's batch ALTER copies and drops
    tables, which would cascade deletes while foreign keys are enforced.
    """
    parsed = normalize_url(url)
    options.setdefault("json_serializer", _json_dumps)
    options.setdefault("json_deserializer", orjson.loads)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, foreign_keys=sqlite_foreign_keys, **options)
    return _postgres_engine(parsed, **options)


def _json_dumps(value: Any) -> str:
    """JSON columns (outbox payloads above all) are written in bulk: orjson is several times
    faster than the standard library here."""
    return orjson.dumps(value).decode()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (nothing lazy-loads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_engine(url: URL, *, foreign_keys: bool, **options: Any) -> AsyncEngine:
    database = url.database or ""
    uri_mode = url.query.get("uri") == "true"
    if database in ("", ":memory:") or "mode=memory" in database:
        raise ValueError(
            "in-memory SQLite shares one connection between sessions and cannot serialise "
            "writers; use a file (sqlite+aiosqlite:///path/to/bot.db)"
        )
    if not uri_mode:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = options.pop("connect_args", {})
    if options.get("poolclass") is None:
        options.setdefault("pool_size", 1)
        options.setdefault("max_overflow", 0)
        options.setdefault("pool_timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)

    async def connect() -> InlineConnection:
        args, url_options = engine.sync_engine.dialect.create_connect_args(url)
        return await connect_inline(
            args, {**url_options, **connect_args}, lock_wait_s=SQLITE_BUSY_TIMEOUT_MS / 1000
        )

    engine = _create_async_engine(url, async_creator=connect, **options)
    pragmas = (
        "journal_mode=WAL",
        f"foreign_keys={'ON' if foreign_keys else 'OFF'}",
        "synchronous=NORMAL",
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's legacy mode would not BEGIN before
        # SELECTs), and set the pragmas outside any transaction, where they take effect.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(f"PRAGMA {pragma}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: URL, **options: Any) -> AsyncEngine:
    connect_args: dict[str, Any] = dict(options.pop("connect_args", {}))
    libpq_options = url.query.get("options")
    if libpq_options is not None:
        if not isinstance(libpq_options, str):
            raise ValueError("give the `options` URL parameter once")
        url = url.difference_update_query(["options"])
        settings = dict(connect_args.get("server_settings", {}))
        settings.update(_parse_libpq_options(libpq_options))
        connect_args["server_settings"] = settings
    options.setdefault("pool_pre_ping", True)
    return _create_async_engine(url, connect_args=connect_args, **options)


def _parse_libpq_options(raw: str) -> dict[str, str]:
    """`-c search_path=x -c statement_timeout=5s` (or `--name=value`) → a settings dict."""
    settings: dict[str, str] = {}
    words = shlex.split(raw)
    i = 0
    while i < len(words):
        word = words[i]
        if word == "-c" and i + 1 < len(words):
            pair, i = words[i + 1], i + 2
        elif word.startswith(("-c", "--")):
            pair, i = word[2:], i + 1
        else:
            raise ValueError(f"unsupported PostgreSQL option: {word!r}")
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"expected name=value in PostgreSQL option: {pair!r}")
        settings[name.replace("-", "_")] = value
    return settings
