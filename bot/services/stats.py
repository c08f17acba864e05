"""Program figures for staff: the onboarding funnel, match rate, time to match, curriculum steps
completed per week and pair health buckets, computed from what is stored (never message
contents). `bot.services.stats_chart` draws them; `bot.handlers.staff.figures` shows them."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.health import HealthBucket, health
from bot.core.models import PairStatus, Role
from bot.core.ports import UnitOfWork
from bot.core.programs import Program

WEEKS = 8


@dataclass(frozen=True)
class Stats:
    """Figures for one or more programs."""

    joined: int
    onboarded: int
    mentees: int
    mentors: int
    mentors_approved: int
    mentees_matched: int
    days_to_match: tuple[float, ...]
    steps_per_week: tuple[tuple[str, int], ...]
    health: tuple[tuple[HealthBucket, int], ...]
    active_pairs: int
    paused_pairs: int
    ended_pairs: int

    @property
    def match_rate(self) -> float | None:
        """The share of onboarded mentees who have (or had) a mentor."""
        return self.mentees_matched / self.mentees if self.mentees else None

    @property
    def median_days_to_match(self) -> float | None:
        """Median days from finishing sign-up to the first match."""
        return statistics.median(self.days_to_match) if self.days_to_match else None


def week_label(at: datetime) -> str:
    """An ISO week, like 2026-W47."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


async def program_stats(uow: UnitOfWork, programs: Sequence[Program], now: datetime) -> Stats:
    """The figures of these programs, now."""
    codes = [p.code for p in programs]
    by_code = {p.code: p for p in programs}
    people = await uow.staff.people(codes)
    pairs = await uow.staff.pairs_of(codes)
    onboarded = [p for p in people if p.is_onboarded]
    mentees = {p.id: p for p in onboarded if p.role is Role.MENTEE}
    first_match: dict[int, datetime] = {}
    for pair in pairs:
        seen = first_match.get(pair.mentee_id)
        if seen is None or pair.started_at < seen:
            first_match[pair.mentee_id] = pair.started_at
    days = tuple(
        max(0.0, (at - mentees[m].onboarded_at).total_seconds() / 86400)  # type: ignore[operator]
        for m, at in first_match.items()
        if m in mentees
    )
    weeks = [week_label(now - timedelta(weeks=i)) for i in reversed(range(WEEKS))]
    counted = Counter(
        week_label(s.sent_at)
        for s in await uow.staff.sent_steps(codes)
        if s.role is Role.MENTEE and s.sent_at is not None
    )
    buckets: Counter[HealthBucket] = Counter()
    for pair in pairs:
        if pair.status is PairStatus.ENDED:
            continue
        ratings = await uow.safety.ratings(pair.id)
        thresholds = by_code[pair.program].safety.health
        buckets[health(pair, ratings, pair.last_activity_at, now, thresholds)] += 1
    status = Counter(p.status for p in pairs)
    return Stats(
        joined=len(people),
        onboarded=len(onboarded),
        mentees=len(mentees),
        mentors=sum(1 for p in onboarded if p.role is Role.MENTOR),
        mentors_approved=sum(
            1 for p in onboarded if p.role is Role.MENTOR and p.approved_at is not None
        ),
        mentees_matched=sum(1 for m in first_match if m in mentees),
        days_to_match=days,
        steps_per_week=tuple((w, counted.get(w, 0)) for w in weeks),
        health=tuple((b, buckets.get(b, 0)) for b in HealthBucket),
        active_pairs=status.get(PairStatus.ACTIVE, 0),
        paused_pairs=status.get(PairStatus.PAUSED, 0),
        ended_pairs=status.get(PairStatus.ENDED, 0),
    )
