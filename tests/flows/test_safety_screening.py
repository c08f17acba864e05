"""Safeguarding beyond the flows, as transcripts: the checks the relay runs on each text
(`screen`) and relationship check-ins, with every refusal."""

from __future__ import annotations

from dataclasses import replace

from bot.core import effects as fx
from bot.core.events import TextMessage, UserRef
from bot.core.models import PairStatus
from bot.core.turn import Turn
from bot.handlers.dispatch import MentorbotDispatcher
from bot.i18n import Catalogs
from bot.services.relationship_checkins import RelationshipCheckins
from tests.dialog import Bot, Dialog, answers, onboard, texts
from tests.flows.safety_world import (
    DAY,
    MENTEE,
    MENTOR,
    OTHER,
    copies,
    paired,
    relay_history,
    safety_bot,
)

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
