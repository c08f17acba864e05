"""Tests for bot.core.parsing.hours: hours of the day typed in English or Italian."""

from __future__ import annotations

import pytest

from bot.core.parsing.hours import TimeOfDay, nearest_hour, parse_hour, parse_time


@pytest.mark.parametrize(
    ("text", "hour"),
    [
        ("18", 18),
        ("18:00", 18),
        ("18.00", 18),
        ("18h", 18),
        ("18h00", 18),
        ("18 h", 18),
        ("ore 18", 18),
        ("alle 18", 18),
        ("alle ore 18", 18),
        ("h18", 18),
        ("6pm", 18),
        ("6 PM", 18),
        ("6 p.m.", 18),
        ("6:00pm", 18),
        ("at 6pm", 18),
        ("7am", 7),
        ("7 a.m.", 7),
        ("12am", 0),
        ("12pm", 12),
        ("0", 0),
        ("00:00", 0),
        ("9", 9),
        ("09", 9),
        ("23", 23),
        ("  18  ", 18),
        ("noon", 12),
        ("mezzanotte", 0),
        ("١٨", 18),
    ],
)
def test_parse_hour(text: str, hour: int) -> None:
    assert parse_hour(text) == hour


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24",
        "25",
        "-1",
        "13pm",
        "0am",
        "18:30",
        "18:60",
        "100",
        "six",
        "🎂",
        "18 19",
        "1" * 5000,
        "tomorrow",
    ],
)
def test_parse_hour_rejects(text: str) -> None:
    assert parse_hour(text) is None


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("21:30", (21, 30)),
        ("9pm", (21, 0)),
        ("9 pm", (21, 0)),
        ("9 PM", (21, 0)),
        ("9p.m.", (21, 0)),
        ("21", (21, 0)),
        ("9.30", (9, 30)),
        ("21.30", (21, 30)),
        ("21h30", (21, 30)),
        ("21 h 30", (21, 30)),
        ("9:30pm", (21, 30)),
        ("9.30 pm", (21, 30)),
        ("alle 21:30", (21, 30)),
        ("ore 9.15", (9, 15)),
        ("12am", (0, 0)),
        ("12:30 am", (0, 30)),
        ("12pm", (12, 0)),
        ("12:45pm", (12, 45)),
        ("1am", (1, 0)),
        ("11:59 pm", (23, 59)),
        ("0:05", (0, 5)),
        ("00:00", (0, 0)),
        ("23:59", (23, 59)),
        ("noon", (12, 0)),
        ("mezzanotte", (0, 0)),
        ("٢١:٣٠", (21, 30)),
    ],
)
def test_parse_time(text: str, time: tuple[int, int]) -> None:
    assert parse_time(text) == TimeOfDay(*time)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24:00",
        "21:60",
        "21:5",
        "0am",
        "0pm",
        "13pm",
        "12:60pm",
        "9 30",
        "930",
        "nine",
        "21:30:00",
        "-9pm",
    ],
)
def test_parse_time_rejects(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("time", "hour"),
    [((21, 0), 21), ((21, 29), 21), ((21, 30), 22), ((23, 30), 0), ((0, 10), 0)],
)
def test_nearest_hour(time: tuple[int, int], hour: int) -> None:
    assert nearest_hour(TimeOfDay(*time)) == hour
    assert str(TimeOfDay(*time)) == f"{time[0]:02d}:{time[1]:02d}"
