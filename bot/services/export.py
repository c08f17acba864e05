"""The /export file: one CSV row per pair with its people, status, health and progress.

Only ids, display names, dates and counts: never what people wrote to each other. Cells that a
spreadsheet would run as a formula (starting with = + - @) are quoted with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.core.health import health
from bot.core.models import Role, StepStatus
from bot.core.ports import UnitOfWork
from bot.core.programs import Program

COLUMNS = (
    "pair_id",
    "program",
    "status",
    "health",
    "mentee_id",
    "mentee_name",
    "mentor_id",
    "mentor_name",
    "started_at",
    "ended_at",
    "last_activity_at",
    "steps_sent",
    "steps_total",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


async def pairs_csv(uow: UnitOfWork, programs: Sequence[Program], now: datetime) -> bytes:
    """The CSV (UTF-8, with a header row) of every pair of these programs."""
    by_code = {p.code: p for p in programs}
    pairs = await uow.staff.pairs_of(list(by_code))
    ids = {i for p in pairs for i in (p.mentee_id, p.mentor_id)}
    names = {p.id: p.display_name for p in await uow.persons.get_many(ids)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for pair in pairs:
        rows = [r for r in await uow.schedule.of_pair(pair.id) if r.role is Role.MENTEE]
        bucket = health(
            pair,
            await uow.safety.ratings(pair.id),
            pair.last_activity_at,
            now,
            by_code[pair.program].safety.health,
        )
        values = (
            pair.id,
            pair.program,
            pair.status.value,
            bucket.value,
            pair.mentee_id,
            names.get(pair.mentee_id),
            pair.mentor_id,
            names.get(pair.mentor_id),
            pair.started_at,
            pair.ended_at,
            pair.last_activity_at,
            sum(1 for r in rows if r.status is StepStatus.SENT),
            len(rows),
        )
        writer.writerow([_cell(v) for v in values])
    return out.getvalue().encode("utf-8")
