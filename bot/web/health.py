"""`/healthz`: is the database reachable, and is the worker alive (sending and running the timed
jobs on the worker replica; watching for the worker lease on a standby one)?

A load balancer or systemd watchdog takes a replica out on 503. The answer carries the role
(`worker` or `standby`), so an operator can see which replica sends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 3.0  # seconds


@dataclass(frozen=True)
class HealthReport:
    database: str  # "ok" | "unreachable"
    scheduler: str  # "ok" | "down"
    role: str  # "worker" | "standby" | "stopped"

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.scheduler == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "failing",
            "database": self.database,
            "scheduler": self.scheduler,
            "role": self.role,
        }


class HealthCheck:
    """Checks the database with `ping` (a `SELECT 1`) and reads the worker's state."""

    def __init__(
        self,
        ping: Callable[[], Awaitable[None]],
        worker_alive: Callable[[], bool],
        role: Callable[[], str],
    ) -> None:
        self._ping = ping
        self._worker_alive = worker_alive
        self._role = role

    async def check(self) -> HealthReport:
        database = "ok"
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                await self._ping()
        except Exception as exc:
            log.warning("health: database unreachable (%s)", type(exc).__name__)
            database = "unreachable"
        scheduler = "ok" if self._worker_alive() else "down"
        return HealthReport(database, scheduler, self._role())
