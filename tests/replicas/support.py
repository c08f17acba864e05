"""Replicas as real processes: `mentorbot run --webhook` on one PostgreSQL schema, each on its own
port, behind the sandbox (which spreads its webhook deliveries over them, like a load balancer
in front of several upstreams)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.core.models import Role
from bot.core.programs import load_programs
from bot.services.pairs import start_pair
from bot.storage import migrate
from bot.storage.db import create_engine, session_factory
from bot.storage.uow import sql_uow_factory
from tests.factories import onboarded_person

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "MENTORBOT_TEST_POSTGRES_URL"
TOKEN = "434343:replica-test-token"
SECRET = "replica-secret_0123456789abcdef"
WEBHOOK_PATH = "/telegram/webhook"


@asynccontextmanager
async def postgres_schema(base_url: str) -> AsyncIterator[str]:
    """A fresh schema on the test database (dropped afterwards); yields its URL."""
    schema = f"mentorbot_replicas_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, poolclass=NullPool)
    async with admin.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        async with admin.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Replica:
    """One `mentorbot run --webhook` process."""

    name: str
    port: int
    process: subprocess.Popen[str]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    @classmethod
    def start(
        cls,
        name: str,
        *,
        port: int,
        transport: str,
        sandbox_url: str,
        database_url: str,
        curricula: Path,
        public_url: str,
        logs: Path,
    ) -> Replica:
        env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "TRANSPORT": transport,
            "TELEGRAM_API_URL": sandbox_url,
            "DATABASE_URL": database_url,
            "CURRICULA_DIR": str(curricula),
            "SCHEDULE_TICK": "0.2s",
            "CLOCK_SOURCE": "sandbox",
            "LOG_LEVEL": "WARNING",
            "WEBHOOK_URL": public_url,
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        }
        log_path = logs / f"{name}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--webhook"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                text=True,
            )
        return cls(name, port, process, log_path)

    async def health(self) -> dict[str, Any] | None:
        """/healthz, or None while the replica does not answer."""
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http,
                http.get(f"http://127.0.0.1:{self.port}/healthz") as response,
            ):
                body: dict[str, Any] = await response.json()
                return body
        except (aiohttp.ClientError, TimeoutError):
            return None

    async def wait_healthy(self, within: float = 90.0) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            assert self.process.poll() is None, f"{self.name} exited:\n{self.errors()}"
            health = await self.health()
            if health is not None and health.get("status") == "ok":
                return health
            await asyncio.sleep(0.2)
        raise AssertionError(f"{self.name} never became healthy:\n{self.errors()}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, within: float = 30.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=within)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise

    def errors(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


async def seed_pairs(
    database_url: str, curricula: Path, program: str, pairs: int, first_id: int, start: Any
) -> list[tuple[int, int]]:
    """`pairs` matched pairs (mentee id, mentor id) whose first step is due at `start`."""
    await migrate.upgrade(database_url)
    engine = create_engine(database_url)
    uows = sql_uow_factory(session_factory(engine))
    catalog = load_programs(curricula)
    made: list[tuple[int, int]] = []
    async with uows() as uow:
        for n in range(pairs):
            mentee, mentor = first_id + 2 * n, first_id + 2 * n + 1
            for user_id, role in ((mentee, Role.MENTEE), (mentor, Role.MENTOR)):
                await uow.persons.add(
                    onboarded_person(
                        user_id,
                        role,
                        program,
                        start,
                        display_name=f"P{user_id}",
                        time_zone="UTC",
                        preferred_hour=12,
                        capacity=1,
                    )
                )
            await start_pair(
                uow, catalog, mentee_id=mentee, mentor_id=mentor, program=program, at=start
            )
            made.append((mentee, mentor))
        await uow.commit()
    await engine.dispose()
    return made


async def scalar(database_url: str, sql: str) -> Any:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar_one()
    finally:
        await engine.dispose()
