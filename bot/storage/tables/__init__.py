"""The database schema as SQLAlchemy 2 declarative models, one module per concern.

These rows never leave `bot.storage`: repositories map them to and from the core's frozen
dataclasses. Every datetime is stored in UTC and read back tz-aware UTC on every backend; enums
are stored as their string values. Changing this package needs an Alembic revision
(`tests/storage` checks that models and migrations match).

Every table shares the one `Base.metadata` (`base`); importing this package imports every
table module, so the metadata Alembic and the tests read is always complete:

- `base`: `Base`, the naming convention, the UTC datetime and JSON column types
- `people`: persons, flow states, seen updates
- `outbox`: the outbox
- `pairs`: pairs, scheduled steps, check-in answers, training results, relay links
- `matching`: match requests, proposals
- `safety`: reports, relationship ratings
- `staff`: staff members, audit log, staff drafts, broadcasts, person flags
- `cases`: the staff inbox's cases, team message ids, staff groups
"""

from __future__ import annotations

from bot.storage.tables.base import NAMING_CONVENTION, Base, UtcDateTime, json_type, table_of
from bot.storage.tables.cases import (
    CASE_KINDS,
    CASE_STATUSES,
    CaseMessageRow,
    CaseRow,
    StaffGroupRow,
)
from bot.storage.tables.matching import (
    PROPOSAL_STATUSES,
    REQUEST_STATUSES,
    WAITING_ONLY,
    MatchRequestRow,
    ProposalRow,
)
from bot.storage.tables.outbox import OUTBOX_LANES, OUTBOX_STATUSES, SAFETY_LANE, OutboxRow
from bot.storage.tables.pairs import (
    PAIR_STATUSES,
    STEP_STATUSES,
    CheckinAnswerRow,
    PairRow,
    RelayLinkRow,
    ScheduledStepRow,
    TrainingResultRow,
)
from bot.storage.tables.people import ROLES, FlowStateRow, PersonRow, SeenUpdateRow
from bot.storage.tables.safety import REPORT_STATUSES, RelationshipRatingRow, ReportRow
from bot.storage.tables.staff import (
    STAFF_ROLES,
    AuditLogRow,
    BroadcastRow,
    PersonFlagRow,
    StaffDraftRow,
    StaffMemberRow,
    StaffNoteRow,
)

__all__ = [
    "CASE_KINDS",
    "CASE_STATUSES",
    "CaseMessageRow",
    "CaseRow",
    "StaffGroupRow",
    "table_of",
    "NAMING_CONVENTION",
    "OUTBOX_LANES",
    "OUTBOX_STATUSES",
    "PAIR_STATUSES",
    "PROPOSAL_STATUSES",
    "REPORT_STATUSES",
    "REQUEST_STATUSES",
    "ROLES",
    "SAFETY_LANE",
    "STAFF_ROLES",
    "STEP_STATUSES",
    "WAITING_ONLY",
    "AuditLogRow",
    "Base",
    "BroadcastRow",
    "CheckinAnswerRow",
    "FlowStateRow",
    "MatchRequestRow",
    "OutboxRow",
    "PairRow",
    "PersonFlagRow",
    "PersonRow",
    "ProposalRow",
    "RelationshipRatingRow",
    "RelayLinkRow",
    "ReportRow",
    "ScheduledStepRow",
    "SeenUpdateRow",
    "StaffDraftRow",
    "StaffMemberRow",
    "StaffNoteRow",
    "TrainingResultRow",
    "UtcDateTime",
    "json_type",
]
