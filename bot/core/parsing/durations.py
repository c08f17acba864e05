"""Parse durations: a curriculum's cadence ("7d") and a setting's duration ("30d", "1.5h", "45").

Two spellings on purpose: a cadence is a whole number and a unit, so a curriculum reads the
same everywhere; a setting also takes a fraction or a plain number of seconds.
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["parse_cadence", "parse_duration"]

_DURATION = re.compile(r"^(\d+)(d|h|m|s)$")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_cadence(text: str) -> timedelta:
    """ "7d", "12h", "90m", "30s" → timedelta; ValueError with a hint otherwise."""
    match = _DURATION.match(str(text).strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(
            f"{text!r} is not a duration: write a whole number and a unit, "
            "like 7d, 1d, 12h, 90m or 30s"
        )
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def parse_duration(text: str) -> timedelta:
    """Parse "30d", "12h", "90m", "45s" (or a number of seconds) into a timedelta."""
    text = text.strip().lower()
    try:
        unit = _UNITS.get(text[-1:], 0)
        seconds = float(text[:-1]) * unit if unit else float(text)
    except ValueError:
        raise ValueError("must be a duration such as 30d, 12h, 90m or 45s") from None
    if seconds <= 0:
        raise ValueError("must be a positive duration")
    return timedelta(seconds=seconds)
