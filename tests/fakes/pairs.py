"""In-memory pairs, scheduled steps, check-in answers and training results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.models import (
    CheckinAnswer,
    ModuleResult,
    Pair,
    PairMembers,
    PairStatus,
    ScheduledStep,
    StepStatus,
)

TrainingKey = tuple[int, str, str]
RatingKey = tuple[int, int, datetime]


def _next_id(ids: Iterable[int]) -> int:
    return max(ids, default=0) + 1


class _Pairs:
    def __init__(self, data: dict[int, Pair]) -> None:
        self.data = data

    async def add(self, pair: Pair) -> Pair:
        if pair.id:
            raise ValueError(f"pair already has id {pair.id}")
        pair = replace(pair, id=_next_id(self.data))
        self.data[pair.id] = pair
        return pair

    async def get(self, pair_id: int) -> Pair | None:
        return self.data.get(pair_id)

    async def get_many(self, pair_ids: Iterable[int]) -> list[Pair]:
        return [self.data[i] for i in sorted(set(pair_ids)) if i in self.data]

    async def update(self, pair: Pair) -> None:
        if pair.id not in self.data:
            raise LookupError(f"no pair {pair.id}")
        self.data[pair.id] = pair

    async def of_person(self, person_id: int) -> list[Pair]:
        mine = [
            p for p in self.data.values() if p.member(person_id) and p.status != PairStatus.ENDED
        ]
        return sorted(mine, key=lambda p: (p.started_at, p.id))

    async def count_ever(self, person_id: int) -> int:
        return sum(1 for p in self.data.values() if p.member(person_id))

    async def members(self, pair_ids: Iterable[int]) -> list[PairMembers]:
        return [
            PairMembers(id=p.id, program=p.program, mentee_id=p.mentee_id, mentor_id=p.mentor_id)
            for p in await self.get_many(pair_ids)
        ]

    async def checkin_due(self, program: str, before: datetime, limit: int) -> list[Pair]:
        def last_asked(p: Pair) -> datetime:
            return p.checkin_asked_at or p.started_at

        due = [
            p
            for p in self.data.values()
            if p.program == program and p.status == PairStatus.ACTIVE and last_asked(p) <= before
        ]
        return sorted(due, key=lambda p: (last_asked(p), p.id))[: max(limit, 0)]

    async def silent(self, program: str, before: datetime, limit: int) -> list[Pair]:
        def last_heard(p: Pair) -> datetime:
            return p.last_activity_at or p.started_at

        quiet = [
            p
            for p in self.data.values()
            if p.program == program
            and p.status == PairStatus.ACTIVE
            and last_heard(p) < before
            and (p.nudged_at is None or p.nudged_at < before)
        ]
        return sorted(quiet, key=lambda p: (last_heard(p), p.id))[: max(limit, 0)]

    async def record_activity(self, pair_id: int, at: datetime) -> None:
        if pair_id not in self.data:
            raise LookupError(f"no pair {pair_id}")
        self.data[pair_id] = replace(self.data[pair_id], last_activity_at=at)


class _Schedule:
    def __init__(self, data: dict[int, ScheduledStep], pairs: dict[int, Pair]) -> None:
        self.data = data
        self.pairs = pairs

    def _due(self, now: datetime) -> list[ScheduledStep]:
        def active(pair_id: int) -> bool:
            pair = self.pairs.get(pair_id)
            return pair is not None and pair.status == PairStatus.ACTIVE

        due = [
            s
            for s in self.data.values()
            if s.status == StepStatus.SCHEDULED and s.due_at <= now and active(s.pair_id)
        ]
        return sorted(due, key=lambda s: (s.due_at, s.id))

    async def add_many(self, steps: Sequence[ScheduledStep]) -> None:
        keys = {(s.pair_id, s.person_id, s.curriculum, s.step_id) for s in self.data.values()}
        next_id = _next_id(self.data)
        for step in steps:
            if step.id:
                raise ValueError(f"scheduled step already has id {step.id}")
            key = (step.pair_id, step.person_id, step.curriculum, step.step_id)
            assert key not in keys, f"step scheduled twice: {key}"
            keys.add(key)
            self.data[next_id] = replace(step, id=next_id)
            next_id += 1

    async def get(self, step_row_id: int) -> ScheduledStep | None:
        return self.data.get(step_row_id)

    async def claim_due(self, now: datetime, limit: int) -> list[ScheduledStep]:
        return self._due(now)[: max(limit, 0)]

    async def mark(self, ids: Sequence[int], status: StepStatus, at: datetime) -> None:
        for i in ids:
            if (step := self.data.get(i)) is not None:
                self.data[i] = replace(step, status=status, attempts=step.attempts + 1, sent_at=at)

    async def of_pair(self, pair_id: int) -> list[ScheduledStep]:
        rows = [s for s in self.data.values() if s.pair_id == pair_id]
        return sorted(rows, key=lambda s: (s.position, s.role, s.id))

    async def reschedule(self, due: Sequence[tuple[int, datetime]]) -> None:
        for i, at in due:
            if (step := self.data.get(i)) is not None:
                self.data[i] = replace(step, due_at=at)

    async def cancel_pending(self, pair_id: int, at: datetime) -> int:
        pending = [
            s
            for s in self.data.values()
            if s.pair_id == pair_id and s.status == StepStatus.SCHEDULED
        ]
        for s in pending:
            self.data[s.id] = replace(s, status=StepStatus.CANCELLED, sent_at=at)
        return len(pending)

    async def count_due(self, now: datetime) -> int:
        return len(self._due(now))

    async def record_messages(self, sent: Sequence[tuple[int, int]]) -> None:
        for i, message_id in sent:
            if (step := self.data.get(i)) is not None:
                self.data[i] = replace(step, message_id=message_id)

    async def pair_of_message(self, person_id: int, message_id: int) -> int | None:
        mine = [
            s
            for s in self.data.values()
            if s.person_id == person_id and s.message_id == message_id
        ]
        return max(mine, key=lambda s: s.id).pair_id if mine else None

    async def forget_messages(self, before: datetime) -> int:
        old = [
            s
            for s in self.data.values()
            if s.message_id is not None and s.sent_at is not None and s.sent_at < before
        ]
        for s in old:
            self.data[s.id] = replace(s, message_id=None)
        return len(old)


class _Checkins:
    def __init__(self, data: dict[int, CheckinAnswer]) -> None:
        self.data = data

    async def record(self, answer: CheckinAnswer) -> None:
        self.data[answer.scheduled_step_id] = answer

    async def get(self, scheduled_step_id: int) -> CheckinAnswer | None:
        return self.data.get(scheduled_step_id)

    async def of_pair(self, pair_id: int) -> list[CheckinAnswer]:
        mine = [a for a in self.data.values() if a.pair_id == pair_id]
        return sorted(mine, key=lambda a: (a.answered_at, a.scheduled_step_id))


class _Training:
    def __init__(self, data: dict[TrainingKey, ModuleResult]) -> None:
        self.data = data

    async def record(self, result: ModuleResult) -> None:
        self.data[(result.person_id, result.curriculum, result.module_id)] = result

    async def of_person(self, person_id: int, curriculum: str) -> list[ModuleResult]:
        mine = [
            r for r in self.data.values() if (r.person_id, r.curriculum) == (person_id, curriculum)
        ]
        return sorted(mine, key=lambda r: (r.completed_at, r.module_id))
