"""Tests for bot.core.parsing.durations: cadences such as "7d" in curricula and programs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.parsing.durations import parse_cadence, parse_duration


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("7d", timedelta(days=7)),
        ("1d", timedelta(days=1)),
        ("12h", timedelta(hours=12)),
        ("90m", timedelta(minutes=90)),
        ("30s", timedelta(seconds=30)),
        (" 7d ", timedelta(days=7)),
    ],
)
def test_parse_cadence(text: str, duration: timedelta) -> None:
    assert parse_cadence(text) == duration


@pytest.mark.parametrize("text", ["", "0d", "7", "d", "7 d", "7w", "-1d", "1.5h", "seven days"])
def test_parse_cadence_rejects_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match="like 7d, 1d, 12h, 90m or 30s"):
        parse_cadence(text)


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("30d", timedelta(days=30)),
        ("1.5h", timedelta(minutes=90)),
        ("90M", timedelta(minutes=90)),
        ("45", timedelta(seconds=45)),
        (" 2s ", timedelta(seconds=2)),
    ],
)
def test_parse_duration_of_a_setting(text: str, duration: timedelta) -> None:
    assert parse_duration(text) == duration


@pytest.mark.parametrize(
    ("text", "hint"),
    [("", "such as 30d"), ("soon", "such as 30d"), ("0d", "positive"), ("-5", "positive")],
)
def test_parse_duration_of_a_setting_rejects(text: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        parse_duration(text)
