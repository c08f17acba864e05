"""/panel, the staff home, over a seeded world (`panel_world`): its counts are the lists' own and
stop at the organisation's programs, each button opens its list, Refresh edits the card in
place with fresh counts, and a program nobody has joined says what to do first."""

from __future__ import annotations

import pytest

from bot.core.effects import EditText, SendPhoto, SendText
from tests.dialog import Bot, Dialog, texts
from tests.handlers.staff.panel_world import (
    COORDINATOR,
    EMPTY_ADMIN,
    OTHER_ADMIN,
    empty_bot,
    seeded_bot,
)


@pytest.fixture
def bot() -> Bot:
    """The seeded world (`panel_world`); a fixture, so that the staff words check runs too."""
    return seeded_bot()


def _buttons(effect: SendText | EditText) -> list[str]:
    return [b.text for row in effect.buttons for b in row]


async def test_the_panel_counts_what_waits_in_the_organisations_programs(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    [card] = await coordinator.say("/panel")
    assert "<b>Today · College First Year</b>" in card
    assert "2 mentors waiting for approval" in card  # 23 and 25; 24 turned down; 40 elsewhere
    assert "1 open report or alert" in card  # report 2 resolved, report 3 elsewhere
    assert "3 pairs needing attention" in card  # B, C, F; A on track, E ended, D elsewhere
    assert "2 quiet pairs" in card  # B and C
    assert "This week: 4 people joined · 2 steps delivered" in card
    assert "Rebuilding" not in card and "college" not in card.replace("College", "")
    assert _buttons(coordinator.last_keyboard()) == [
        "⏳ Waiting for approval (2)",
        "🚨 Open reports and alerts (1)",
        "🟡 Pairs needing attention (3)",
        "💤 Quiet pairs (2)",
        "📈 This week's figures",
        "📣 Broadcast",
        "🔄 Refresh",
    ]
    [other] = await Dialog(bot, OTHER_ADMIN).say("/panel")
    assert "Rebuilding After Crisis" in other and "1 mentor waiting for approval" in other
    assert "1 open report or alert" in other and "1 quiet pair" in other


async def test_waiting_for_approval_opens_the_pending_list_with_the_same_count(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/panel")
    effects = await coordinator.press("Waiting for approval")
    [listed] = texts(effects)  # a new message under the card, which stays
    assert "Mentors waiting for approval</b> (2)" in listed
    assert "• Person 23 — " in listed and "• Person 25 — " in listed
    assert "Person 24" not in listed and "Person 40" not in listed
    assert not any(isinstance(e, EditText) for e in effects)


async def test_each_button_opens_its_list(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/panel")
    [attention] = texts(await coordinator.press("Pairs needing attention"))
    assert "<b>Pairs needing attention</b> (3)" in attention  # /pairs, filtered
    for couple in ("Person 11 ↔ Person 21", "Person 12 ↔ Person 22", "Person 14 ↔ Person 26"):
        assert couple in attention
    assert "Person 10 ↔" not in attention and "🔴 at risk" in attention
    assert "College First Year" in attention
    [quiet] = texts(await coordinator.press("", data="st:panel:quiet"))  # on the card
    assert "<b>Quiet pairs</b> (2)" in quiet and "Person 14 ↔" not in quiet
    assert "Person 11 ↔ Person 21" in quiet and "Person 12 ↔ Person 22" in quiet
    effects = await coordinator.press("", data="st:panel:figures")
    assert "<b>Figures for College First Year</b>" in texts(effects)[0]
    assert len([e for e in effects if isinstance(e, SendPhoto)]) == 3
    [how] = texts(await coordinator.press("", data="st:panel:broadcast"))  # on the card
    assert "/broadcast college all " in how and "For College First Year" in how
    assert "preview" in how


async def test_open_reports_opens_the_reports_list(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/panel")
    [reports] = texts(await coordinator.press("Open reports"))
    assert "Open reports</b> (1)" in reports and "by Person 10" in reports


async def test_refresh_edits_the_card_in_place_with_fresh_counts(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/panel")
    await coordinator.say("/approve 23")
    await coordinator.say("/panel")
    effects = await coordinator.press("Refresh")
    [edited] = [e for e in effects if isinstance(e, EditText)]
    assert not texts(effects)  # no new message
    assert "1 mentor waiting for approval" in edited.text
    assert "⏳ Waiting for approval (1)" in _buttons(edited)


async def test_a_program_nobody_joined_says_what_to_do_first() -> None:
    bot = empty_bot()
    [card] = await Dialog(bot, EMPTY_ADMIN).say("/panel")
    assert "Nobody has joined Rebuilding After Crisis yet" in card
    assert "/program link" in card and "0 " not in card.split("<i>")[0]  # no row of zeros


async def test_a_stale_or_made_up_panel_button_changes_nothing(bot: Bot) -> None:
    effects = await Dialog(bot, COORDINATOR).press("", data="st:panel:nonsense")
    assert not texts(effects)
    refused = await Dialog(bot, 10).press("", data="st:panel:pending")  # a mentee
    assert not any("waiting for approval" in t for t in texts(refused))


async def test_the_panel_in_italian(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/language")
    await coordinator.press("Italiano")
    [card] = await coordinator.say("/panel")
    assert "<b>Oggi · Primo anno di università</b>" in card
    assert "2 mentori in attesa di approvazione" in card and "2 coppie silenziose" in card
    assert "1 segnalazione o allerta aperta" in card
