"""The committed in-memory state and the unit of work over it."""

from __future__ import annotations

import copy
from datetime import datetime
from types import TracebackType

from bot.core import effects as fx
from bot.core.effects import Effect
from bot.core.models import (
    CheckinAnswer,
    FlowState,
    MatchRequest,
    ModuleResult,
    Pair,
    Person,
    Proposal,
    RelationshipRating,
    RelayLink,
    Report,
    ScheduledStep,
)
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
    UpdateLog,
)
from tests.fakes.cases import CaseState, _Cases
from tests.fakes.matching import _Matching, _Relay, _Safety
from tests.fakes.outbox import _Outbox, _Row
from tests.fakes.pairs import _Checkins, _Pairs, _Schedule, _Training
from tests.fakes.people import _Flows, _Persons, _Updates
from tests.fakes.privacy import HeldReports, _Privacy
from tests.fakes.staff import StaffState, _Staff

TrainingKey = tuple[int, str, str]
RatingKey = tuple[int, int, datetime]


class MemoryStore:
    """The committed state shared by every FakeUnitOfWork made from it."""

    def __init__(self) -> None:
        self.persons: dict[int, Person] = {}
        self.flows: dict[int, FlowState] = {}
        self.updates: dict[int, datetime] = {}
        self.outbox: list[_Row] = []
        self.pairs: dict[int, Pair] = {}
        self.schedule: dict[int, ScheduledStep] = {}
        self.checkins: dict[int, CheckinAnswer] = {}
        self.training: dict[TrainingKey, ModuleResult] = {}
        self.requests: dict[int, MatchRequest] = {}
        self.proposals: dict[int, Proposal] = {}
        self.relay: list[RelayLink] = []
        self.reports: dict[int, Report] = {}
        self.ratings: dict[RatingKey, RelationshipRating] = {}
        self.held: HeldReports = {}
        self.staff = StaffState()
        self.cases = CaseState()

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def pending_effects(self) -> list[Effect]:
        return [fx.from_json(r.item.payload) for r in self.outbox if r.status == "pending"]


class FakeUnitOfWork:
    """Works on a copy of the store; `commit` publishes it, like a real transaction."""

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

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.committed = False

    async def __aenter__(self) -> FakeUnitOfWork:
        self._persons = dict(self.store.persons)
        self._flows = dict(self.store.flows)
        self._updates = dict(self.store.updates)
        self._outbox = copy.deepcopy(self.store.outbox)
        self._pairs = dict(self.store.pairs)
        self._schedule = dict(self.store.schedule)
        self._checkins = dict(self.store.checkins)
        self._training = dict(self.store.training)
        self._requests = dict(self.store.requests)
        self._proposals = dict(self.store.proposals)
        self._relay = list(self.store.relay)
        self._reports = dict(self.store.reports)
        self._ratings = dict(self.store.ratings)
        self._held = dict(self.store.held)
        self._staff = self.store.staff.copy()
        self._cases = self.store.cases.copy()
        self.persons = _Persons(self._persons)
        self.flows = _Flows(self._flows)
        self.updates = _Updates(self._updates)
        self.outbox = _Outbox(self._outbox)
        self.pairs = _Pairs(self._pairs)
        self.schedule = _Schedule(self._schedule, self._pairs)
        self.checkins = _Checkins(self._checkins)
        self.training = _Training(self._training)
        self.matching = _Matching(self._requests, self._proposals, self._pairs)
        self.relay = _Relay(self._relay)
        self.safety = _Safety(self._reports, self._ratings)
        self.privacy = _Privacy(self)
        self.staff = _Staff(self._staff, self._persons, self._pairs, self._schedule, self._reports)
        self.cases = _Cases(self._cases)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self.store.persons = dict(self._persons)
        self.store.flows = dict(self._flows)
        self.store.updates = dict(self._updates)
        self.store.outbox = self._outbox
        self.store.pairs = dict(self._pairs)
        self.store.schedule = dict(self._schedule)
        self.store.checkins = dict(self._checkins)
        self.store.training = dict(self._training)
        self.store.requests = dict(self._requests)
        self.store.proposals = dict(self._proposals)
        self.store.relay = list(self._relay)
        self.store.reports = dict(self._reports)
        self.store.ratings = dict(self._ratings)
        self.store.held = dict(self._held)
        self.store.staff = self._staff.copy()
        self.store.cases = self._cases.copy()
        self._outbox = copy.deepcopy(self._outbox)
        self.outbox = _Outbox(self._outbox)
        self.committed = True

    async def lock_person(self, user_id: int) -> None:
        return None
