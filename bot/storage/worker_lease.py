"""Which process is the *worker* — the one that runs the sender and the timed jobs — when several
replicas share one PostgreSQL database, and how the others wake it.

The lease is a PostgreSQL session advisory lock, keyed by the schema, held on a connection of its
own. PostgreSQL releases it the moment that connection ends, so when the worker process dies
(even SIGKILLed: the kernel closes its socket) a standby replica acquires it within one retry
period. Holding it proves that no other sender is alive, so the new worker expires the leases
of the outbox items the dead one had claimed and sends them at once instead of waiting for their
leases to run out.

Replicas that handle updates but are not the worker tell the worker that new messages are in the
outbox with `NOTIFY` on `OUTBOX_CHANNEL`; the worker `LISTEN`s on its lease connection.

SQLite has one process by design: `LocalWorkerLease` always holds, and wakes nobody else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, func, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage.tables import OutboxRow

log = logging.getLogger(__name__)

WORKER_LOCK_NAMESPACE = "mentorbot.worker:"
OUTBOX_CHANNEL = "mentorbot_outbox"

_outbox = cast(Table, OutboxRow.__table__)


class WorkerLease(Protocol):
    """The right to be the one worker among the replicas."""

    async def acquire(self) -> bool:
        """Take the lease if nobody holds it; True if this process holds it now."""
        ...

    async def held(self) -> bool:
        """Whether the lease is still ours (False once its connection is gone)."""
        ...

    async def take_over(self, now: datetime) -> int:
        """Just acquired: make the items a dead worker had claimed claimable now; how many."""
        ...

    async def release(self) -> None:
        """Give the lease up (a standby replica takes it over)."""
        ...


class LocalWorkerLease:
    """SQLite: this process is the only one, hence always the worker. A restarted process
    waits for the leases of what its predecessor had in flight to expire (it cannot tell a
    dead predecessor from a second process started by mistake)."""

    async def acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def take_over(self, now: datetime) -> int:
        return 0

    async def release(self) -> None:
        return None


class PostgresWorkerLease:
    """The worker lease as a session advisory lock on a dedicated connection, which also
    listens for `OUTBOX_CHANNEL` notifications while the lease is held."""

    def __init__(self, engine: AsyncEngine, on_notified: Callable[[], None]) -> None:
        self._engine = engine
        self._on_notified = on_notified
        self._connection: AsyncConnection | None = None
        self._listening: Any = None  # the asyncpg connection we LISTEN on
        self._held = False

    @staticmethod
    def _key() -> Any:
        return func.hashtextextended(literal(WORKER_LOCK_NAMESPACE) + func.current_schema(), 0)

    async def acquire(self) -> bool:
        if self._held:
            return await self.held()
        try:
            if self._connection is None:
                self._connection = await self._engine.connect()
            connection = self._connection
            result = await connection.execute(select(func.pg_try_advisory_lock(self._key())))
            got = bool(result.scalar_one())
            await connection.commit()  # the lock is the session's: no transaction stays open
            if got:
                raw = await connection.get_raw_connection()
                self._listening = raw.driver_connection
                await self._listening.add_listener(OUTBOX_CHANNEL, self._notified)
            self._held = got
            return got
        except Exception as exc:
            log.warning("worker lease: database unavailable (%s)", type(exc).__name__)
            await self._drop_connection()
            return False

    async def held(self) -> bool:
        if not self._held or self._connection is None:
            return False
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
            return True
        except Exception as exc:
            log.error("worker lease lost: its connection failed (%s)", type(exc).__name__)
            await self._drop_connection()
            return False

    async def take_over(self, now: datetime) -> int:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(_outbox)
                .where(_outbox.c.status == "sending", _outbox.c.lease_until > now)
                .values(lease_until=now)
            )
        taken = int(result.rowcount or 0)
        if taken:
            log.warning("took over %d outbox items the previous worker had in flight", taken)
        return taken

    async def release(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            if self._listening is not None:
                await self._listening.remove_listener(OUTBOX_CHANNEL, self._notified)
            if self._held:
                await connection.execute(select(func.pg_advisory_unlock(self._key())))
                await connection.commit()
            self._held, self._listening, self._connection = False, None, None
            await connection.close()
        except Exception as exc:  # the lock goes with the connection anyway
            log.warning("worker lease: release failed (%s)", type(exc).__name__)
            await self._drop_connection()

    def _notified(self, *_args: object) -> None:
        self._on_notified()

    async def _drop_connection(self) -> None:
        """Throw the connection away (never back to the pool: it might still hold the lock)."""
        connection, self._connection = self._connection, None
        self._held, self._listening = False, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()
            with contextlib.suppress(Exception):
                await connection.close()


class OutboxNotifier:
    """Tells the worker (on another replica) that this one committed new outbox items: one
    `NOTIFY` at a time, and one more if more were committed meanwhile."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def notify(self) -> None:
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.create_task(self._send(), name="outbox-notify")

    async def _send(self) -> None:
        while True:
            self._again = False
            try:
                async with self._engine.connect() as connection:
                    await connection.execute(
                        select(func.pg_notify(OUTBOX_CHANNEL, "")),
                    )
                    await connection.commit()
            except Exception as exc:  # the worker also polls the outbox every second
                log.warning("could not notify the worker (%s)", type(exc).__name__)
                return
            if not self._again:
                return

    async def close(self) -> None:
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task


def worker_lease(engine: AsyncEngine, on_notified: Callable[[], None]) -> WorkerLease:
    """The lease for this database: PostgreSQL's advisory lock, or the local one for SQLite."""
    if engine.dialect.name == "postgresql":
        return PostgresWorkerLease(engine, on_notified)
    return LocalWorkerLease()
