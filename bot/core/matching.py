"""Who fits whom: the compatibility score between a mentee and a mentor, and the ranking of a
mentee's candidates. Pure functions on plain profiles (DESIGN.md, Matching): no I/O, no clock.

Hard constraints (a pair that fails one is not a candidate at all): the same program, at least
one common language, a mentor who is eligible (approved and trained as the program requires,
decided by the caller) and has a free place (capacity minus active pairs).

The score of a compatible pair is out of 100 and is what staff see as "score":

| part         | weight | measures                                                             |
|--------------|-------:|----------------------------------------------------------------------|
| goals        |     44 | share of the mentee's goals the mentor also ticked                   |
| interests    |     20 | share of the mentee's interests the mentor also ticked               |
| experiences  |     15 | share of the mentee's experiences the mentor also ticked             |
| time zone    |     15 | 1 up to 2 h apart, falling linearly to 0 at 8 h apart (on a 24 h dial) |
| free places  |      5 | free / (free + 1): 1 free place gives 2.5, 3 give 3.75, never 5      |
| floor        |      1 | so every compatible pair scores above 0                              |

Shares are relative to the mentee's choices (|mentee ∩ mentor| / |mentee|, 0 when the mentee
ticked none), so a mentor who ticks everything is not penalised, and not favoured beyond a full
overlap either.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.models import Person, Role

FLOOR = 1.0
W_GOALS = 44.0
W_INTERESTS = 20.0
W_EXPERIENCES = 15.0
W_TIME_ZONE = 15.0
W_CAPACITY = 5.0
TZ_NEAR_HOURS = 2.0  # this close or closer: full time-zone points
TZ_FAR_HOURS = 8.0  # this far or farther: no time-zone points
DAY_HOURS = 24.0


@dataclass(frozen=True, kw_only=True)
class Profile:
    """What matching needs to know about one person. Option ids are sets; the UTC offset is
    taken at a reference instant by the caller (see `utc_offset`). `free_capacity` and
    `eligible` only matter for mentors."""

    id: int
    program: str
    goals: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    experiences: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    utc_offset_hours: float = 0.0
    free_capacity: int = 0
    eligible: bool = True


def utc_offset(zone: str | None, at: datetime) -> float:
    """The zone's offset from UTC in hours at the instant `at` (a naive `at` is taken as UTC).
    A missing or unknown zone counts as UTC."""
    try:
        tz = ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    instant = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    offset = instant.astimezone(tz).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def free_places(capacity: int | None, active_pairs: int) -> int:
    """How many more mentees a mentor can take: the capacity they offered (none: 0) minus the
    pairs of theirs that have not ended; never below 0. The one capacity rule (matching, staff
    /pair and /match, a mentor's acceptance)."""
    return max(0, (capacity or 0) - active_pairs)


def profile_of(
    person: Person, *, at: datetime, active_pairs: int = 0, eligible: bool = True
) -> Profile:
    """A person's matching profile. For a mentor, `active_pairs` is subtracted from the capacity
    and `eligible` says whether the program's approval and training are satisfied. A person who
    blocked the bot or has not finished onboarding is never eligible."""
    free = free_places(person.capacity, active_pairs) if person.role is Role.MENTOR else 0
    return Profile(
        id=person.id,
        program=person.program or "",
        goals=frozenset(person.goals),
        interests=frozenset(person.interests),
        experiences=frozenset(person.experiences),
        languages=frozenset(person.languages),
        utc_offset_hours=utc_offset(person.time_zone, at),
        free_capacity=free,
        eligible=eligible and person.is_onboarded and not person.blocked_bot,
    )


def compatible(mentee: Profile, mentor: Profile) -> bool:
    """True when the pair passes every hard constraint."""
    return (
        bool(mentee.program)
        and mentee.program == mentor.program
        and mentor.eligible
        and mentor.free_capacity > 0
        and not mentee.languages.isdisjoint(mentor.languages)
    )


def overlap(mentee_choices: frozenset[str], mentor_choices: frozenset[str]) -> float:
    """The share of the mentee's choices the mentor shares (0 when the mentee chose none)."""
    if not mentee_choices:
        return 0.0
    return len(mentee_choices & mentor_choices) / len(mentee_choices)


def hours_apart(a: float, b: float) -> float:
    """Distance between two UTC offsets on a 24-hour dial (UTC+13 and UTC-11 are 0 h apart)."""
    d = abs(a - b) % DAY_HOURS
    return min(d, DAY_HOURS - d)


def time_zone_closeness(hours: float) -> float:
    """1 up to TZ_NEAR_HOURS apart, 0 from TZ_FAR_HOURS apart, linear in between."""
    if hours <= TZ_NEAR_HOURS:
        return 1.0
    if hours >= TZ_FAR_HOURS:
        return 0.0
    return (TZ_FAR_HOURS - hours) / (TZ_FAR_HOURS - TZ_NEAR_HOURS)


def capacity_share(free: int) -> float:
    """free / (free + 1): more free places, a little more, never reaching 1."""
    return free / (free + 1)


def score(mentee: Profile, mentor: Profile) -> float | None:
    """The pair's compatibility score in (0, 100), or None when a hard constraint fails.
    The weights are in the module docstring."""
    if not compatible(mentee, mentor):
        return None
    tz = time_zone_closeness(hours_apart(mentee.utc_offset_hours, mentor.utc_offset_hours))
    return (
        FLOOR
        + W_GOALS * overlap(mentee.goals, mentor.goals)
        + W_INTERESTS * overlap(mentee.interests, mentor.interests)
        + W_EXPERIENCES * overlap(mentee.experiences, mentor.experiences)
        + W_TIME_ZONE * tz
        + W_CAPACITY * capacity_share(mentor.free_capacity)
    )


def rank(
    mentee: Profile, mentors: Iterable[Profile], *, exclude: Collection[int] = ()
) -> list[tuple[Profile, float]]:
    """The compatible mentors, best score first (ties by mentor id), leaving out `exclude`
    (mentors who already declined this mentee or let the proposal time out)."""
    skip = frozenset(exclude)
    scored: list[tuple[Profile, float]] = []
    for mentor in mentors:
        if mentor.id in skip:
            continue
        value = score(mentee, mentor)
        if value is not None:
            scored.append((mentor, value))
    scored.sort(key=lambda item: (-item[1], item[0].id))
    return scored
