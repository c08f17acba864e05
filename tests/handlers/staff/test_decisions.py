"""One-tap decisions: /pending's Approve and Reject (a reason picked or typed, the mentor told
kindly in their language), /pairs with ended pairs and its filters, ending a pair with a reason,
and a name several people share (staff are asked which one, with buttons)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.effects import EditText, SendText
from bot.core.models import Pair, PairStatus, Report, Role
from bot.core.staff import REJECTED, StaffMember, StaffRole
from tests.dialog import Bot, Dialog, answers
from tests.factories import onboarded_person
from tests.staff_words import problems

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
COORDINATOR = 901
MIA, NED, ONA, OLA, MIA2 = 101, 102, 103, 104, 105


@pytest.fixture
def bot() -> Bot:
    bot = Bot()
    bot.store.staff.members[COORDINATOR] = StaffMember(
        user_id=COORDINATOR,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=T0,
    )
    people: tuple[tuple[int, Role, str, dict[str, object]], ...] = (
        (MIA, Role.MENTEE, "Mia", {}),
        (NED, Role.MENTOR, "Ned", {}),
        (ONA, Role.MENTOR, "Ona", {"approved_at": None, "language": "it"}),
        (OLA, Role.MENTOR, "Ola", {"approved_at": None, "training_passed_at": None}),
    )
    for user_id, role, name, fields in people:
        bot.store.persons[user_id] = onboarded_person(
            user_id, role, "college", T0, display_name=name, **fields
        )
    return bot


def keyboard(bot: Bot, chat: int) -> list[str]:
    sent = [e for e in bot.store.pending_effects() if isinstance(e, SendText | EditText)]
    mine = [e for e in sent if e.chat_id == chat]
    return [b.text for row in mine[-1].buttons for b in row]


async def test_pending_lists_training_and_approve_and_reject_buttons(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    [listing] = await coordinator.say("/pending")
    assert "• Ona — College First Year — training passed on 4 May 2026" in listing
    assert "• Ola — College First Year — training: 0 of" in listing
    labels = keyboard(bot, COORDINATOR)
    assert "✅ Approve Ona" in labels and "✖️ Reject Ona" in labels
    assert "✖️ Reject Ola" in labels and "✅ Approve Ola" not in labels  # not trained yet
    await coordinator.press("✅ Approve Ona")
    coordinator.hears("Ona is approved")
    assert bot.store.persons[ONA].approved_at is not None


async def test_reject_with_a_reason_picked_tells_the_mentor_in_their_language(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/pending")
    await coordinator.press("✖️ Reject Ona")
    coordinator.hears("Why can't Ona be approved?")
    labels = keyboard(bot, COORDINATOR)
    assert "We have no places for new mentors right now" in labels
    assert "✍️ Type a reason" in labels and "✖ Keep them waiting" in labels
    await coordinator.press("✖ Keep them waiting")
    assert (ONA, REJECTED) not in bot.store.staff.flags
    await coordinator.press("✖️ Reject Ona", data=f"st:reject:{ONA}")
    await coordinator.press("We have no places for new mentors right now")
    coordinator.hears("Ona was told that they are not approved")
    flag = bot.store.staff.flags[(ONA, REJECTED)]
    assert flag.reason == "places" and flag.by == COORDINATOR
    told = [
        e.text for e in bot.store.pending_effects() if isinstance(e, SendText) and e.chat_id == ONA
    ]
    assert any("Al momento non abbiamo posti per nuovi mentori" in t for t in told)
    entry = list(bot.store.staff.audit.values())[-1]
    assert (entry.action, entry.detail) == (
        "reject",
        "We have no places for new mentors right now",
    )
    [card] = await coordinator.say("/user Ona")
    assert "Not approved on" in card and "We have no places for new mentors right now" in card
    [listing] = await coordinator.say("/pending")
    assert "Ona" not in listing


async def test_reject_with_a_typed_reason(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.press("", data=f"st:reject:{OLA}")
    await coordinator.press("✍️ Type a reason")
    coordinator.hears("Please type the reason")
    await coordinator.say("ok")
    coordinator.hears("a few words")
    assert (OLA, REJECTED) not in bot.store.staff.flags
    await coordinator.say("We'd like you to finish the training first")
    coordinator.hears("Ola was told")
    assert (
        bot.store.staff.flags[(OLA, REJECTED)].reason
        == "We'd like you to finish the training first"
    )
    told = [
        e.text for e in bot.store.pending_effects() if isinstance(e, SendText) and e.chat_id == OLA
    ]
    assert any("Their reason: We&#x27;d like" in t or "Their reason: We'd like" in t for t in told)


async def test_a_forged_reject_press_changes_nothing(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    for data in (f"st:reject:{ONA}:nonsense", "st:reject:abc", f"st:reject:{ONA}:x:y"):
        await coordinator.press("", data=data)
    await coordinator.press("", data="st:reject:999999:places")
    assert bot.store.staff.flags == {}


def _pairs(bot: Bot) -> None:
    bot.store.persons[MIA2] = onboarded_person(
        MIA2, Role.MENTEE, "college", T0, display_name="Kai"
    )
    now = bot.clock.now()
    bot.store.pairs[7] = Pair(
        id=7,
        program="college",
        mentee_id=MIA,
        mentor_id=NED,
        started_at=now - timedelta(days=3),
        last_activity_at=now - timedelta(days=1),
    )
    bot.store.pairs[8] = Pair(
        id=8, program="college", mentee_id=MIA2, mentor_id=NED, started_at=now - timedelta(days=40)
    )
    bot.store.pairs[9] = Pair(
        id=9,
        program="college",
        mentee_id=MIA2,
        mentor_id=OLA,
        started_at=now - timedelta(days=90),
        status=PairStatus.ENDED,
        ended_at=now - timedelta(days=50),
        ended_by=MIA2,
        end_reason="time",
    )


async def test_pairs_show_ended_ones_and_filter(bot: Bot) -> None:
    _pairs(bot)
    coordinator = Dialog(bot, COORDINATOR)
    [listing] = await coordinator.say("/pairs")
    assert "<b>Pairs</b> (3)" in listing
    assert "Kai ↔ Ned · College First Year · active · 🟡 needs check-in" in listing
    assert "Mia ↔ Ned · College First Year · active · 🟢 on track" in listing
    assert "Kai ↔ Ola · College First Year · ended" in listing
    labels = keyboard(bot, COORDINATOR)
    assert "📂 Mia and Ned" in labels and "⏸ Pause" in labels and "⏹ End" in labels
    assert "💬 Message" in labels and "• All" in labels
    for button, shown, hidden in (
        ("Needing attention", "Kai ↔ Ned", "Mia ↔ Ned"),
        ("Quiet", "Kai ↔ Ned", "Kai ↔ Ola"),
        ("Ended", "Kai ↔ Ola", "Kai ↔ Ned"),
    ):
        effects = await coordinator.press(button)
        [edited] = [e.text for e in effects if isinstance(e, EditText)]
        assert shown in edited and hidden not in edited, button
    await coordinator.press("", data="st:pairs:*:0:bogus")
    await coordinator.press("", data="st:pairs:*:0")
    await coordinator.press("💬 Message")


async def test_end_a_pair_asks_a_reason_then_tells_both(bot: Bot) -> None:
    _pairs(bot)
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/pairs")
    await coordinator.press("⏹ End")
    coordinator.hears("End the pair of Kai and Ned?")
    await coordinator.press("✖ Keep the pair")
    assert bot.store.pairs[8].status is PairStatus.ACTIVE
    await coordinator.press("", data="st:unpair:8")
    await coordinator.press("Not a good fit")
    coordinator.hears("The pair of Kai and Ned has ended.")
    ended = bot.store.pairs[8]
    assert (ended.status, ended.end_reason, ended.ended_by) == (
        PairStatus.ENDED,
        "fit",
        COORDINATOR,
    )
    [card] = await coordinator.say("/user Kai")
    assert "ended on" in card and "by the program team: “Not a good fit”" in card
    await coordinator.press("", data="st:unpair:8:fit")
    assert "already ended" in (answers(coordinator.last_effects)[0] or "")


async def test_a_name_several_people_share_asks_which_one(bot: Bot) -> None:
    bot.store.persons[MIA2] = onboarded_person(
        MIA2, Role.MENTEE, "college", T0 + timedelta(days=2), display_name="mia"
    )
    coordinator = Dialog(bot, COORDINATOR)
    [asked] = await coordinator.say("/note Mia call her on Monday, she's worried")
    assert "Several people are called “Mia”: which one do you mean?" in asked
    labels = keyboard(bot, COORDINATOR)
    assert labels == [
        "Mia · College First Year · mentee · joined 2026-05-04",
        "mia · College First Year · mentee · joined 2026-05-06",
    ]
    assert bot.store.staff.notes == {}
    await coordinator.press("mia · College")
    coordinator.hears("Note added to mia's case file")
    [note] = bot.store.staff.notes.values()
    assert (note.person_id, note.text) == (MIA2, "call her on Monday, she's worried")
    await coordinator.press("mia · College")  # the choice is used up
    assert len(bot.store.staff.notes) == 1


async def test_a_pair_by_a_name_in_several_pairs_asks_which_one(bot: Bot) -> None:
    _pairs(bot)
    coordinator = Dialog(bot, COORDINATOR)
    [asked] = await coordinator.say("/pause Ned")
    assert "Ned is in several pairs: which one do you mean?" in asked
    labels = keyboard(bot, COORDINATOR)
    assert any(label.startswith("with Kai · since") for label in labels)
    await coordinator.press("with Kai")
    coordinator.hears("The pair of Kai and Ned is paused.")
    assert bot.store.pairs[8].status is PairStatus.PAUSED
    assert bot.store.pairs[7].status is PairStatus.ACTIVE


async def test_audit_and_reports_read_names_and_words(bot: Bot) -> None:
    _pairs(bot)
    bot.store.persons[COORDINATOR] = onboarded_person(
        COORDINATOR, Role.MENTOR, "college", T0, display_name="Cora"
    )
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/pause Kai")
    await coordinator.say("/note Mia call back")
    [log] = await coordinator.say("/audit")
    assert "Cora · /pause → Kai and Ned" in log and "Cora · /note → Mia" in log

    bot.store.reports[3] = Report(
        id=3, reporter_id=MIA, pair_id=7, reported_id=NED, reason="harassment", created_at=T0
    )
    [reports] = await coordinator.say("/reports")
    assert "College First Year · Harassment or threats" in reports and "by Mia → Ned" in reports


async def test_audit_shows_words_for_pairing_figures_broadcasts_and_resolved_reports(
    bot: Bot,
) -> None:
    _pairs(bot)
    coordinator = Dialog(bot, COORDINATOR)
    ola = bot.store.persons[OLA]
    bot.store.persons[OLA] = replace(ola, approved_at=T0, training_passed_at=T0)
    ended = bot.clock.now() - timedelta(days=1)
    bot.store.pairs[8] = replace(bot.store.pairs[8], status=PairStatus.ENDED, ended_at=ended)
    await coordinator.say("/pair Kai Ola")  # they ended before: confirmed after their history
    await coordinator.press("Pair them again")
    await coordinator.say("/stats")
    await coordinator.say("/broadcast college all Hello")
    await coordinator.press("Send to")
    bot.store.reports[3] = Report(
        id=3, reporter_id=MIA, pair_id=7, reported_id=NED, reason="harassment", created_at=T0
    )
    await coordinator.say("/reports resolve 3 talked to both")
    [log] = await coordinator.say("/audit")
    assert "confirmed after: ended on" in log and "by the mentee" in log
    assert "/stats → College First Year · 30 days" in log
    assert "/broadcast → all · 5 people" in log
    assert "report #3" in log
    codes = [p.code for p in bot.programs] + ["DAYS_30", "mentees_only"]
    found = problems(log, set(bot.store.persons) | set(bot.store.pairs), ["Kai", "Ola"])
    found += [c for c in codes if re.search(rf"(?<![\w.-]){re.escape(c)}(?![\w.-])", log)]
    assert found == [], log


async def test_a_stale_or_repeated_reject_press_never_undoes_a_decision(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/pending")
    await coordinator.press("✖️ Reject Ona")
    await coordinator.press("✍️ Type a reason")  # the reason is still being typed …
    await coordinator.press("", data=f"st:approve:{ONA}")  # … when Ona is approved
    approved = bot.store.persons[ONA].approved_at
    assert approved is not None
    for data in (f"st:reject:{ONA}", f"st:reject:{ONA}:places", f"st:reject:{ONA}:type"):
        await coordinator.press("", data=data)
        assert "Ona was approved on 21 Nov 2026: nothing changed." in coordinator.toast()
        assert "/reject Ona" in coordinator.toast()
    await coordinator.say("We are full")  # the typed reason arrives late
    coordinator.hears("Ona was approved on 21 Nov 2026: nothing changed.")
    assert bot.store.persons[ONA].approved_at == approved
    assert (ONA, REJECTED) not in bot.store.staff.flags
    await coordinator.press("", data=f"st:reject:{OLA}:places")
    await coordinator.press("", data=f"st:reject:{OLA}:fit")  # pressed twice
    assert "Ola was turned down on 21 Nov 2026 by" in coordinator.toast()
    assert bot.store.staff.flags[(OLA, REJECTED)].reason == "places"


async def test_a_stale_approve_press_never_reverses_a_rejection(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.press("", data=f"st:reject:{ONA}:places")
    await coordinator.press("", data=f"st:approve:{ONA}")
    toast = coordinator.toast()
    assert "Ona was turned down on 21 Nov 2026 by" in toast
    assert "type /approve Ona to approve them anyway" in toast
    assert bot.store.persons[ONA].approved_at is None
    assert (ONA, REJECTED) in bot.store.staff.flags
    await coordinator.say("/approve Ona")  # typed: on purpose
    coordinator.hears("Ona is approved")
    assert (ONA, REJECTED) not in bot.store.staff.flags


async def test_typed_reject_withdraws_an_approval_and_says_so(bot: Bot) -> None:
    coordinator = Dialog(bot, COORDINATOR)
    await coordinator.say("/reject Ned not a good fit")
    coordinator.hears("Ned was told that they are not approved; their approval is withdrawn.")
    assert bot.store.persons[NED].approved_at is None
