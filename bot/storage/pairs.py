"""SQL implementation of the core's PairRepository.

Pairs are never deleted by the bot: an ended pair keeps its row with status `ended`, so its
schedule and check-ins stay attached to it. `silent` reads the `(program, status)` index;
`of_person` the indexes on `mentee_id` and `mentor_id`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import Pair, PairMembers, PairStatus
from bot.storage.repositories import chunks, rowcount
from bot.storage.tables import PairRow

__all__ = ["SqlPairRepository"]

_pairs = cast(Table, PairRow.__table__)
_c = _pairs.c
_OPEN = (PairStatus.ACTIVE.value, PairStatus.PAUSED.value)


class SqlPairRepository:
    """Mentee–mentor pairs."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, pair: Pair) -> Pair:
        """Store a new pair (its `id` must be 0); returns it with the id the database gave it.
        Both people must be stored (foreign keys)."""
        if pair.id:
            raise ValueError(f"pair already has id {pair.id}")
        values = _pair_to_row(pair)
        del values["id"]
        result = await self._session.execute(_pairs.insert().values(**values).returning(_c.id))
        return replace(pair, id=result.scalar_one())

    async def get(self, pair_id: int) -> Pair | None:
        result = await self._session.execute(select(_pairs).where(_c.id == pair_id))
        row = result.mappings().one_or_none()
        return None if row is None else _pair_from_row(row)

    async def get_many(self, pair_ids: Iterable[int]) -> list[Pair]:
        """The stored pairs among `pair_ids`, by id."""
        pairs: list[Pair] = []
        for chunk in chunks(sorted(set(pair_ids))):
            result = await self._session.execute(
                select(_pairs).where(_c.id.in_(chunk)).order_by(_c.id)
            )
            pairs.extend(_pair_from_row(row) for row in result.mappings())
        return pairs

    async def members(self, pair_ids: Iterable[int]) -> list[PairMembers]:
        """Program and members of the stored pairs among `pair_ids` (only those columns)."""
        found: list[PairMembers] = []
        for chunk in chunks(sorted(set(pair_ids))):
            result = await self._session.execute(
                select(_c.id, _c.program, _c.mentee_id, _c.mentor_id).where(_c.id.in_(chunk))
            )
            found.extend(
                PairMembers(id=r[0], program=r[1], mentee_id=r[2], mentor_id=r[3]) for r in result
            )
        return found

    async def update(self, pair: Pair) -> None:
        """Replace every stored field of an existing pair; `LookupError` if there is none."""
        values = _pair_to_row(pair)
        del values["id"]
        result = await self._session.execute(
            update(_pairs).where(_c.id == pair.id).values(**values)
        )
        if rowcount(result) != 1:
            raise LookupError(f"no pair {pair.id}")

    async def of_person(self, person_id: int) -> list[Pair]:
        """The person's pairs that have not ended (active or paused), oldest first."""
        result = await self._session.execute(
            select(_pairs)
            .where(
                or_(_c.mentee_id == person_id, _c.mentor_id == person_id),
                _c.status.in_(_OPEN),
            )
            .order_by(_c.started_at, _c.id)
        )
        return [_pair_from_row(row) for row in result.mappings()]

    async def count_ever(self, person_id: int) -> int:
        """How many pairs the person has ever been in, ended ones included (two index reads)."""
        total = 0
        for column in (_c.mentee_id, _c.mentor_id):
            result = await self._session.execute(
                select(func.count()).select_from(_pairs).where(column == person_id)
            )
            total += int(result.scalar_one())
        return total

    async def silent(self, program: str, before: datetime, limit: int) -> list[Pair]:
        """Active pairs of `program` with no activity (nor start) since `before` and no nudge
        since `before`, the longest silent first; locked on PostgreSQL (`SKIP LOCKED`) so that
        two rounds at once (two workers, during a network partition) never nudge a pair twice."""
        if limit <= 0:
            return []
        last_heard = func.coalesce(_c.last_activity_at, _c.started_at)
        query = (
            select(_pairs)
            .where(
                _c.program == program,
                _c.status == PairStatus.ACTIVE.value,
                last_heard < before,
                or_(_c.nudged_at.is_(None), _c.nudged_at < before),
            )
            .order_by(last_heard, _c.id)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        result = await self._session.execute(query)
        return [_pair_from_row(row) for row in result.mappings()]

    async def checkin_due(self, program: str, before: datetime, limit: int) -> list[Pair]:
        """Active pairs of `program` not asked their check-in since `before` (nor started
        since), locked on PostgreSQL (`SKIP LOCKED`) so that replicas never ask twice."""
        if limit <= 0:
            return []
        last_asked = func.coalesce(_c.checkin_asked_at, _c.started_at)
        query = (
            select(_pairs)
            .where(
                _c.program == program, _c.status == PairStatus.ACTIVE.value, last_asked <= before
            )
            .order_by(last_asked, _c.id)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        result = await self._session.execute(query)
        return [_pair_from_row(row) for row in result.mappings()]

    async def record_activity(self, pair_id: int, at: datetime) -> None:
        """Set the pair's `last_activity_at`; `LookupError` if there is no such pair."""
        result = await self._session.execute(
            update(_pairs).where(_c.id == pair_id).values(last_activity_at=at)
        )
        if rowcount(result) != 1:
            raise LookupError(f"no pair {pair_id}")


def _pair_to_row(pair: Pair) -> dict[str, Any]:
    return {
        "id": pair.id,
        "program": pair.program,
        "mentee_id": pair.mentee_id,
        "mentor_id": pair.mentor_id,
        "status": PairStatus(pair.status).value,
        "started_at": pair.started_at,
        "paused_at": pair.paused_at,
        "ended_at": pair.ended_at,
        "last_activity_at": pair.last_activity_at,
        "nudged_at": pair.nudged_at,
        "checkin_asked_at": pair.checkin_asked_at,
        "end_reason": pair.end_reason,
        "ended_by": pair.ended_by,
    }


def _pair_from_row(row: Any) -> Pair:
    return Pair(
        id=row["id"],
        program=row["program"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        status=PairStatus(row["status"]),
        started_at=row["started_at"],
        paused_at=row["paused_at"],
        ended_at=row["ended_at"],
        last_activity_at=row["last_activity_at"],
        nudged_at=row["nudged_at"],
        checkin_asked_at=row["checkin_asked_at"],
        end_reason=row["end_reason"],
        ended_by=row["ended_by"],
    )
