"""Tests for bot.core.parsing.birthdate: typed dates of birth in English and Italian."""

from __future__ import annotations

import time
from datetime import date

import pytest

from bot.core.parsing.birthdate import DateProblem, ParsedBirthDate, age_on, parse_birth_date

TODAY = date(2025, 6, 15)
APRIL_23 = date(2001, 4, 23)


@pytest.mark.parametrize(
    "text",
    [
        "2001-04-23",
        "2001/04/23",
        "2001.04.23",
        "2001-4-23",
        "23/04/2001",
        "23.04.2001",
        "23-04-2001",
        "23/4/2001",
        "23 / 04 / 2001",
        "23 04 2001",
        "23 April 2001",
        "April 23, 2001",
        "April 23 2001",
        "April 23rd, 2001",
        "Apr. 23, 2001",
        "23 Apr 2001",
        "23-Apr-2001",
        "23rd April 2001",
        "23rd of April 2001",
        "the 23rd of April, 2001",
        "23 aprile 2001",
        "23 Aprile 2001",
        "23 apr. 2001",
        "23 aprile del 2001",
        "il 23 aprile 2001",
        "  23 APRILE 2001  ",
        "\t2001-04-23\n",
        "23  april   2001",
        "２３/０４/２００１",
    ],
)
def test_formats_for_23_april_2001(text: str) -> None:
    assert parse_birth_date(text, TODAY) == ParsedBirthDate(APRIL_23, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1° maggio 1990", date(1990, 5, 1)),
        ("1º maggio 1990", date(1990, 5, 1)),
        ("1 mag 1990", date(1990, 5, 1)),
        ("1st May 1990", date(1990, 5, 1)),
        ("May 1, 1990", date(1990, 5, 1)),
        ("l'8 marzo 1985", date(1985, 3, 8)),
        ("04/05/2001", date(2001, 5, 4)),
        ("12/11/1999", date(1999, 11, 12)),
        ("2001-05-04", date(2001, 5, 4)),
    ],
)
def test_other_dates(text: str, expected: date) -> None:
    assert parse_birth_date(text, TODAY).value == expected


_MONTH_NAMES = [
    (1, ["january", "jan", "gennaio", "gen"]),
    (2, ["february", "feb", "febbraio"]),
    (3, ["march", "mar", "marzo"]),
    (4, ["april", "apr", "aprile"]),
    (5, ["may", "maggio", "mag"]),
    (6, ["june", "jun", "giugno", "giu"]),
    (7, ["july", "jul", "luglio", "lug"]),
    (8, ["august", "aug", "agosto", "ago"]),
    (9, ["september", "sep", "sept", "settembre", "set", "sett"]),
    (10, ["october", "oct", "ottobre", "ott"]),
    (11, ["november", "nov", "novembre"]),
    (12, ["december", "dec", "dicembre", "dic"]),
]


@pytest.mark.parametrize(
    ("name", "month"),
    [(name, month) for month, names in _MONTH_NAMES for name in names],
)
def test_month_names_and_abbreviations(name: str, month: int) -> None:
    expected = date(1995, month, 10)
    assert parse_birth_date(f"10 {name} 1995", TODAY).value == expected
    assert parse_birth_date(f"10 {name.upper()}. 1995", TODAY).value == expected
    assert parse_birth_date(f"{name.title()} 10, 1995", TODAY).value == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🎂",
        "yesterday",
        "ieri",
        "today",
        "oggi",
        "hello there",
        "23 blah 2001",
        "23 aprile",
        "April 2001",
        "2001",
        "23/04",
        "23042001",
        "23/04/2001 at noon",
        "-23/04/2001",
        "23/04/20011",
    ],
)
def test_not_a_date(text: str) -> None:
    assert parse_birth_date(text, TODAY) == ParsedBirthDate(None, DateProblem.NOT_A_DATE)


@pytest.mark.parametrize(
    "text",
    ["31/02/2000", "2001-13-01", "0/0/2000", "32/01/2000", "29/02/2001", "31 aprile 2001"],
)
def test_impossible(text: str) -> None:
    assert parse_birth_date(text, TODAY).problem is DateProblem.IMPOSSIBLE


@pytest.mark.parametrize("text", ["23/04/01", "23.4.99", "23 April 01", "April 23, 99"])
def test_two_digit_year(text: str) -> None:
    assert parse_birth_date(text, TODAY).problem is DateProblem.TWO_DIGIT_YEAR


@pytest.mark.parametrize("text", ["2090-01-01", "16/06/2025", "1 January 2026"])
def test_in_future(text: str) -> None:
    assert parse_birth_date(text, TODAY).problem is DateProblem.IN_FUTURE


def test_born_today_is_not_in_the_future() -> None:
    assert parse_birth_date("15/06/2025", TODAY).value == TODAY


def test_too_old() -> None:
    assert parse_birth_date("15/06/1904", TODAY).problem is DateProblem.TOO_OLD
    assert parse_birth_date("14/06/1905", TODAY).problem is DateProblem.TOO_OLD
    assert parse_birth_date("15/06/1905", TODAY).value == date(1905, 6, 15)
    assert parse_birth_date("1000-01-01", TODAY).problem is DateProblem.TOO_OLD


def test_too_long_is_rejected_fast() -> None:
    text = "1" * 5000
    started = time.perf_counter()
    result = parse_birth_date(text, TODAY)
    assert time.perf_counter() - started < 0.05
    assert result == ParsedBirthDate(None, DateProblem.TOO_LONG)
    assert parse_birth_date("23/04/2001" + " x" * 40, TODAY).problem is DateProblem.TOO_LONG


def test_surrounding_whitespace_does_not_count_towards_length() -> None:
    assert parse_birth_date(" " * 100 + "23/04/2001" + " " * 100, TODAY).value == APRIL_23


def test_problem_values_are_stable_keys() -> None:
    assert [p.value for p in DateProblem] == [
        "not_a_date",
        "too_long",
        "impossible",
        "two_digit_year",
        "in_future",
        "too_old",
    ]
    assert DateProblem.IN_FUTURE == "in_future"


def test_parsed_ok_flag() -> None:
    assert parse_birth_date("23/04/2001", TODAY).ok
    assert not parse_birth_date("nope", TODAY).ok


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("29/02/2000", date(2025, 6, 15), date(2000, 2, 29)),
        ("29 Feb 2004", date(2025, 6, 15), date(2004, 2, 29)),
        ("2024-02-29", date(2025, 6, 15), date(2024, 2, 29)),
    ],
)
def test_leap_day_on_leap_years(text: str, today: date, expected: date) -> None:
    assert parse_birth_date(text, today).value == expected


@pytest.mark.parametrize("text", ["29/02/2001", "29 febbraio 1900", "2023-02-29"])
def test_leap_day_on_non_leap_years(text: str) -> None:
    assert parse_birth_date(text, TODAY).problem is DateProblem.IMPOSSIBLE


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2007, 6, 15), date(2025, 6, 15), 18),
        (date(2007, 6, 16), date(2025, 6, 15), 17),
        (date(2007, 6, 14), date(2025, 6, 15), 18),
        (date(2007, 12, 31), date(2025, 1, 1), 17),
        (date(2025, 6, 15), date(2025, 6, 15), 0),
        (date(2004, 2, 29), date(2022, 2, 28), 17),
        (date(2004, 2, 29), date(2022, 3, 1), 18),
        (date(2004, 2, 29), date(2024, 2, 28), 19),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
        (date(1904, 6, 15), date(2025, 6, 15), 121),
    ],
)
def test_age_on(birth: date, today: date, age: int) -> None:
    assert age_on(birth, today) == age


def test_exactly_eighteen_today_vs_one_day_short() -> None:
    today = date(2025, 6, 15)
    eighteen = parse_birth_date("15/06/2007", today).value
    short = parse_birth_date("16/06/2007", today).value
    assert eighteen is not None and short is not None
    assert age_on(eighteen, today) == 18
    assert age_on(short, today) == 17


def test_age_on_rejects_birth_after_today() -> None:
    with pytest.raises(ValueError):
        age_on(date(2030, 1, 1), TODAY)


def test_too_old_cutoff_on_leap_day_today() -> None:
    today = date(2024, 2, 29)
    assert parse_birth_date("28/02/1904", today).problem is DateProblem.TOO_OLD
    assert parse_birth_date("29/02/1904", today).value == date(1904, 2, 29)
    today = date(2020, 2, 29)
    assert parse_birth_date("28/02/1900", today).value == date(1900, 2, 28)
    assert parse_birth_date("27/02/1900", today).problem is DateProblem.TOO_OLD
