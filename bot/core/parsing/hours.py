"""Parse a time of day typed by a person in English or Italian: "21:30", "9pm", "9 pm", "21",
"9.30", "21h30", "alle 18", "noon" (`parse_time`), or a whole hour only (`parse_hour`).

12-hour times follow the usual convention: 12 am is midnight (00:00), 12 pm is noon, 12:30 am
is 00:30; "0 am" and "13 pm" are not times.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.core.parsing.folding import ascii_digits, fold

__all__ = ["TimeOfDay", "nearest_hour", "parse_hour", "parse_time"]

_HOUR_PREFIX = r"(?:(?:alle|at|around|verso)\s+)?(?:(?:ore|h)\s*)?"
_HOUR_MERIDIEM = re.compile(
    _HOUR_PREFIX + r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*([ap])\.?\s*m\.?", re.ASCII
)
_HOUR_24 = re.compile(_HOUR_PREFIX + r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*h?", re.ASCII)
_HOUR_WORDS = {"noon": 12, "midday": 12, "mezzogiorno": 12, "midnight": 0, "mezzanotte": 0}
_MAX_HOUR_INPUT = 32


class TimeOfDay(NamedTuple):
    """A time of day, 00:00 to 23:59."""

    hour: int
    minute: int = 0

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def parse_time(text: str) -> TimeOfDay | None:
    """A time of day typed as "21:30", "21.30", "21h30", "21", "9pm", "9 pm", "9:30 p.m.",
    "ore 21", "alle 9.30", "noon", "mezzanotte"…; None for anything else."""
    stripped = text.strip()
    if not stripped or len(stripped) > _MAX_HOUR_INPUT:
        return None
    folded = fold(ascii_digits(stripped))
    if folded in _HOUR_WORDS:
        return TimeOfDay(_HOUR_WORDS[folded])
    if match := _HOUR_MERIDIEM.fullmatch(folded):
        hour_text, minutes, meridiem = match.groups()
        hour, minute = int(hour_text), int(minutes or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return TimeOfDay(hour % 12 + (12 if meridiem == "p" else 0), minute)
    if match := _HOUR_24.fullmatch(folded):
        hour_text, minutes = match.groups()
        hour, minute = int(hour_text), int(minutes or 0)
        if not 0 <= hour <= 23 or minute > 59:
            return None
        return TimeOfDay(hour, minute)
    return None


def parse_hour(text: str) -> int | None:
    """A whole hour of the day ("18", "18:00", "6pm", "ore 18", "18h") as 0-23, else None
    (a time with minutes, "18:30", is not a whole hour)."""
    found = parse_time(text)
    return found.hour if found is not None and found.minute == 0 else None


def nearest_hour(time: TimeOfDay) -> int:
    """The whole hour nearest to `time` (half past goes up; 23:30 → 0)."""
    return (time.hour + (1 if time.minute >= 30 else 0)) % 24
