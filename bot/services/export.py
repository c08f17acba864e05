"""The /export files: one CSV row per pair with its people, status, health and progress
(`pairs_csv`), and the /stats charts' figures over a period (`figures_csv`).

Only ids, display names, dates and counts: never what people wrote to each other. Cells that a
spreadsheet would run as a formula (starting with = + - @) are quoted with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.core.health import HealthBucket, health
from bot.core.models import Role, StepStatus
from bot.core.ports import UnitOfWork
from bot.core.programs import Program
from bot.services.stats import Figures
from bot.services.stats_chart import ChartLabels

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


FIGURE_COLUMNS = ("programs", "period", "figure", "label", "from", "to", "value")


def figures_csv(figures: Figures, programs: Sequence[Program], labels: ChartLabels) -> bytes:
    """The /stats charts' figures as a CSV (UTF-8, a header row): one row per stage (people
    who joined in the period, where they are now), then per time bin the pairs of each health
    bucket, the steps delivered to mentees and the check-ins answered. `figure` is a stable
    key, `label` its words in the reader's language; dates are ISO days (`to` excluded)."""
    names = ", ".join(p.name.get(labels.language) for p in programs)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIGURE_COLUMNS)

    def row(figure: str, label: str, start: datetime, end: datetime, value: int) -> None:
        cells = (names, figures.period.value, figure, label, start.date(), end.date(), value)
        writer.writerow([_cell(c) for c in cells])

    for (stage, count), words in zip(figures.stages, labels.stages, strict=True):
        row(f"people_{stage.value}", words, figures.start, figures.end, count)
    edges = [*figures.bins[1:], figures.end]
    for index, (start, end) in enumerate(zip(figures.bins, edges, strict=True)):
        for bucket, words, count in zip(
            HealthBucket, labels.buckets, figures.health[index], strict=True
        ):
            row(f"pairs_{bucket.value}", words, start, end, count)
        row("steps_delivered", labels.delivered, start, end, figures.delivered[index])
        row("checkins_answered", labels.answered, start, end, figures.answered[index])
    return out.getvalue().encode("utf-8")
