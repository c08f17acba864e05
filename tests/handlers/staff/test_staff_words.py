"""The scanner every staff handler test runs (`conftest.py`) catches raw ids and stored codes,
and lets words, counts, dates and report numbers through."""

from __future__ import annotations

import pytest

from tests.staff_words import problems

IDS = {1501, 1502, 12}
NAMES = {"Mia", "Ned", "Person 1700"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mia (1501) is approved", ["Mia (1501)", "1501"]),
        ("Pair #12 is paused", ["#12"]),
        ("Sent to id 4567", ["id 4567"]),
        ("• 1502 — college — coordinator", ["1502"]),
        ("Mia ↔ Ned · on_track", ["on_track"]),
        ("status: NEEDS_CHECK_IN", ["NEEDS_CHECK_IN"]),
    ],
)
def test_raw_ids_and_codes_are_found(text: str, found: list[str]) -> None:
    assert sorted(problems(text, IDS, NAMES)) == sorted(found)


@pytest.mark.parametrize(
    "text",
    [
        "<b>Pairs</b> (3)\n• Mia ↔ Ned · College First Year · active · 🟢 on track",
        "step 3 of 24 · 2 check-ins answered · last rating 4/5 · 4 May 2026 10:00",
        "🚨 Crisis alert #3 · 4 May 10:00 UTC",
        "Alert #3 is marked handled. Thank you.",
        "The age lock of Person 1700 is lifted.",
    ],
)
def test_words_counts_dates_and_report_numbers_pass(text: str) -> None:
    assert problems(text, IDS, NAMES) == []
