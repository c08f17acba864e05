"""SQL implementations of the core's ScheduleRepository and CheckinRepository.

The `scheduled_steps` table is the scheduler's source of truth. Everything that touches many
rows is one Core statement (an executemany INSERT, an UPDATE of a list of ids), never an ORM
object per row: a large program schedules and sends hundreds of thousands of rows.

Claiming: `claim_due` walks the `(status, due_at, id)` index, checks each row's pair is active,
and stops at the limit; the caller marks the rows before committing. On PostgreSQL the rows
are locked `FOR UPDATE OF scheduled_steps SKIP LOCKED`, so replicas claiming at once take
different rows without waiting; on SQLite the transaction holds the write lock from its first
statement (`BEGIN IMMEDIATE`), which serialises claimers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Table,
    Text,
    any_,
    bindparam,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import CheckinAnswer, PairStatus, Role, ScheduledStep, StepStatus
from bot.storage.repositories import dialect_insert, rowcount
from bot.storage.tables import CheckinAnswerRow, PairRow, ScheduledStepRow

__all__ = ["ANALYZE_AFTER_ROWS", "SqlCheckinRepository", "SqlScheduleRepository"]

# On PostgreSQL, adding at least this many rows at once refreshes the table's statistics.
ANALYZE_AFTER_ROWS = 10_000

_steps = cast(Table, ScheduledStepRow.__table__)
_pairs = cast(Table, PairRow.__table__)
_answers = cast(Table, CheckinAnswerRow.__table__)
_c = _steps.c
_COLUMNS = (
    "id",
    "pair_id",
    "person_id",
    "role",
    "curriculum",
    "step_id",
    "position",
    "due_at",
    "status",
    "attempts",
    "sent_at",
    "message_id",
)
_ROLES = {role.value: role for role in Role}
_STATUSES = {status.value: status for status in StepStatus}


class SqlScheduleRepository:
    """Scheduled curriculum steps: our own table is the source of truth, never the timer."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, steps: Sequence[ScheduledStep]) -> None:
        """Insert new rows (their `id` must be 0) in one executemany. A row that repeats
        (pair, person, curriculum, step) raises `sqlalchemy.exc.IntegrityError`."""
        if not steps:
            return
        rows = [_step_to_row(step) for step in steps]
        await self._session.execute(_steps.insert(), rows)
        if len(rows) >= ANALYZE_AFTER_ROWS and self._is_postgres():
            # Fresh statistics now, not when autovacuum gets to it: with none, the planner
            # thinks few rows are due and sorts every due row on each claim (~100x slower).
            # ANALYZE's lock lasts until commit, so two such bulk loads run one after the other.
            await self._session.execute(text(f"ANALYZE {_steps.name}"))

    async def get(self, step_row_id: int) -> ScheduledStep | None:
        result = await self._session.execute(_select_steps().where(_c.id == step_row_id))
        row = result.one_or_none()
        return None if row is None else _step_from_row(row)

    async def claim_due(self, now: datetime, limit: int) -> list[ScheduledStep]:
        """Up to `limit` scheduled rows due by `now` whose pair is active, by `(due_at, id)`,
        locked for this transaction (skipping rows another one holds, on PostgreSQL). The
        caller marks them before committing."""
        if limit <= 0:
            return []
        due = _select_steps().where(*_due_clauses(now)).order_by(_c.due_at, _c.id).limit(limit)
        if self._is_postgres():
            due = due.with_for_update(of=_steps, skip_locked=True)
        result = await self._session.execute(due)
        return [_step_from_row(row) for row in result]

    async def mark(self, ids: Sequence[int], status: StepStatus, at: datetime) -> None:
        """Set the status of claimed rows, count the attempt and set `sent_at` to `at`: one
        UPDATE, the ids passed as a single parameter (no `IN` list to expand and bind)."""
        if not ids:
            return
        await self._session.execute(
            update(_steps)
            .where(self._among(ids))
            .values(status=StepStatus(status).value, attempts=_c.attempts + 1, sent_at=at)
        )

    async def of_pair(self, pair_id: int) -> list[ScheduledStep]:
        """Every row of a pair, by position then role (mentee before mentor), then id."""
        result = await self._session.execute(
            _select_steps().where(_c.pair_id == pair_id).order_by(_c.position, _c.role, _c.id)
        )
        return [_step_from_row(row) for row in result]

    async def reschedule(self, due: Sequence[tuple[int, datetime]]) -> None:
        """Give rows new due times (one executemany UPDATE); unknown ids are ignored."""
        if not due:
            return
        statement = (
            update(_steps)
            .where(_c.id == bindparam("row_id"))
            .values(due_at=bindparam("new_due_at"))
        )
        await self._session.execute(
            statement, [{"row_id": row_id, "new_due_at": at} for row_id, at in due]
        )

    async def cancel_pending(self, pair_id: int, at: datetime) -> int:
        """Cancel the pair's rows still scheduled (`sent_at` records when, as `mark` does);
        returns how many."""
        result = await self._session.execute(
            update(_steps)
            .where(_c.pair_id == pair_id, _c.status == StepStatus.SCHEDULED.value)
            .values(status=StepStatus.CANCELLED.value, sent_at=at)
        )
        return rowcount(result)

    async def count_due(self, now: datetime) -> int:
        """How many rows `claim_due(now, ∞)` would claim."""
        result = await self._session.execute(
            select(func.count()).select_from(_steps).where(*_due_clauses(now))
        )
        return int(result.scalar_one())

    async def record_messages(self, sent: Sequence[tuple[int, int]]) -> None:
        """Note the message ids of delivered step messages (one executemany UPDATE, in the
        sender's transaction that records them as sent); unknown ids are ignored."""
        if not sent:
            return
        statement = (
            update(_steps)
            .where(_c.id == bindparam("row_id"))
            .values(message_id=bindparam("new_message_id"))
        )
        await self._session.execute(
            statement, [{"row_id": row_id, "new_message_id": m} for row_id, m in sent]
        )

    async def pair_of_message(self, person_id: int, message_id: int) -> int | None:
        """The pair of the person's step delivered as `message_id` (the `(person_id,
        message_id)` index)."""
        result = await self._session.execute(
            select(_c.pair_id)
            .where(_c.person_id == person_id, _c.message_id == message_id)
            .order_by(_c.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def forget_messages(self, before: datetime) -> int:
        """Forget the message ids of steps sent before `before` (the retention purge)."""
        result = await self._session.execute(
            update(_steps)
            .where(_c.message_id.is_not(None), _c.sent_at < before)
            .values(message_id=None)
        )
        return rowcount(result)

    def _is_postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    def _among(self, ids: Sequence[int]) -> ColumnElement[bool]:
        """`id IN ids` with the ids in one parameter: an array on PostgreSQL, a JSON array read
        with `json_each` on SQLite."""
        if self._is_postgres():
            return _c.id == any_(bindparam("ids", list(ids), type_=ARRAY(BigInteger)))
        listed = func.json_each(bindparam("ids", orjson.dumps(list(ids)).decode(), type_=Text))
        return _c.id.in_(select(listed.table_valued("value").c.value))


class SqlCheckinRepository:
    """Answers to step check-ins (one per scheduled row; answering again replaces it)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, answer: CheckinAnswer) -> None:
        """Insert or replace the answer to a scheduled row, which must exist (foreign key)."""
        values = {
            "scheduled_step_id": answer.scheduled_step_id,
            "pair_id": answer.pair_id,
            "person_id": answer.person_id,
            "step_id": answer.step_id,
            "answer": answer.answer,
            "answered_at": answer.answered_at,
        }
        statement = dialect_insert(self._session, _answers).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[_answers.c.scheduled_step_id],
            set_={k: statement.excluded[k] for k in values if k != "scheduled_step_id"},
        )
        await self._session.execute(statement)

    async def get(self, scheduled_step_id: int) -> CheckinAnswer | None:
        result = await self._session.execute(
            select(_answers).where(_answers.c.scheduled_step_id == scheduled_step_id)
        )
        row = result.mappings().one_or_none()
        return None if row is None else _answer_from_row(row)

    async def of_pair(self, pair_id: int) -> list[CheckinAnswer]:
        """The pair's answers, oldest first."""
        result = await self._session.execute(
            select(_answers)
            .where(_answers.c.pair_id == pair_id)
            .order_by(_answers.c.answered_at, _answers.c.scheduled_step_id)
        )
        return [_answer_from_row(row) for row in result.mappings()]


def _select_steps() -> Select[Any]:
    return select(*(_c[name] for name in _COLUMNS))


def _due_clauses(now: datetime) -> tuple[Any, ...]:
    # The pair's status is a correlated scalar subquery, not a join, so the planner cannot
    # drive the query from `pairs` (and sort every due row) when its statistics are stale:
    # the only plan left walks the `(status, due_at, id)` index and stops at the limit.
    pair_status = select(_pairs.c.status).where(_pairs.c.id == _c.pair_id).scalar_subquery()
    return (
        _c.status == StepStatus.SCHEDULED.value,
        _c.due_at <= now,
        pair_status == PairStatus.ACTIVE.value,
    )


def _step_to_row(step: ScheduledStep) -> dict[str, Any]:
    if step.id:
        raise ValueError(f"scheduled step already has id {step.id}")
    return {
        "pair_id": step.pair_id,
        "person_id": step.person_id,
        "role": Role(step.role).value,
        "curriculum": step.curriculum,
        "step_id": step.step_id,
        "position": step.position,
        "due_at": step.due_at,
        "status": StepStatus(step.status).value,
        "attempts": step.attempts,
        "sent_at": step.sent_at,
        "message_id": step.message_id,
    }


def _step_from_row(row: Any) -> ScheduledStep:
    # Positional, with enum lookups in dicts: claiming maps hundreds of thousands of rows.
    (id_, pair_id, person_id, role, curriculum, step_id, position, due_at, status, attempts) = row[
        :10
    ]
    return ScheduledStep(
        id=id_,
        pair_id=pair_id,
        person_id=person_id,
        role=_ROLES[role],
        curriculum=curriculum,
        step_id=step_id,
        position=position,
        due_at=due_at,
        status=_STATUSES[status],
        attempts=attempts,
        sent_at=row[10],
        message_id=row[11],
    )


def _answer_from_row(row: Any) -> CheckinAnswer:
    return CheckinAnswer(
        scheduled_step_id=row["scheduled_step_id"],
        pair_id=row["pair_id"],
        person_id=row["person_id"],
        step_id=row["step_id"],
        answer=row["answer"],
        answered_at=row["answered_at"],
    )
