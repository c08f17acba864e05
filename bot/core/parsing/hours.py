"""Parse an hour of the day typed by a person in English or Italian ("18", "6pm", "alle 18")."""

from __future__ import annotations

import re

from bot.core.parsing.folding import ascii_digits, fold

__all__ = ["parse_hour"]

_HOUR_PREFIX = r"(?:(?:alle|at|around|verso)\s+)?(?:(?:ore|h)\s*)?"
_HOUR_MERIDIEM = re.compile(
    _HOUR_PREFIX + r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?\s*m\.?", re.ASCII
)
_HOUR_24 = re.compile(_HOUR_PREFIX + r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*h?", re.ASCII)
_HOUR_WORDS = {"noon": 12, "midday": 12, "mezzogiorno": 12, "midnight": 0, "mezzanotte": 0}
_MAX_HOUR_INPUT = 32


def parse_hour(text: str) -> int | None:
    """Parse an hour of the day ("18", "18:00", "6pm", "ore 18", "18h") to 0-23, else None."""
    stripped = text.strip()
    if not stripped or len(stripped) > _MAX_HOUR_INPUT:
        return None
    folded = fold(ascii_digits(stripped))
    if folded in _HOUR_WORDS:
        return _HOUR_WORDS[folded]
    if match := _HOUR_MERIDIEM.fullmatch(folded):
        hour_text, minutes, meridiem = match.groups()
        hour = int(hour_text)
        if (minutes is not None and int(minutes) != 0) or not 1 <= hour <= 12:
            return None
        return hour % 12 + (12 if meridiem == "p" else 0)
    if match := _HOUR_24.fullmatch(folded):
        hour_text, minutes = match.groups()
        hour = int(hour_text)
        if (minutes is not None and int(minutes) != 0) or not 0 <= hour <= 23:
            return None
        return hour
    return None
