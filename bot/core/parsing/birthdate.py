"""Parse a date of birth typed by a person, in English or Italian.

Numeric dates are read day-first (European order) unless they start with a four-digit
year (ISO order). Month names and abbreviations are understood in English and Italian.
Two-digit years are refused because they are ambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "MAX_INPUT_LENGTH",
    "MAX_AGE_YEARS",
    "DateProblem",
    "ParsedBirthDate",
    "age_on",
    "parse_birth_date",
]

MAX_INPUT_LENGTH = 64
MAX_AGE_YEARS = 120


class DateProblem(StrEnum):
    """Why a typed date of birth was not accepted; values are stable i18n hint keys."""

    NOT_A_DATE = "not_a_date"
    TOO_LONG = "too_long"
    IMPOSSIBLE = "impossible"
    TWO_DIGIT_YEAR = "two_digit_year"
    IN_FUTURE = "in_future"
    TOO_OLD = "too_old"


@dataclass(frozen=True)
class ParsedBirthDate:
    """Outcome of parsing: exactly one of ``value`` and ``problem`` is set."""

    value: date | None
    problem: DateProblem | None

    @property
    def ok(self) -> bool:
        """Return True when a usable date was parsed."""
        return self.value is not None


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan", "gennaio", "gen"),
        ("february", "feb", "febbraio"),
        ("march", "mar", "marzo"),
        ("april", "apr", "aprile"),
        ("may", "maggio", "mag"),
        ("june", "jun", "giugno", "giu"),
        ("july", "jul", "luglio", "lug"),
        ("august", "aug", "agosto", "ago"),
        ("september", "sep", "sept", "settembre", "set", "sett"),
        ("october", "oct", "ottobre", "ott"),
        ("november", "nov", "novembre"),
        ("december", "dec", "dicembre", "dic"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_SEP = r"\s*[-/.]\s*|\s+"
_NUM_YEAR_FIRST = re.compile(rf"(\d{{4}})(?:{_SEP})(\d{{1,2}})(?:{_SEP})(\d{{1,2}})", re.ASCII)
_NUM_DAY_FIRST = re.compile(rf"(\d{{1,2}})(?:{_SEP})(\d{{1,2}})(?:{_SEP})(\d{{2,4}})", re.ASCII)
_ORDINAL = r"(?:st|nd|rd|th|°)?"
_WORD_SEP = r"[\s,./-]*"
_TEXT_DAY_FIRST = re.compile(
    rf"(\d{{1,2}}){_ORDINAL}{_WORD_SEP}(?:(?:of|di)\s+)?([a-z]+){_WORD_SEP}"
    rf"(?:(?:del|of)\s+)?(\d{{2,4}})",
    re.ASCII,
)
_TEXT_MONTH_FIRST = re.compile(
    rf"([a-z]+){_WORD_SEP}(\d{{1,2}})(?!\d){_ORDINAL}{_WORD_SEP}(\d{{2,4}})",
    re.ASCII,
)
_LEADING_WORD = re.compile(r"(?:(?:the|on|il)\s+|l')(?=\w)", re.ASCII)


def _normalise(text: str) -> str:
    """Lower-case, unify digits and ordinal marks, and collapse whitespace."""
    chars: list[str] = []
    for char in text:
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            chars.append(str(digit))
        elif char in "°º˚":
            chars.append("°")
        else:
            chars.append(char)
    folded = unicodedata.normalize("NFKC", "".join(chars)).casefold()
    folded = folded.replace("\u2019", "'")
    return " ".join(folded.split())


def _build(year_text: str, month: int, day: int) -> ParsedBirthDate | date:
    """Turn validated pieces into a date, or report the problem with them."""
    if len(year_text) == 2:
        return ParsedBirthDate(None, DateProblem.TWO_DIGIT_YEAR)
    if len(year_text) != 4:
        return ParsedBirthDate(None, DateProblem.IMPOSSIBLE)
    try:
        return date(int(year_text), month, day)
    except ValueError:
        return ParsedBirthDate(None, DateProblem.IMPOSSIBLE)


def _parse_shape(text: str) -> ParsedBirthDate | date:
    """Match the normalised text against the supported shapes."""
    if match := _NUM_YEAR_FIRST.fullmatch(text):
        year, month, day = match.groups()
        return _build(year, int(month), int(day))
    if match := _NUM_DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
        return _build(year, int(month), int(day))
    if match := _TEXT_DAY_FIRST.fullmatch(text):
        day, month_name, year = match.groups()
        if month_name in _MONTHS:
            return _build(year, _MONTHS[month_name], int(day))
    if match := _TEXT_MONTH_FIRST.fullmatch(text):
        month_name, day, year = match.groups()
        if month_name in _MONTHS:
            return _build(year, _MONTHS[month_name], int(day))
    return ParsedBirthDate(None, DateProblem.NOT_A_DATE)


def _years_before(today: date, years: int) -> date:
    """Return the same calendar day ``years`` earlier (29 Feb falls back to 28 Feb)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def parse_birth_date(text: str, today: date) -> ParsedBirthDate:
    """Parse a typed date of birth and check it is plausible relative to ``today``."""
    stripped = text.strip()
    if len(stripped) > MAX_INPUT_LENGTH:
        return ParsedBirthDate(None, DateProblem.TOO_LONG)
    normalised = _normalise(stripped)
    if article := _LEADING_WORD.match(normalised):
        normalised = normalised[article.end() :]
    outcome = _parse_shape(normalised)
    if isinstance(outcome, ParsedBirthDate):
        return outcome
    if outcome > today:
        return ParsedBirthDate(None, DateProblem.IN_FUTURE)
    if outcome < _years_before(today, MAX_AGE_YEARS):
        return ParsedBirthDate(None, DateProblem.TOO_OLD)
    return ParsedBirthDate(outcome, None)


def age_on(birth: date, today: date) -> int:
    """Return completed years of age on ``today`` (29 Feb birthdays count from 1 Mar)."""
    if birth > today:
        raise ValueError("birth date is after today")
    years = today.year - birth.year
    if (today.month, today.day) < (birth.month, birth.day):
        years -= 1
    return years
