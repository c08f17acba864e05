"""What the benchmarks share: a fresh database per run (a temporary SQLite file, or a new
PostgreSQL schema dropped afterwards), migrated, with its engine; progress lines on stderr;
and the `--profile` report.

PostgreSQL: MENTORBOT_TEST_POSTGRES_URL, or postgresql+asyncpg://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from bot.storage import migrate
from bot.storage.db import create_engine

POSTGRES_ENV = "MENTORBOT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries only the benchmark's JSON)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _remove_files(folder: Path, pattern: str) -> None:
    for leftover in folder.glob(pattern):
        leftover.unlink()


@asynccontextmanager
async def fresh_database(kind: str, scratch: Path, run: int) -> AsyncIterator[str]:
    """The URL of an empty database, removed afterwards."""
    if kind == "sqlite":
        path = scratch / f"run{run}.sqlite3"
        try:
            yield f"sqlite+aiosqlite:///{path}"
        finally:
            _remove_files(scratch, f"run{run}.sqlite3*")
        return
    base = os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES
    schema = f"mentorbot_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool)
    try:
        async with admin.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        async with admin.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.dispose()


@asynccontextmanager
async def migrated_engine(kind: str, scratch: Path, run: int) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database (see `fresh_database`) brought to the latest migration;
    disposed of, and the database removed, afterwards."""
    async with fresh_database(kind, scratch, run) as url:
        await migrate.upgrade(url)
        engine = create_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


def report_profile(profile: cProfile.Profile, path: Path, top: int) -> None:
    """Save `--profile`'s stats to `path` and print the `top` functions by own time to
    stderr."""
    profile.dump_stats(path)
    stats = pstats.Stats(profile, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(top)
