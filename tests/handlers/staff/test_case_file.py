"""The case file (/user, and the card at the top of a case topic): the person's whole story in
words, split into messages under Telegram's limit, with buttons for what staff can do next."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.effects import SendText
from bot.core.models import (
    Pair,
    PairStatus,
    Report,
    ReportStatus,
    Role,
)
from bot.core.staff import StaffMember, StaffRole
from bot.i18n import Catalogs
from bot.services.case_file import case_card
from tests.dialog import Bot, Dialog
from tests.factories import onboarded_person

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
COORDINATOR = 901


@pytest.fixture
def bot() -> Bot:
    bot = Bot()
    bot.store.staff.members[COORDINATOR] = StaffMember(
        user_id=COORDINATOR,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=T0,
    )
    bot.store.persons[1] = onboarded_person(
        1,
        Role.MENTEE,
        "college",
        T0,
        display_name="Mia",
        language="it",
        goals=("first_year",),
    )
    bot.store.persons[2] = onboarded_person(2, Role.MENTOR, "college", T0, display_name="Ned")
    bot.store.persons[3] = onboarded_person(3, Role.MENTOR, "college", T0, display_name="Ola")
    bot.store.pairs[7] = Pair(
        id=7,
        program="college",
        mentee_id=1,
        mentor_id=3,
        started_at=T0,
        status=PairStatus.ENDED,
        ended_at=T0 + timedelta(days=20),
        ended_by=1,
        end_reason="fit",
    )
    bot.store.pairs[8] = Pair(
        id=8, program="college", mentee_id=1, mentor_id=2, started_at=T0 + timedelta(days=21)
    )
    bot.store.reports[5] = Report(
        id=5,
        reporter_id=1,
        pair_id=7,
        reported_id=3,
        reason="harassment",
        status=ReportStatus.RESOLVED,
        created_at=T0 + timedelta(days=19),
        resolved_at=T0 + timedelta(days=20),
        resolution_note="Talked to both",
    )
    return bot


def sent(bot: Bot, chat: int) -> list[SendText]:
    return [
        e for e in bot.store.pending_effects() if isinstance(e, SendText) and e.chat_id == chat
    ]


async def test_the_case_file_tells_the_whole_story_in_words(bot: Bot) -> None:
    [card] = await Dialog(bot, COORDINATOR).say("/user Mia")
    print(card)
    assert "<b>Mia</b> · mentee" in card
    assert "College First Year" in card and "Italian" in card and "Europe/Rome" in card
    assert "with Ned (mentor)" in card and "with Ola (mentor)" in card
    assert "ended on 24 May 2026 by the mentee: “Not a good fit”" in card
    assert "Harassment or threats" in card and "Talked to both" in card
    assert "resolved on 24 May 2026" in card
    assert "#7" not in card and "#8" not in card and "(1)" not in card
    [effect] = sent(bot, COORDINATOR)
    labels = [b.text for row in effect.buttons for b in row]
    assert "⏸ Pause with Ned" in labels and "💬 Message" in labels


async def test_a_note_is_kept_with_its_author_and_date_and_audited(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    [done] = await coordinator.say('/note Mia didn\'t reply to the "first week" check-in <b>')
    assert "Note added to Mia's case file" in done
    [note] = bot.store.staff.notes.values()
    assert (note.person_id, note.author_id, note.author_name) == (1, COORDINATOR, "Test")
    assert note.text == 'didn\'t reply to the "first week" check-in <b>'
    [entry] = bot.store.staff.audit.values()
    assert (entry.action, entry.target, entry.detail) == ("note", "Mia", "")
    [card] = await coordinator.say("/user Mia")
    assert 'Test: didn\'t reply to the "first week" check-in &lt;b&gt;' in card
    assert "21 Nov 2026" in card


async def test_a_bad_note_is_refused_and_changes_nothing(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    [reply] = await coordinator.say("/note Mia")
    assert "Please give the person and the note." in reply and "Usage: /note PERSON TEXT" in reply
    [reply] = await coordinator.say("/note Nobody hello")
    assert "can't find “Nobody”" in reply
    [reply] = await coordinator.say("/note Mia " + "x" * 1001)
    assert "at most 1000 characters" in reply
    assert bot.store.staff.notes == {} and bot.store.staff.audit == {}


async def test_a_long_case_file_is_split_under_the_message_limit(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    for n in range(12):
        await coordinator.say(f"/note Mia {n:02d} " + "long words " * 80)
    cards = await coordinator.say("/user Mia")
    assert len(cards) >= 2 and all(len(c) <= 4096 for c in cards)
    assert "00 long" in cards[0] + cards[1] and "11 long" in cards[-1]
    buttons = [e.buttons for e in sent(bot, COORDINATOR)[-len(cards) :]]
    assert all(not b for b in buttons[:-1]) and buttons[-1], "the buttons under the last"
    person = bot.store.persons[1]
    async with bot.store.uow() as uow:
        text, keyboard = await case_card(
            uow, bot.programs, person, Catalogs("en").translator("en"), bot.clock.now()
        )
    assert len(text) <= 4096 and "the rest of the case file: /user Mia" in text and keyboard


async def test_the_case_card_buttons_say_how_to_write_and_add_a_note(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/user Mia")
    await coordinator.press("💬 Message")
    coordinator.hears("/msg Mia your message")
    await coordinator.press("", data="st:user:note:1")
    coordinator.hears("/note Mia your note")
    await coordinator.press("", data="st:user:note:abc")
    assert bot.store.staff.notes == {}


async def test_a_pending_mentor_can_be_approved_from_the_case_file(bot: Bot) -> None:
    bot.store.persons[2] = replace(bot.store.persons[2], approved_at=None)
    bot.store.pairs.pop(8)
    coordinator = Dialog(bot, COORDINATOR)
    [card] = await coordinator.say("/user Ned")
    assert "Waiting for approval" in card and "training passed" in card
    await coordinator.press("✅ Approve")
    coordinator.hears("is approved")
    assert bot.store.persons[2].approved_at is not None


async def test_a_hint_with_a_two_word_name_reaches_that_person_not_a_namesake(bot: Bot) -> None:
    bot.store.persons[4] = onboarded_person(
        4, Role.MENTEE, "college", T0, display_name="Mia Rossi"
    )
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say('/user "Mia Rossi"')
    await coordinator.press("💬 Message")
    hint = coordinator.hears("Mia Rossi")
    typed = hint[hint.index("/msg") :].split(" your message")[0].replace("&quot;", '"')
    assert typed == '/msg "Mia Rossi"'
    replies = await coordinator.say(typed + " hello there")
    assert any("Sent to Mia Rossi" in reply for reply in replies)
    told = [e for e in bot.store.pending_effects() if isinstance(e, SendText)]
    assert [e.chat_id for e in told if "hello there" in e.text] == [4]
    await coordinator.press("", data="st:user:note:4")
    hint = coordinator.hears("/note")
    typed = hint[hint.index("/note") :].split(" your note")[0].replace("&quot;", '"')
    assert typed == '/note "Mia Rossi"'
    await coordinator.say(typed + " called her")
    [note] = bot.store.staff.notes.values()
    assert (note.person_id, note.text) == (4, "called her")
