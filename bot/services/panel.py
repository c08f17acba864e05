"""The staff home's live counts (`/panel`): who waits for approval, the open reports and alerts,
the pairs needing attention and the quiet ones, and this week's figures, over the programs a
staff member reaches. The lists the panel's buttons open count the same way: `awaiting` is the
/pending rule, `reaching_reports` the /reports rule, `attention` and `quiet` the health rule of
`bot.core.health` (needing attention: not on track; quiet: no message for the program's
`quiet_check_in`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.core.health import HealthBucket, health
from bot.core.models import Pair, PairStatus, Person, Report, Role
from bot.core.ports import UnitOfWork
from bot.core.programs import Program
from bot.core.staff import BANNED, REJECTED
from bot.messages.panel import PanelCounts

WEEK = timedelta(days=7)


async def awaiting(uow: UnitOfWork, people: Sequence[Person]) -> list[Person]:
    """Mentors who finished signing up and wait for approval (not turned down, not banned)."""
    flags = {(f.user_id, f.kind) for f in await uow.staff.flags(p.id for p in people)}
    return [
        p
        for p in people
        if p.role is Role.MENTOR
        and p.is_onboarded
        and p.approved_at is None
        and (p.id, REJECTED) not in flags
        and (p.id, BANNED) not in flags
    ]


async def reaching_reports(uow: UnitOfWork, reaches: Callable[[str | None], bool]) -> list[Report]:
    """Open reports whose program (the pair's, else the reporter's) the staff member reaches."""
    reports = await uow.safety.open_reports()
    pairs = {p.id: p for p in await uow.pairs.get_many({r.pair_id for r in reports if r.pair_id})}
    reporters = {p.id: p for p in await uow.persons.get_many({r.reporter_id for r in reports})}
    found = []
    for report in reports:
        pair = pairs.get(report.pair_id) if report.pair_id is not None else None
        reporter = reporters.get(report.reporter_id)
        if reaches(pair.program if pair else reporter.program if reporter else None):
            found.append(report)
    return found


async def live_pairs_by_health(
    uow: UnitOfWork, programs: Sequence[Program], now: datetime
) -> list[tuple[Pair, HealthBucket, bool]]:
    """The programs' pairs that have not ended, each with its health and whether it is quiet."""
    by_code = {p.code: p for p in programs}
    out = []
    for pair in await uow.staff.pairs_of(list(by_code)):
        if pair.status is PairStatus.ENDED:
            continue
        thresholds = by_code[pair.program].safety.health
        bucket = health(
            pair, await uow.safety.ratings(pair.id), pair.last_activity_at, now, thresholds
        )
        silent = now - (pair.last_activity_at or pair.started_at)
        out.append((pair, bucket, silent >= thresholds.quiet_check_in))
    return out


async def panel_counts(
    uow: UnitOfWork,
    programs: Sequence[Program],
    reaches: Callable[[str | None], bool],
    now: datetime,
) -> PanelCounts:
    """The staff home's counts over these programs, now."""
    codes = [p.code for p in programs]
    people = await uow.staff.people(codes)
    pairs = await live_pairs_by_health(uow, programs, now)
    steps = await uow.staff.sent_steps(codes)
    return PanelCounts(
        people=len(people),
        waiting=len(await awaiting(uow, people)),
        reports=len(await reaching_reports(uow, reaches)),
        attention=sum(1 for _, bucket, _ in pairs if bucket is not HealthBucket.ON_TRACK),
        quiet=sum(1 for _, _, quiet in pairs if quiet),
        joined_week=sum(1 for p in people if p.created_at > now - WEEK),
        delivered_week=sum(
            1
            for s in steps
            if s.role is Role.MENTEE and s.sent_at is not None and s.sent_at > now - WEEK
        ),
    )
