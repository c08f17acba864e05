"""Safeguarding flows as transcripts over in-memory storage: /report, /block and /end, with
every refusal (the relay's checks and relationship check-ins: `test_safety_screening`)."""

from __future__ import annotations

from dataclasses import replace

from bot.core import effects as fx
from bot.core.models import PairStatus, ReportStatus, StepStatus
from tests.dialog import Dialog, answers, onboard, texts
from tests.flows.safety_world import (
    MENTEE,
    MENTOR,
    OTHER,
    STAFF,
    pair_up,
    paired,
    relay_history,
    safety_bot,
)

# --- /report -----------------------------------------------------------------------------------


async def test_report_with_pause_stores_alerts_with_context_and_pauses() -> None:
    bot, _ = safety_bot()
    mentee, mentor, staff, pair_id = await paired(bot)
    relay_history(bot, pair_id)
    await mentee.say("/report")
    mentee.hears("What would you like to tell the program team about")
    await mentee.press("Inappropriate messages")
    assert "in your own words" in mentee.last_keyboard().text
    await mentee.say("He keeps sending <b>jokes</b> I don't like")
    mentee.hears("Pause the mentorship with Sam")
    await mentee.press("Yes, pause it")
    mentee.hears("Thank you for telling us", "call 112")
    mentee.hears("is paused while the program team looks into it", at=1)
    assert bot.store.flows.get(MENTEE) is None
    report = bot.store.reports[1]
    assert (report.reporter_id, report.pair_id, report.reported_id) == (MENTEE, pair_id, MENTOR)
    assert (report.reason, report.priority, report.status) == (
        "inappropriate",
        False,
        ReportStatus.OPEN,
    )
    assert report.text == "He keeps sending <b>jokes</b> I don't like"
    assert bot.store.pairs[pair_id].status is PairStatus.PAUSED
    assert texts(mentor.new_effects()) == [
        "Your mentorship with Sam is paused for now. The program team will be in touch."
    ]
    # issue 13, defect 3: one labelled message (pseudonyms and roles, no ids; the context in
    # it, oldest first) instead of a head plus loose copies; routine lane, no pause button
    (alert,) = staff.new_effects()
    assert isinstance(alert, fx.SendText) and not alert.safety
    head = alert.text
    assert head.startswith("⚠️ <b>Report #1</b> · ")
    assert "<b>Sam</b> (mentee) reported <b>Sam</b> (mentor) in College First Year." in head
    assert "(id " not in head and "610" not in head
    assert "Reason: Inappropriate messages" in head
    assert "&lt;b&gt;jokes&lt;/b&gt;" in head, "the reporter's words are escaped"
    assert "now paused" in head and "not messages to you" in head
    assert head.count("Sam → Sam: a message (mentorbot keeps no words)") == 3
    assert [b.data for row in alert.buttons for b in row] == [
        f"st:user:{MENTEE}",
        "st:reports:show:1",
        "st:reports:done:1",
    ]


async def test_report_without_a_pair_is_stored_and_alerted_and_unsafe_is_priority() -> None:
    bot, _ = safety_bot()
    alone, staff = Dialog(bot, 620), Dialog(bot, STAFF)
    await onboard(alone, role="mentee")
    await alone.say("/report")
    await alone.press("I feel unsafe")
    await alone.press("Skip")
    alone.hears_only("Thank you for telling us")  # no pause question
    report = bot.store.reports[1]
    assert (report.pair_id, report.reported_id, report.reason, report.text) == (
        None,
        None,
        "unsafe",
        "",
    )
    assert report.priority
    # issue 13, defect 3: a priority reason is a priority alert in the safety lane
    (alert,) = staff.new_effects()
    assert isinstance(alert, fx.SendText) and alert.safety
    assert alert.text.startswith("🚨 <b>Priority report #1</b>")
    assert "sent a report not about a current mentorship" in alert.text


async def test_report_cancel_and_refusals() -> None:
    bot, _ = safety_bot()
    stranger = Dialog(bot, 621)
    await stranger.say("/report")
    stranger.hears("finish signing up")
    mentee, _mentor, staff, _pair = await paired(bot)
    await mentee.say("/report")
    await mentee.press("Cancel")
    mentee.hears("Nothing was sent")
    await mentee.say("/report")
    await mentee.press("Harassment")
    await mentee.say("x" * 2001)
    mentee.hears("up to 2000 characters")
    assert bot.store.flows[MENTEE].state == "report.details"
    await mentee.press("", data="f:nope:yes")
    assert "no longer active" in mentee.toast()
    assert not bot.store.reports and texts(staff.new_effects()) == []


async def test_a_mentor_with_two_mentees_chooses_which_mentorship() -> None:
    bot, _ = safety_bot()
    mentor, first, second = Dialog(bot, 630), Dialog(bot, 631), Dialog(bot, 632)
    await onboard(mentor, role="mentor")
    await onboard(first, role="mentee")
    await onboard(second, role="mentee")
    bot.store.persons[632] = replace(bot.store.persons[632], display_name="Lia")
    one = await pair_up(bot, 631, 630)
    two = await pair_up(bot, 632, 630)
    await mentor.say("/report")
    labels = [b.text for row in mentor.last_keyboard().buttons for b in row]
    assert labels == ["Sam", "Lia", "Something else"]
    await mentor.press("Lia")
    await mentor.press("Something else")
    await mentor.say("Lia seems very low lately")
    await mentor.press("No, keep it going")
    report = bot.store.reports[1]
    assert (report.pair_id, report.reported_id) == (two, 632)
    assert bot.store.pairs[two].status is PairStatus.ACTIVE
    await mentor.say("/end")
    await mentor.press("Sam")
    assert "end your mentorship with Sam" in mentor.last_keyboard().text
    await mentor.press("Not enough time")
    await mentor.press("Skip")
    assert bot.store.pairs[one].status is PairStatus.ENDED
    assert bot.store.pairs[two].status is PairStatus.ACTIVE
    assert not bot.store.ratings, "skipped feedback stores nothing"
    assert "/findmentor" in texts(first.new_effects())[-1]


# --- /block ------------------------------------------------------------------------------------


async def test_block_ends_the_pair_at_once_and_tells_the_partner_neutrally() -> None:
    bot, _ = safety_bot()
    mentee, mentor, staff, pair_id = await paired(bot)
    relay_history(bot, pair_id, 2)
    await mentee.say("/block")
    mentee.hears("Block Sam?")
    await mentee.press("No, go back")
    assert bot.store.pairs[pair_id].status is PairStatus.ACTIVE
    await mentee.say("/block")
    await mentee.press("Yes, block")
    mentee.hears("you can no longer write to each other", "/findmentor")
    pair = bot.store.pairs[pair_id]
    assert (pair.status, pair.ended_by, pair.end_reason) == (PairStatus.ENDED, MENTEE, "blocked")
    rows = [r for r in bot.store.schedule.values() if r.pair_id == pair_id]
    assert rows and {r.status for r in rows} == {StepStatus.CANCELLED}
    assert texts(mentor.new_effects()) == ["Your mentorship has ended."]
    # issue 13, defect 3: one labelled message with the context, no ids, no loose copies
    (alert,) = staff.new_effects()
    assert isinstance(alert, fx.SendText) and not alert.safety
    assert alert.text.startswith("⚠️ <b>Block report #1</b> · ")
    assert "<b>Sam</b> (mentee) blocked <b>Sam</b> (mentor) in College First Year" in alert.text
    assert alert.text.count("Sam → Sam: a message (mentorbot keeps no words)") == 2
    assert [b.data for row in alert.buttons for b in row] == [
        f"st:user:{MENTEE}",
        "st:reports:show:1",
        "st:reports:done:1",
    ]
    assert bot.store.reports[1].reason == "blocked"
    # nothing more to block, and the old confirmation is stale
    await mentee.say("/block")
    mentee.hears("no one to block")
    await mentee.press("", data=f"sg:blockok:{pair_id}")
    assert "no longer active" in mentee.toast()


async def test_forged_block_buttons_change_nothing() -> None:
    bot, _ = safety_bot()
    _mentee, _mentor, staff, pair_id = await paired(bot)
    outsider = Dialog(bot, OTHER)
    await onboard(outsider, role="mentee")
    for data in (f"sg:blockok:{pair_id}", f"sg:block:{pair_id}", "sg:blockok:999"):
        effects = await outsider.press("", data=data)
        assert "no longer active" in (answers(effects)[0] or ""), data
    for data in ("sg:blockok:x", "sg:blockok:1:2", "sg:nonsense", "sg:keep:1"):
        effects = await _mentee.press("", data=data)
        assert "no longer active" in (answers(effects)[0] or ""), data
    assert bot.store.pairs[pair_id].status is PairStatus.ACTIVE
    assert not bot.store.reports and texts(staff.new_effects()) == []


# --- /end --------------------------------------------------------------------------------------


async def test_end_with_reason_and_feedback() -> None:
    bot, _ = safety_bot()
    mentee, mentor, _staff, pair_id = await paired(bot)
    unpaired = Dialog(bot, 640)
    await unpaired.say("/end")
    unpaired.hears("nothing to end")
    await mentee.say("/end")
    await mentee.press("Keep the mentorship")
    mentee.hears("nothing has changed")
    await mentee.say("/end")
    await mentee.press("We reached our goals")
    assert "how helpful was this mentorship" in mentee.last_keyboard().text
    await mentee.press("4")
    mentee.hears("has ended. Thank you")
    mentee.hears("/findmentor", at=1)
    pair = bot.store.pairs[pair_id]
    assert (pair.status, pair.ended_by, pair.end_reason) == (PairStatus.ENDED, MENTEE, "goals")
    assert [(r.person_id, r.rating) for r in bot.store.ratings.values()] == [(MENTEE, 4)]
    told = texts(mentor.new_effects())
    assert told == [
        "Your mentorship with Sam has come to an end. Thank you for the time and care you put "
        "into it."
    ], "the mentor is thanked, without the reason and without /findmentor"
    assert {r.status for r in bot.store.schedule.values()} == {StepStatus.CANCELLED}
    await mentee.say("/end")
    mentee.hears("nothing to end")


async def test_an_ending_whose_pair_ended_meanwhile_changes_nothing_more() -> None:
    bot, _ = safety_bot()
    mentee, mentor, _staff, pair_id = await paired(bot)
    await mentee.say("/end")
    await mentee.press("Not a good fit")
    await mentor.say("/block")
    await mentor.press("Yes, block")
    await mentee.press("2")
    pair = bot.store.pairs[pair_id]
    assert (pair.ended_by, pair.end_reason) == (MENTOR, "blocked")
    assert not bot.store.ratings
