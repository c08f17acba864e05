"""Ports for pairs and their curriculum: the pairs themselves, their scheduled steps, the
answers to step check-ins, and volunteers' training results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from bot.core.models import (
    CheckinAnswer,
    ModuleResult,
    Pair,
    PairMembers,
    ScheduledStep,
    StepStatus,
)


class PairRepository(Protocol):
    """Mentee–mentor pairs."""

    async def add(self, pair: Pair) -> Pair:
        """Store a new pair; returns it with its id."""
        ...

    async def get(self, pair_id: int) -> Pair | None: ...

    async def get_many(self, pair_ids: Iterable[int]) -> list[Pair]: ...

    async def members(self, pair_ids: Iterable[int]) -> list[PairMembers]:
        """Program and members of each stored pair among `pair_ids` (a narrow, fast read)."""
        ...

    async def update(self, pair: Pair) -> None: ...

    async def of_person(self, person_id: int) -> list[Pair]:
        """The person's pairs that have not ended (active or paused), oldest first."""
        ...

    async def count_ever(self, person_id: int) -> int:
        """How many pairs the person has ever been in, ended ones included (those of a partner
        who was since erased too: they stay, with a stand-in)."""
        ...

    async def silent(self, program: str, before: datetime, limit: int) -> list[Pair]:
        """Active pairs of `program` with no activity (nor start) since `before` and no nudge
        since `before`."""
        ...

    async def checkin_due(self, program: str, before: datetime, limit: int) -> list[Pair]:
        """Active pairs of `program` last asked their relationship check-in (or started) at
        or before `before`, the longest waiting first."""
        ...

    async def record_activity(self, pair_id: int, at: datetime) -> None: ...


class ScheduleRepository(Protocol):
    """Scheduled curriculum steps: our own table is the source of truth, never the timer."""

    async def add_many(self, steps: Sequence[ScheduledStep]) -> None: ...

    async def get(self, step_row_id: int) -> ScheduledStep | None: ...

    async def claim_due(self, now: datetime, limit: int) -> list[ScheduledStep]:
        """Up to `limit` scheduled rows due by `now` whose pair is active, oldest due first,
        locked for this transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL) so that two
        replicas never claim the same row. The caller marks them before committing."""
        ...

    async def mark(self, ids: Sequence[int], status: StepStatus, at: datetime) -> None:
        """Set the status of claimed rows (attempts + 1; `sent_at` = `at`)."""
        ...

    async def of_pair(self, pair_id: int) -> list[ScheduledStep]:
        """Every row of a pair, by position then role."""
        ...

    async def reschedule(self, due: Sequence[tuple[int, datetime]]) -> None:
        """Give rows new due times."""
        ...

    async def cancel_pending(self, pair_id: int, at: datetime) -> int: ...

    async def count_due(self, now: datetime) -> int: ...

    async def record_messages(self, sent: Sequence[tuple[int, int]]) -> None:
        """Note the message id of delivered step messages: (row id, message id) each; a step
        opened again takes its latest message's id. Unknown ids are ignored."""
        ...

    async def pair_of_message(self, person_id: int, message_id: int) -> int | None:
        """The pair of the person's step whose delivered message is `message_id`, if any."""
        ...

    async def forget_messages(self, before: datetime) -> int:
        """The retention purge: forget the message ids of steps sent before `before`;
        returns how many."""
        ...


class CheckinRepository(Protocol):
    """Answers to step check-ins (one per scheduled row; answering again replaces it)."""

    async def record(self, answer: CheckinAnswer) -> None: ...

    async def get(self, scheduled_step_id: int) -> CheckinAnswer | None: ...

    async def of_pair(self, pair_id: int) -> list[CheckinAnswer]: ...


class TrainingRepository(Protocol):
    """Volunteers' training results (the latest attempt of each module)."""

    async def record(self, result: ModuleResult) -> None: ...

    async def of_person(self, person_id: int, curriculum: str) -> list[ModuleResult]: ...
