"""Safeguarding as transcripts over in-memory storage: /report, /block, /end, the checks the
relay runs on each text (`screen`), and relationship check-ins, with every refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core import effects as fx
from bot.core.conversations import Conversations
from bot.core.engine import FlowEngine
from bot.core.events import TextMessage, UserRef
from bot.core.models import PairStatus, RelayLink, ReportStatus, StepStatus
from bot.core.turn import Turn
from bot.handlers.dispatch import MentorbotDispatcher
from bot.i18n import Catalogs
from bot.services.alerts import Staff
from bot.services.pairs import start_pair
from bot.services.relationship_checkins import RelationshipCheckins
from flows.registry import FLOWS
from tests.dialog import Bot, Dialog, answers, onboard, texts

STAFF = 900
MENTEE, MENTOR, OTHER = 610, 611, 612
DAY = 86400.0


def safety_bot() -> tuple[Bot, MentorbotDispatcher]:
    """The core over fakes, with a staff member to alert."""
    bot = Bot()
    catalogs = Catalogs("en")
    dispatcher = MentorbotDispatcher(
        FlowEngine(FLOWS, bot.programs, 18),
        catalogs.languages,
        bot.matchmaker,
        staff=Staff((STAFF,)),
    )
    bot.conversations = Conversations(
        bot.store.uow, bot.clock, catalogs, dispatcher, idle_expiry=timedelta(days=30)
    )
    return bot, dispatcher


async def pair_up(bot: Bot, mentee: int, mentor: int) -> int:
    async with bot.store.uow() as uow:
        pair = await start_pair(
            uow,
            bot.programs,
            mentee_id=mentee,
            mentor_id=mentor,
            program="college",
            at=bot.clock.now(),
        )
        await uow.commit()
    return pair.id


async def paired(bot: Bot) -> tuple[Dialog, Dialog, Dialog, int]:
    """An onboarded mentee (Sam) and mentor (Sam too: names come from onboarding), paired."""
    mentee, mentor, staff = Dialog(bot, MENTEE), Dialog(bot, MENTOR), Dialog(bot, STAFF)
    await onboard(mentee, role="mentee")
    await onboard(mentor, role="mentor")
    pair_id = await pair_up(bot, MENTEE, MENTOR)
    for d in (mentee, mentor):
        d.new_effects()
    return mentee, mentor, staff, pair_id


def relay_history(bot: Bot, pair_id: int, count: int = 3) -> None:
    """Messages the relay passed on earlier (only ids are kept)."""
    for n in range(1, count + 1):
        sender, receiver = (MENTEE, MENTOR) if n % 2 else (MENTOR, MENTEE)
        bot.store.relay.append(
            RelayLink(
                pair_id=pair_id,
                sender_id=sender,
                source_chat_id=sender,
                source_message_id=100 + n,
                target_chat_id=receiver,
                target_message_id=200 + n,
                created_at=bot.clock.now(),
            )
        )


def copies(effects: list[fx.Effect]) -> list[tuple[int, int]]:
    return [(e.from_chat_id, e.message_id) for e in effects if isinstance(e, fx.CopyMessage)]


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
    assert (
        "<b>Sam</b> (mentee) reported <b>Sam</b> (mentor) in College First Year, pair #1." in head
    )
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


# --- screen: what the relay calls before passing a text on -----------------------------------


async def screen(bot: Bot, dispatcher: MentorbotDispatcher, writer: int, text: str) -> None:
    """Run the relay's hook in a turn of `writer`, as the relay will."""
    person = bot.store.persons[writer]
    event = TextMessage(
        update_id=0,
        user=UserRef(id=writer),
        chat_id=writer,
        at=bot.clock.now(),
        message_id=77,
        text=text,
    )
    turn = Turn(event, person, None, Catalogs("en"), bot.clock.now())
    async with bot.store.uow() as uow:
        pair = (await uow.pairs.of_person(writer))[0]
        await dispatcher.safety.screen(turn, uow, pair, text)
        await uow.outbox.add(turn.effects, turn.now)
        await uow.commit()


async def test_crisis_words_bring_resources_and_a_priority_alert_with_the_message() -> None:
    bot, dispatcher = safety_bot()
    mentee, mentor, staff, pair_id = await paired(bot)
    relay_history(bot, pair_id, 2)
    await screen(bot, dispatcher, MENTEE, "honestly I want to kill myself")
    out = texts(mentee.new_effects())
    assert len(out) == 1 and "You don't have to face it alone" in out[0]
    assert "988" in out[0] and "Telefono Amico" in out[0] and "112" in out[0]
    assert texts(mentor.new_effects()) == [], "the partner is not told"
    alert = staff.new_effects()
    # issue 13: ONE labelled message in the safety lane, the pair's messages listed in order
    # (the one that raised it with its words), buttons to act; no loose copies any more
    assert len(alert) == 1 and isinstance(alert[0], fx.SendText) and alert[0].safety
    head = alert[0].text
    assert head.startswith("🚨 <b>Crisis alert #1</b>") and "crisis words (kill myself)" in head
    assert "not messages to you" in head and copies(alert) == []
    listed = head.split("not messages to you):\n")[1].split("\n")
    assert [line.split(": ", 1)[1] for line in listed] == [
        "a message (mentorbot keeps no words)",
        "a message (mentorbot keeps no words)",
        "«honestly I want to kill myself»",
    ]
    assert [b.data for row in alert[0].buttons for b in row] == [
        f"st:pause:{pair_id}",
        f"st:user:{MENTEE}",
        "st:reports:show:1",
        "st:reports:done:1",
    ]
    report = bot.store.reports[1]
    assert (report.reason, report.priority, report.reporter_id, report.pair_id) == (
        "crisis",
        True,
        MENTEE,
        pair_id,
    )
    await screen(bot, dispatcher, MENTEE, "I can't go on")
    assert len(bot.store.reports) == 1, "the open crisis report of the day is reused"
    assert "<b>Crisis alert #1</b>" in texts(staff.new_effects())[0]
    assert "face it alone" in texts(mentee.new_effects())[0], "resources every time"
    await screen(bot, dispatcher, MENTEE, "See you on Tuesday at the library")
    assert texts(mentee.new_effects()) == [] and texts(staff.new_effects()) == []


async def test_through_the_relay_the_message_is_delivered_and_screened() -> None:
    bot, dispatcher = safety_bot()
    dispatcher.relay.screen = dispatcher.safety.screen  # until the dispatcher wires it itself
    mentee, mentor, staff, _pair = await paired(bot)
    out = await mentee.say("Sometimes I think about suicide")
    assert any("face it alone" in t for t in out)
    received = mentor.new_effects()
    assert any(isinstance(e, fx.CopyMessage | fx.CopyMessages) for e in received)
    assert texts(received) == [], "the partner only gets the message itself"
    assert "Crisis alert" in texts(staff.new_effects())[0]


async def test_contact_details_early_in_a_match_get_a_gentle_reminder() -> None:
    bot, dispatcher = safety_bot()
    mentee, mentor, staff, _pair = await paired(bot)
    await screen(bot, dispatcher, MENTOR, "call me on +39 333 123 4567")
    out = texts(mentor.new_effects())
    assert len(out) == 1 and "phone numbers" in out[0] and "never ask for or send" not in out[0]
    await screen(bot, dispatcher, MENTEE, "can you lend me some money? my paypal is fine")
    out = texts(mentee.new_effects())
    assert "never ask for or send money" in out[0] and "phone numbers" not in out[0]
    await screen(bot, dispatcher, MENTEE, "mail me at sam@example.org or send me money")
    out = texts(mentee.new_effects())
    assert "phone numbers" in out[0] and "never ask for or send money" in out[0]
    assert texts(staff.new_effects()) == [] and not bot.store.reports
    bot.clock.advance(14 * DAY + 60)
    await screen(bot, dispatcher, MENTOR, "call me on +39 333 123 4567")
    assert texts(mentor.new_effects()) == [], "after the first two weeks: no reminder"


# --- relationship check-ins --------------------------------------------------------------------


def checkins(bot: Bot) -> RelationshipCheckins:
    return RelationshipCheckins(bot.store.uow, bot.clock, bot.programs, Catalogs("en"))


async def test_checkins_are_asked_once_per_period_and_ratings_stored() -> None:
    bot, _ = safety_bot()
    mentee, mentor, _staff, pair_id = await paired(bot)
    job = checkins(bot)
    assert await job.run() == 0
    bot.clock.advance(14 * DAY)
    assert await job.run() == 1
    question = mentee.last_keyboard()
    assert "How is your mentorship with Sam going?" in question.text
    assert [b.data for b in question.buttons[0]] == [f"sg:rate:{pair_id}:{n}" for n in range(1, 6)]
    assert "How is your mentorship" in mentor.last_keyboard().text
    assert await job.run() == 0, "asked once"
    bot.clock.advance(DAY)
    assert await job.run() == 0
    effects = await mentee.press("4")
    assert answers(effects) == ["Thank you, your answer is saved."]
    edits = [e for e in effects if isinstance(e, fx.EditText)]
    assert edits and edits[0].text.endswith("<b>→ 4</b>") and not edits[0].buttons
    await mentee.press("", data=f"sg:rate:{pair_id}:4")  # a double tap: one answer
    mentor.new_effects()
    out = texts(await mentor.press("2"))
    assert "I'm sorry it isn't going well" in out[0]
    assert sorted((r.person_id, r.rating) for r in bot.store.ratings.values()) == [
        (MENTEE, 4),
        (MENTOR, 2),
    ]
    bot.clock.advance(13 * DAY)
    assert await job.run() == 1, "the second check-in"


async def test_forged_stale_and_outsider_ratings_store_nothing() -> None:
    bot, _ = safety_bot()
    mentee, _mentor, _staff, pair_id = await paired(bot)
    outsider = Dialog(bot, OTHER)
    await onboard(outsider, role="mentee")
    effects = await outsider.press("", data=f"sg:rate:{pair_id}:5")
    assert "no longer active" in (answers(effects)[0] or "")
    for data in (
        f"sg:rate:{pair_id}:9",
        f"sg:rate:{pair_id}:0",
        f"sg:rate:{pair_id}:-1",
        "sg:rate:x:3",
        "sg:rate:999:3",
        f"sg:rate:{pair_id}",
        f"sg:rate:{pair_id}:3:1",
    ):
        effects = await mentee.press("", data=data)
        assert "no longer active" in (answers(effects)[0] or ""), data
    await mentee.say("/block")
    await mentee.press("Yes, block")
    effects = await mentee.press("", data=f"sg:rate:{pair_id}:3")
    assert "no longer active" in (answers(effects)[0] or ""), "the pair has ended"
    assert not bot.store.ratings


async def test_checkins_wait_for_quiet_hours_and_skip_paused_pairs() -> None:
    bot, _ = safety_bot()
    _mentee, _mentor, _staff, pair_id = await paired(bot)
    job = checkins(bot)
    bot.clock.advance(14 * DAY + 12 * 3600)  # 21:00 UTC = 22:00 in Rome: quiet
    assert await job.run() == 0
    bot.clock.advance(10 * 3600)  # 08:00 Rome
    assert await job.run() == 1
    bot.store.pairs[pair_id] = replace(bot.store.pairs[pair_id], status=PairStatus.PAUSED)
    bot.clock.advance(14 * DAY)
    assert await job.run() == 0, "paused pairs are not asked"
