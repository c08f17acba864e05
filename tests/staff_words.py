"""What staff read must be names and words: a scanner for raw ids and stored codes in staff
outputs, used on every staff message and button of the staff handler tests
(`tests/handlers/staff/conftest.py`) and checked to catch a bad sample
(`tests/handlers/staff/test_staff_words.py`).

Flagged: a number after `#` or after the word "id" ("#123", "id 4567", "ID: 12"), a number in
parentheses after a word ("Mia (1501)"), any known Telegram user id or pair id of at least three
digits as a word, and the code of a stored value (the snake_case values and UPPER_CASE names of
the core's StrEnums: "on_track", "NEEDS_CHECK_IN"). Allowed: numbers people read as numbers
(steps, counts, dates, times, a rating "4/5"), and the numbered references staff type back
(a report's number in "Report #3", "Alert #3", "/reports resolve 3": safeguarding alerts are
resolved by their number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from bot.core import cases, curricula, health, models, staff

ENUMS: tuple[type[StrEnum], ...] = tuple(
    value
    for module in (models, staff, health, cases, curricula)
    for value in vars(module).values()
    if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
)
CODES = sorted(
    {m.value for e in ENUMS for m in e if "_" in m.value}
    | {m.name for e in ENUMS for m in e if "_" in m.name},
    key=len,
    reverse=True,
)
ALLOWED_REFERENCES = re.compile(
    r"(?:Report|Alert|alert|report|Segnalazione|Allerta|segnalazione|allerta)[^#\n]{0,20}#\d+"
)
RAW = [re.compile(r"#\d+"), re.compile(r"\bid\b:?\s*\d+", re.IGNORECASE)]


def problems(text: str, ids: Iterable[int] = (), names: Iterable[str] = ()) -> list[str]:
    """What in `text` is a raw id or a stored code (empty: it reads as words). `ids`: the
    Telegram user ids and database ids of the test's world; `names`: its people's names (a
    name followed by a number in parentheses is a name with its id; a number inside a name,
    "Person 1700", is the name)."""
    plain = ALLOWED_REFERENCES.sub("", re.sub(r"<[^>]+>", "", text))
    found = [m.group(0) for pattern in RAW for m in pattern.finditer(plain)]
    for name in sorted(set(names), key=len, reverse=True):
        found += re.findall(rf"{re.escape(name)} \(\d+\)", plain)
        plain = plain.replace(name, "")
    found += [
        str(i) for i in set(ids) if i >= 100 and re.search(rf"(?<![\w:./-]){i}(?![\w:./-])", plain)
    ]
    found += [code for code in CODES if re.search(rf"\b{re.escape(code)}\b", plain)]
    return found
