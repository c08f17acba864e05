"""Port for the unit of work: one transaction over every repository."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from bot.core.ports.cases import CaseRepository
from bot.core.ports.matching import MatchingRepository
from bot.core.ports.outbox import Outbox
from bot.core.ports.pairs import (
    CheckinRepository,
    PairRepository,
    ScheduleRepository,
    TrainingRepository,
)
from bot.core.ports.people import FlowRepository, PersonRepository, UpdateLog
from bot.core.ports.privacy import PrivacyRepository
from bot.core.ports.relay import RelayRepository
from bot.core.ports.safety import SafetyRepository
from bot.core.ports.staff import StaffRepository


class UnitOfWork(Protocol):
    """One transaction over all repositories; nothing is written unless `commit` is called."""

    persons: PersonRepository
    flows: FlowRepository
    updates: UpdateLog
    outbox: Outbox
    pairs: PairRepository
    schedule: ScheduleRepository
    checkins: CheckinRepository
    training: TrainingRepository
    matching: MatchingRepository
    relay: RelayRepository
    safety: SafetyRepository
    privacy: PrivacyRepository
    staff: StaffRepository
    cases: CaseRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def lock_person(self, user_id: int) -> None:
        """Serialise work on one person across processes (a row lock where the database has
        them); a no-op where a single process owns the database."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
