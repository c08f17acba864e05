"""Program figures for staff, computed from what is stored (never message contents).

`program_stats`: the summary's figures now (who joined and signed up, match rate, time to match,
pairs by status and health). `program_figures`: the charts' figures over a `Period` (30 days,
90 days, all time): people who joined in it by the stage they are at now, and per day or week
the pairs by health at its end (from the ratings and the relayed messages' times known then),
the steps delivered to mentees and the check-ins they answered. `bot.services.stats_chart` draws
them, `bot.services.export.figures_csv` writes them, `bot.handlers.staff.figures` shows them."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.health import HealthBucket, health
from bot.core.models import Pair, PairStatus, Person, Role
from bot.core.ports import UnitOfWork
from bot.core.programs import Program, ProgramCatalog
from bot.core.staff import BANNED, REJECTED


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
        health=tuple((b, buckets.get(b, 0)) for b in HealthBucket),
        active_pairs=status.get(PairStatus.ACTIVE, 0),
        paused_pairs=status.get(PairStatus.PAUSED, 0),
        ended_pairs=status.get(PairStatus.ENDED, 0),
    )


class Period(StrEnum):
    """The span a staff member asks figures for (the /stats buttons)."""

    DAYS_30 = "30"
    DAYS_90 = "90"
    ALL = "all"

    @classmethod
    def read(cls, word: str | None) -> Period | None:
        """The period a button's word names (None when it names none)."""
        return next((p for p in cls if p.value == word), None)


class Stage(StrEnum):
    """Where a person stands now, for the people-by-stage chart (one stage each)."""

    SIGNING_UP = "signing_up"  # opened the program's link, sign-up not finished
    IN_TRAINING = "in_training"  # a mentor whose volunteer training is not passed yet
    WAITING_APPROVAL = "waiting_approval"  # a trained mentor staff have not approved yet
    READY = "ready"  # a mentor who may take a mentee, without one now
    WAITING_MENTOR = "waiting_mentor"  # a mentee without a mentor now
    PAIRED = "paired"  # in an active or paused pair
    STOPPED = "stopped"  # turned down or banned


@dataclass(frozen=True)
class Figures:
    """The /stats charts' figures over a period: people by stage (of those who joined in the
    period), and per time bin (`bins`: each bin's start; the last ends at `end`) the pairs by
    health at the bin's end, the steps delivered to mentees and the check-ins answered."""

    period: Period
    start: datetime
    end: datetime
    stages: tuple[tuple[Stage, int], ...]
    bins: tuple[datetime, ...]
    health: tuple[tuple[int, int, int], ...]  # on track, needs check-in, at risk, per bin
    delivered: tuple[int, ...]
    answered: tuple[int, ...]

    @property
    def people(self) -> int:
        """How many people the stages count."""
        return sum(n for _, n in self.stages)


def time_bins(period: Period, now: datetime, first: datetime) -> tuple[list[datetime], datetime]:
    """The bins' starts and the last bin's end: days over 30 days, weeks over 90 days, and
    over all time weeks (or several weeks each, for at most 26 bins) since the first record.
    Bins end at the next midnight (UTC), so each day or week reads as whole dates."""
    end = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
    if period is Period.DAYS_30:
        width, count = timedelta(days=1), 30
    elif period is Period.DAYS_90:
        width, count = timedelta(weeks=1), 13
    else:
        weeks = max(1, -(-(end - first).days // 7))
        width = timedelta(weeks=max(1, -(-weeks // 26)))
        count = max(1, -(-(end - first) // width))
    return [end - width * (count - i) for i in range(count)], end


def person_stage(
    person: Person, flags: set[str], paired: bool, program: Program, trained_needed: bool
) -> Stage:
    """Where a person stands now (see `Stage`)."""
    if REJECTED in flags or BANNED in flags:
        return Stage.STOPPED
    if not person.is_onboarded:
        return Stage.SIGNING_UP
    if paired:
        return Stage.PAIRED
    if person.role is Role.MENTEE:
        return Stage.WAITING_MENTOR
    if trained_needed and person.training_passed_at is None:
        return Stage.IN_TRAINING
    if program.mentor_approval and person.approved_at is None:
        return Stage.WAITING_APPROVAL
    return Stage.READY


async def _stages(
    uow: UnitOfWork, catalog: ProgramCatalog, people: Sequence[Person], pairs: Sequence[Pair]
) -> tuple[tuple[Stage, int], ...]:
    flags: dict[int, set[str]] = {}
    for flag in await uow.staff.flags(p.id for p in people):
        flags.setdefault(flag.user_id, set()).add(flag.kind)
    paired = {
        i for p in pairs if p.status is not PairStatus.ENDED for i in (p.mentee_id, p.mentor_id)
    }
    counted: Counter[Stage] = Counter()
    for person in people:
        program = catalog.get(person.program)
        if program is None:
            continue
        needs = catalog.training_of(program) is not None
        counted[
            person_stage(person, flags.get(person.id, set()), person.id in paired, program, needs)
        ] += 1
    return tuple((s, counted.get(s, 0)) for s in Stage)


async def _activity(uow: UnitOfWork, pair: Pair) -> list[datetime]:
    """When the pair talked, as far as the kept relay links tell (and its latest activity)."""
    times = [link.created_at for link in await uow.relay.recent(pair.id, 1000)]
    return sorted([*times, *([pair.last_activity_at] if pair.last_activity_at else [])])


async def _health_at(
    uow: UnitOfWork,
    pairs: Sequence[Pair],
    programs: Mapping[str, Program],
    moments: Sequence[datetime],
    now: datetime,
) -> list[tuple[int, int, int]]:
    """Per moment, the pairs alive then by health bucket (on track, needs check-in, at risk),
    from the ratings and the activity known up to that moment."""
    out = [[0, 0, 0] for _ in moments]
    order = list(HealthBucket)
    for pair in pairs:
        ratings = await uow.safety.ratings(pair.id)
        activity = await _activity(uow, pair)
        for index, moment in enumerate(moments):
            at = min(moment, now)
            if pair.started_at > at or (pair.ended_at is not None and pair.ended_at <= at):
                continue
            then = pair if at >= now else replace(pair, status=PairStatus.ACTIVE)
            last = max((t for t in activity if t <= at), default=None)
            known = [r for r in ratings if r.at <= at]
            bucket = health(then, known, last, at, programs[pair.program].safety.health)
            out[index][order.index(bucket)] += 1
    return [(a, b, c) for a, b, c in out]


def _per_bin(
    moments: Sequence[datetime], bins: Sequence[datetime], end: datetime
) -> tuple[int, ...]:
    counts = [0] * len(bins)
    edges = [*bins[1:], end]
    for moment in moments:
        if bins and bins[0] <= moment < end:
            counts[next(i for i, edge in enumerate(edges) if moment < edge)] += 1
    return tuple(counts)


async def program_figures(
    uow: UnitOfWork,
    catalog: ProgramCatalog,
    programs: Sequence[Program],
    period: Period,
    now: datetime,
) -> Figures:
    """The figures of these programs over `period`, now."""
    codes = [p.code for p in programs]
    everyone = await uow.staff.people(codes)
    pairs = await uow.staff.pairs_of(codes)
    first = min((p.created_at for p in everyone), default=now)
    bins, end = time_bins(period, now, first)
    start = bins[0]  # over all time, at or before the first person's arrival
    joined = [p for p in everyone if p.created_at >= start]
    steps = await uow.staff.sent_steps(codes)
    delivered = [s.sent_at for s in steps if s.role is Role.MENTEE and s.sent_at is not None]
    answers = [
        a.answered_at
        for pair in pairs
        for a in await uow.checkins.of_pair(pair.id)
        if a.person_id == pair.mentee_id
    ]
    edges = [*bins[1:], end]
    return Figures(
        period=period,
        start=start,
        end=end,
        stages=await _stages(uow, catalog, joined, pairs),
        bins=tuple(bins),
        health=tuple(await _health_at(uow, pairs, {p.code: p for p in programs}, edges, now)),
        delivered=_per_bin(delivered, bins, end),
        answered=_per_bin(answers, bins, end),
    )
