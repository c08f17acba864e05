"""The SQL unit of work: one AsyncSession, one transaction, all repositories.

Nothing is written unless `commit` is called; leaving the block without committing, or with an
exception, rolls back. After a commit the unit of work can go on (a new transaction starts with
the next statement) and must be committed again.

On SQLite the transaction takes the database's write lock with its first statement
(`BEGIN IMMEDIATE`, see `db.py`) and holds it until commit or rollback: keep units of work short.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.ports import (
    CaseRepository,
    CheckinRepository,
    FlowRepository,
    MatchingRepository,
    Outbox,
    PairRepository,
    PersonRepository,
    PrivacyRepository,
    RelayRepository,
    SafetyRepository,
    ScheduleRepository,
    StaffRepository,
    TrainingRepository,
    UnitOfWork,
    UnitOfWorkFactory,
    UpdateLog,
)
from bot.storage.cases import SqlCaseRepository
from bot.storage.matching import SqlMatchingRepository
from bot.storage.outbox import SqlOutbox
from bot.storage.pairs import SqlPairRepository
from bot.storage.privacy import SqlPrivacyRepository
from bot.storage.relay import SqlRelayRepository
from bot.storage.repositories import SqlFlowRepository, SqlPersonRepository, SqlUpdateLog
from bot.storage.safety import SqlSafetyRepository
from bot.storage.schedule import SqlCheckinRepository, SqlScheduleRepository
from bot.storage.staff import SqlStaffRepository
from bot.storage.training import SqlTrainingRepository

__all__ = ["PERSON_LOCK_NAMESPACE", "SqlUnitOfWork", "sql_uow_factory"]

PERSON_LOCK_NAMESPACE = "mentorbot.person:"


class SqlUnitOfWork:
    """Implements `bot.core.ports.UnitOfWork` over one database transaction."""

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

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The session of the open unit of work (for storage code outside the core's ports)."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use `async with`")
        return self._session

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be entered twice")
        session = self._sessions()
        self._session = session
        self.persons = SqlPersonRepository(session)
        self.flows = SqlFlowRepository(session)
        self.updates = SqlUpdateLog(session)
        self.outbox = SqlOutbox(session)
        self.pairs = SqlPairRepository(session)
        self.schedule = SqlScheduleRepository(session)
        self.checkins = SqlCheckinRepository(session)
        self.training = SqlTrainingRepository(session)
        self.matching = SqlMatchingRepository(session)
        self.relay = SqlRelayRepository(session)
        self.safety = SqlSafetyRepository(session)
        self.privacy = SqlPrivacyRepository(session)
        self.staff = SqlStaffRepository(session)
        self.cases = SqlCaseRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def lock_person(self, user_id: int) -> None:
        """Serialise work on one person until this transaction ends.

        PostgreSQL: a transaction-level advisory lock keyed by the user id, which (unlike
        `SELECT … FOR UPDATE` on the persons row) also works before the person is stored, e.g.
        for two concurrent first updates of a new user. SQLite: nothing to do, the transaction
        already holds the database's only write lock.
        """
        session = self.session
        if session.get_bind().dialect.name != "postgresql":
            return
        key = func.hashtextextended(PERSON_LOCK_NAMESPACE + str(int(user_id)), 0)
        await session.execute(select(func.pg_advisory_xact_lock(key)))


def sql_uow_factory(sessions: async_sessionmaker[AsyncSession]) -> UnitOfWorkFactory:
    """A factory of fresh SQL units of work, for the core."""

    def make() -> UnitOfWork:
        return SqlUnitOfWork(sessions)

    return make
