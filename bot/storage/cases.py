"""SQL implementation of the core's CaseRepository: cases of the staff inbox, the person-side
ids of team messages (for replies), and each program's staff group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from bot.core.cases import Case, CaseKind, CaseStatus, StaffGroup
from bot.storage.repositories import dialect_insert, rowcount
from bot.storage.tables import CaseMessageRow, CaseRow, StaffGroupRow, table_of

__all__ = ["SqlCaseRepository"]

_cases = table_of(CaseRow)
_messages = table_of(CaseMessageRow)
_groups = table_of(StaffGroupRow)


class SqlCaseRepository:
    """Implements `bot.core.ports.CaseRepository` in one session."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def _one(self, query: Any) -> Case | None:
        row = (await self._session.execute(query.limit(1))).mappings().first()
        return None if row is None else _case_from_row(row)

    async def add(self, case: Case) -> Case:
        if case.id:
            raise ValueError(f"case already has id {case.id}")
        result = await self._session.execute(
            _cases.insert().values(**_case_to_row(case)).returning(_cases.c.id)
        )
        return Case(**{**_fields(case), "id": int(result.scalar_one())})

    async def get(self, case_id: int) -> Case | None:
        return await self._one(select(_cases).where(_cases.c.id == case_id))

    async def open_case(self, person_id: int, kind: CaseKind) -> Case | None:
        return await self._one(
            select(_cases)
            .where(
                _cases.c.person_id == person_id,
                _cases.c.kind == CaseKind(kind).value,
                _cases.c.status == CaseStatus.OPEN.value,
            )
            .order_by(_cases.c.id.desc())
        )

    async def open_cases(self, person_id: int) -> list[Case]:
        result = await self._session.execute(
            select(_cases)
            .where(_cases.c.person_id == person_id, _cases.c.status == CaseStatus.OPEN.value)
            .order_by(_cases.c.opened_at.desc(), _cases.c.id.desc())
        )
        return [_case_from_row(row) for row in result.mappings()]

    async def latest(self, person_id: int) -> Case | None:
        return await self._one(
            select(_cases)
            .where(_cases.c.person_id == person_id)
            .order_by(_cases.c.opened_at.desc(), _cases.c.id.desc())
        )

    async def by_topic(self, chat_id: int, thread_id: int) -> Case | None:
        return await self._one(
            select(_cases)
            .where(_cases.c.staff_chat_id == chat_id, _cases.c.thread_id == thread_id)
            .order_by(_cases.c.id.desc())
        )

    async def update(self, case: Case) -> None:
        values = _case_to_row(case)
        result = await self._session.execute(
            update(_cases).where(_cases.c.id == case.id).values(**values)
        )
        if rowcount(result) != 1:
            raise LookupError(f"no case {case.id}")

    async def close(self, case_id: int, at: datetime, by: int | None) -> Case | None:
        result = await self._session.execute(
            update(_cases)
            .where(_cases.c.id == case_id, _cases.c.status == CaseStatus.OPEN.value)
            .values(status=CaseStatus.CLOSED.value, closed_at=at, closed_by=by)
            .returning(*_cases.c)
        )
        row = result.mappings().one_or_none()
        return None if row is None else _case_from_row(row)

    async def note_message(self, case_id: int, chat_id: int, message_id: int) -> None:
        insert = dialect_insert(self._session, _messages).values(
            chat_id=chat_id, message_id=message_id, case_id=case_id
        )
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=[_messages.c.chat_id, _messages.c.message_id],
                set_={"case_id": case_id},
            )
        )

    async def of_message(self, chat_id: int, message_id: int) -> Case | None:
        case_id = (
            select(_messages.c.case_id)
            .where(_messages.c.chat_id == chat_id, _messages.c.message_id == message_id)
            .scalar_subquery()
        )
        return await self._one(select(_cases).where(_cases.c.id == case_id))

    async def staff_group(self, program: str) -> StaffGroup | None:
        result = await self._session.execute(select(_groups).where(_groups.c.program == program))
        row = result.mappings().one_or_none()
        return None if row is None else StaffGroup(**dict(row))

    async def staff_groups(self, programs: Sequence[str]) -> list[StaffGroup]:
        result = await self._session.execute(
            select(_groups)
            .where(_groups.c.program.in_(list(programs)))
            .order_by(_groups.c.program)
        )
        return [StaffGroup(**dict(row)) for row in result.mappings()]

    async def set_staff_group(self, group: StaffGroup) -> None:
        values = {
            "program": group.program,
            "chat_id": group.chat_id,
            "set_by": group.set_by,
            "set_at": group.set_at,
        }
        insert = dialect_insert(self._session, _groups).values(**values)
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=[_groups.c.program],
                set_={k: v for k, v in values.items() if k != "program"},
            )
        )

    async def remove_staff_group(self, program: str) -> bool:
        result = await self._session.execute(delete(_groups).where(_groups.c.program == program))
        return rowcount(result) > 0


def _fields(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in Case.__dataclass_fields__}


def _case_to_row(case: Case) -> dict[str, Any]:
    values = _fields(case)
    values.pop("id")
    values["kind"] = CaseKind(case.kind).value
    values["status"] = CaseStatus(case.status).value
    return values


def _case_from_row(row: Any) -> Case:
    values = {name: row[name] for name in Case.__dataclass_fields__}
    values["kind"] = CaseKind(values["kind"])
    values["status"] = CaseStatus(values["status"])
    return Case(**values)
