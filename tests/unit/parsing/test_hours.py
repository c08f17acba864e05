"""Tests for bot.core.parsing.hours: hours of the day typed in English or Italian."""

from __future__ import annotations

import pytest

from bot.core.parsing.hours import parse_hour


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
