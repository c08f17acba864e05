"""One person's records across every table, read for their data export (`/mydata`): the SQL
side of `PrivacyRepository.records` (everything stored about them besides their profile and
conversation), mapped to the core's models by each table's own repository module."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.cases import CaseMessage
from bot.core.models import RelationshipRating, RelayLink
from bot.core.privacy import PersonalRecords
from bot.core.staff import PersonFlag
from bot.storage.cases import _case_from_row
from bot.storage.matching import _proposal_from_row, _request_from_row
from bot.storage.pairs import _pair_from_row
from bot.storage.relay import _link_from_row, _select_links
from bot.storage.repositories import chunks
from bot.storage.safety import _report_from_row
from bot.storage.schedule import _answer_from_row, _select_steps, _step_from_row
from bot.storage.tables import (
    CaseMessageRow,
    CaseRow,
    CheckinAnswerRow,
    MatchRequestRow,
    PairRow,
    PersonFlagRow,
    ProposalRow,
    RelationshipRatingRow,
    RelayLinkRow,
    ReportRow,
    ScheduledStepRow,
    TrainingResultRow,
    table_of,
)
from bot.storage.training import _result_from_row

__all__ = ["SqlPersonalRecords"]


_pairs, _steps, _answers = (
    table_of(PairRow),
    table_of(ScheduledStepRow),
    table_of(CheckinAnswerRow),
)
_training, _requests, _proposals = (
    table_of(TrainingResultRow),
    table_of(MatchRequestRow),
    table_of(ProposalRow),
)
_links, _reports, _ratings = (
    table_of(RelayLinkRow),
    table_of(ReportRow),
    table_of(RelationshipRatingRow),
)
_flags = table_of(PersonFlagRow)
_cases, _case_messages = table_of(CaseRow), table_of(CaseMessageRow)


class SqlPersonalRecords:
    """Reads one person's records across every table, in one session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _all(self, statement: Any) -> list[Any]:
        return list((await self._session.execute(statement)).mappings())

    async def records(self, person_id: int) -> PersonalRecords:
        """Everything stored about a person besides their profile and conversation."""
        p, s = _pairs.c, _steps.c
        pairs = await self._all(
            select(_pairs)
            .where(or_(p.mentee_id == person_id, p.mentor_id == person_id))
            .order_by(p.id)
        )
        steps = await self._session.execute(
            _select_steps().where(s.person_id == person_id).order_by(s.pair_id, s.position)
        )
        mine = {name: await self._all(query) for name, query in _about(person_id).items()}
        relayed = await self._relayed([row["id"] for row in pairs])
        cases = [_case_from_row(row) for row in mine["cases"]]
        return PersonalRecords(
            pairs=tuple(_pair_from_row(row) for row in pairs),
            steps=tuple(_step_from_row(row) for row in steps),
            checkins=tuple(_answer_from_row(row) for row in mine["answers"]),
            training=tuple(_result_from_row(row) for row in mine["training"]),
            ratings=tuple(
                RelationshipRating(
                    pair_id=r["pair_id"], person_id=r["person_id"], rating=r["rating"], at=r["at"]
                )
                for r in mine["ratings"]
            ),
            requests=tuple(_request_from_row(row) for row in mine["requests"]),
            proposals=tuple(_proposal_from_row(row) for row in mine["proposals"]),
            reports=tuple(_report_from_row(row) for row in mine["reports"]),
            relayed=tuple(relayed),
            flags=tuple(PersonFlag(**row) for row in mine["flags"]),
            cases=tuple(cases),
            case_messages=tuple(await self._case_messages([c.id for c in cases])),
        )

    async def _case_messages(self, case_ids: Sequence[int]) -> list[CaseMessage]:
        """The kept ids of these cases' messages (in every chat: the export keeps the
        person's own)."""
        kept = []
        m = _case_messages.c
        for chunk in chunks(case_ids):
            rows = await self._all(
                select(m.case_id, m.chat_id, m.message_id)
                .where(m.case_id.in_(chunk))
                .order_by(m.case_id, m.message_id)
            )
            kept += [CaseMessage(**row) for row in rows]
        return kept

    async def _relayed(self, pair_ids: Sequence[int]) -> list[RelayLink]:
        """The relayed messages of these pairs, oldest first."""
        relayed = []
        for chunk in chunks(pair_ids):
            result = await self._session.execute(
                _select_links()
                .where(_links.c.pair_id.in_(chunk))
                .order_by(_links.c.created_at, _links.c.id)
            )
            relayed += [_link_from_row(row) for row in result]
        return relayed


def _about(person_id: int) -> dict[str, Select[Any]]:
    """The reads of the person's own rows in the tables read as they are, by name, in the
    order they are run."""
    a, f = _answers.c, _flags.c
    return {
        "answers": select(_answers).where(a.person_id == person_id).order_by(a.answered_at),
        "training": select(_training)
        .where(_training.c.person_id == person_id)
        .order_by(_training.c.curriculum, _training.c.module_id),
        "ratings": select(_ratings)
        .where(_ratings.c.person_id == person_id)
        .order_by(_ratings.c.at),
        "requests": select(_requests)
        .where(_requests.c.mentee_id == person_id)
        .order_by(_requests.c.id),
        "proposals": select(_proposals)
        .where(_proposals.c.mentor_id == person_id)
        .order_by(_proposals.c.id),
        "reports": select(_reports)
        .where(_reports.c.reporter_id == person_id)
        .order_by(_reports.c.id),
        "flags": select(f.user_id, f.kind, f.reason, f.at, f.by)
        .where(f.user_id == person_id)
        .order_by(f.at, f.kind),
        "cases": select(_cases)
        .where(_cases.c.person_id == person_id)
        .order_by(_cases.c.opened_at, _cases.c.id),
    }
