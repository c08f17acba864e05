"""/stats and /export over a seeded world (`panel_world`): a summary with period buttons and
three charts (PNG, ≥ 1200 px wide), a period button redraws (the summary edited in place, new
charts), the CSV button and /export carry the same figures with their period, and a program
nobody has joined says what to do first instead of a row of zeros."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace

import pytest
from PIL import Image

from bot.core.effects import EditText, SendDocument, SendPhoto
from bot.core.models import Role
from bot.core.staff import StaffRole
from tests.dialog import Bot, Dialog, texts
from tests.factories import onboarded_person
from tests.handlers.staff.panel_world import COORDINATOR, EMPTY_ADMIN, empty_bot, seeded_bot


@pytest.fixture
def bot() -> Bot:
    """The seeded world (`panel_world`); a fixture, so that the staff words check runs too."""
    return seeded_bot()


def _photos(effects: Sequence[object]) -> list[SendPhoto]:
    return [e for e in effects if isinstance(e, SendPhoto)]


def _rows(document: SendDocument) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(document.content.decode("utf-8"))))


async def test_stats_sends_a_summary_with_period_buttons_and_three_charts(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    [summary] = await coordinator.say("/stats")
    assert "<b>Figures for College First Year</b>" in summary
    assert "<b>Last 30 days, 23 Oct 2026 – 21 Nov 2026</b>" in summary
    assert "4 people joined · 3 steps delivered · 0 check-ins answered" in summary
    assert "Pairs: 4 active, 0 paused, 1 ended" in summary
    keyboard = coordinator.last_keyboard()
    assert [[b.text for b in row] for row in keyboard.buttons] == [
        ["• 30 days", "90 days", "All time"],
        ["⬇ These figures as CSV"],
    ]
    photos = _photos(coordinator.last_effects)
    assert [p.filename for p in photos] == ["stages.png", "health.png", "steps.png"]
    for photo in photos:
        image = Image.open(io.BytesIO(photo.content))
        assert image.format == "PNG" and image.size[0] >= 1200


async def test_a_period_button_redraws_in_place_with_new_charts(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/stats")
    effects = await coordinator.press("90 days")
    [edited] = [e for e in effects if isinstance(e, EditText)]
    assert not texts(effects)  # the summary is edited, not sent again
    assert "<b>Last 90 days, " in edited.text and "4 steps delivered" in edited.text
    assert [b.text for b in edited.buttons[0]] == ["30 days", "• 90 days", "All time"]
    assert len(_photos(effects)) == 3
    effects = await coordinator.press("", data="st:stats:*:all")
    [edited] = [e for e in effects if isinstance(e, EditText)]
    assert "<b>All time, " in edited.text and "13 people joined" in edited.text
    stale = await coordinator.press("", data="st:stats:*:7")
    assert not _photos(stale) and not [e for e in stale if isinstance(e, EditText)]


async def test_the_csv_button_sends_the_same_figures_with_their_period(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/stats")
    effects = await coordinator.press("All time")
    [edited] = [e for e in effects if isinstance(e, EditText)]
    [csv_button] = edited.buttons[1]  # the redrawn summary's CSV button: the period shown
    assert csv_button.data == "st:stats:*:all:csv"
    effects = await coordinator.press("", data=csv_button.data)
    [document] = [e for e in effects if isinstance(e, SendDocument)]
    assert document.filename == "figures-college-all-20261121.csv"
    assert document.caption is not None and "College First Year · All time" in document.caption
    rows = _rows(document)
    assert {r["programs"] for r in rows} == {"College First Year"}
    assert {r["period"] for r in rows} == {"all"}
    people = {r["figure"]: int(r["value"]) for r in rows if r["figure"].startswith("people_")}
    assert people == {
        "people_signing_up": 1,
        "people_in_training": 1,
        "people_waiting_approval": 1,
        "people_ready": 0,
        "people_waiting_mentor": 1,
        "people_paired": 8,
        "people_stopped": 1,
    }
    labels = {r["figure"]: r["label"] for r in rows}
    assert labels["people_waiting_approval"] == "Waiting for approval"
    delivered = sum(int(r["value"]) for r in rows if r["figure"] == "steps_delivered")
    assert delivered == 4
    last = rows[-1]["from"]
    health = {r["figure"]: int(r["value"]) for r in rows if r["from"] == last}
    assert (health["pairs_on_track"], health["pairs_needs_check_in"]) == (1, 1)
    assert health["pairs_at_risk"] == 2


async def test_export_sends_the_pairs_and_the_figures(bot: Bot) -> None:
    member = bot.store.staff.members[COORDINATOR]
    bot.store.staff.members[COORDINATOR] = replace(member, role=StaffRole.ADMIN)
    admin = Dialog(bot, COORDINATOR)
    await admin.say("/export")
    documents = [e for e in admin.last_effects if isinstance(e, SendDocument)]
    assert [d.filename for d in documents] == [
        "pairs-college-20261121.csv",
        "figures-college-all-20261121.csv",
    ]
    assert {r["period"] for r in _rows(documents[1])} == {"all"}


async def test_stats_on_a_program_nobody_joined_says_what_to_do_first() -> None:
    bot = empty_bot()
    admin = Dialog(bot, EMPTY_ADMIN)
    [said] = await admin.say("/stats")
    assert "Nobody has joined Rebuilding After Crisis yet" in said and "/program link" in said
    assert "0 pairs" not in said and "Pairs:" not in said
    assert not _photos(admin.last_effects)


async def test_stats_in_italian_reads_names_and_words(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/language")
    await coordinator.press("Italiano")
    [summary] = await coordinator.say("/stats")
    assert "<b>Dati di Primo anno di università</b>" in summary
    assert "<b>Ultimi 30 giorni, 23 ott 2026 – 21 nov 2026</b>" in summary
    assert "4 persone arrivate · 3 passi inviati" in summary
    assert [b.text for b in coordinator.last_keyboard().buttons[0]] == [
        "• 30 giorni",
        "90 giorni",
        "Dall'inizio",
    ]


async def test_no_median_time_to_match_before_the_first_match() -> None:
    bot = empty_bot()
    bot.store.persons[50] = onboarded_person(50, Role.MENTEE, "rebuild", bot.clock.now())
    [summary] = await Dialog(bot, EMPTY_ADMIN).say("/stats")
    assert "Figures for Rebuilding After Crisis" in summary
    assert "Median time to match" not in summary and "— days" not in summary
