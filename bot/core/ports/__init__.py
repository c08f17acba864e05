"""Ports: what the core needs from the outside world, as small Protocols, one module per concern.

Storage implements the repositories and the unit of work; transports implement `ChatApi`;
tests use in-memory fakes of the same Protocols. Import them from here (`from bot.core.ports
import X`); the modules are:

- `people`: persons, their flows, the update log
- `outbox`: effects waiting for the sender
- `pairs`: pairs, scheduled steps, step check-ins, training results
- `matching`: requests, proposals, past couples
- `relay`: the copy ↔ original message map
- `safety`: reports and relationship ratings
- `cases`: the staff inbox's cases and staff groups
- `staff`: staff members, drafts, broadcasts, flags, audit, cross-program reads
- `privacy`: one person's records, erasure, retention purges
- `unit_of_work`: one transaction over all of the above
- `chat`: the chat app (`ChatApi`), its forum supergroups (`Forums`) and the `Clock`
"""

from __future__ import annotations

from bot.core.ports.cases import CaseRepository
from bot.core.ports.chat import ChatApi, Clock, Forums
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
from bot.core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "CaseRepository",
    "ChatApi",
    "CheckinRepository",
    "Clock",
    "FlowRepository",
    "Forums",
    "MatchingRepository",
    "Outbox",
    "PairRepository",
    "PersonRepository",
    "PrivacyRepository",
    "RelayRepository",
    "SafetyRepository",
    "ScheduleRepository",
    "StaffRepository",
    "TrainingRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UpdateLog",
]
