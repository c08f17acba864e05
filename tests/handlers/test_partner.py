"""/partner: a mentor keeps the profile the proposal showed them, a mentee sees what they may
of their mentor; both cards are sent when the pair is formed (pinned)."""

from __future__ import annotations

from dataclasses import replace

from bot.core import effects as fx
from tests.dialog import Bot, Dialog, onboard, texts
from tests.handlers.test_matching import people

PROFILE = (
    "<b>Goals:</b> Financial aid and scholarships",
    "<b>Interests:</b> Business and economics",
    "<b>Experiences:</b> —",
    "<b>Languages:</b> English",
    "<b>Time zone:</b> Europe/Rome",
)


def cards(effects: list[fx.Effect]) -> list[fx.SendText]:
    return [e for e in effects if isinstance(e, fx.SendText) and "👤" in e.text]


async def test_partner_before_and_after_a_match_shows_what_the_proposal_showed() -> None:
    bot = Bot()
    mentee, mentor, _ = await people(bot)
    assert (await mentee.say("/partner")) == [
        "You don't have a mentor yet. Send /findmentor to ask for one."
    ]
    assert (await mentor.say("/partner")) == [
        "You don't have a mentee yet. We'll tell you here as soon as one is matched with you."
    ]
    await mentee.say("/findmentor")
    offer = texts(mentor.new_effects())[0]
    assert all(line in offer for line in PROFILE), offer
    assert "You share 1 goal with them." in offer
    formed = await mentor.press("Accept")
    pinned = cards(formed)
    assert len(pinned) == 1 and pinned[0].chat_id == mentor.user.id and pinned[0].pin
    assert pinned[0].text.splitlines() == [
        "👤 <b>Your mentee Sam</b> (College First Year)",
        *PROFILE,
    ]
    assert (await mentor.say("/partner")) == [pinned[0].text]
    mentee_cards = cards(mentee.new_effects())
    assert len(mentee_cards) == 1 and mentee_cards[0].pin
    seen = await mentee.say("/partner")
    assert seen == [mentee_cards[0].text]
    assert seen[0].splitlines() == [
        "👤 <b>Your mentor Sam</b> (College First Year)",
        "<b>Can help with:</b> Financial aid and scholarships",
        "<b>Fields they know well:</b> Business and economics",
        "<b>Languages:</b> English",
        "<b>Time zone:</b> Europe/Rome",
    ]
    assert "Experiences" not in seen[0], "a mentee does not see the mentor's experiences"


async def test_a_mentor_with_two_mentees_gets_each_profile() -> None:
    bot = Bot()
    first, mentor, other = await people(bot)
    second = Dialog(bot, 503)
    await onboard(second, role="mentee")
    await first.say("/findmentor")
    await mentor.press("Accept")
    await second.say("/findmentor")
    mentor.new_effects()
    offered = [e for e in other.new_effects() if "would like a mentor" in getattr(e, "text", "")]
    if offered:  # the best mentor for the second mentee may be the other one: decline there
        await other.press("Decline")
        await other.press("No time right now")
    await mentor.press("Accept")
    shown = await mentor.say("/partner")
    assert len(shown) == 2
    assert all(s.startswith("👤 <b>Your mentee Sam</b>") for s in shown)


async def test_the_proposal_leaves_out_zero_goals_in_common() -> None:
    bot = Bot()
    mentee, mentor, other = await people(bot)
    for user_id in (mentor.user.id, other.user.id):  # mentors who can help with another goal
        bot.store.persons[user_id] = replace(bot.store.persons[user_id], goals=("career",))
    await mentee.say("/findmentor")
    offer = [t for t in texts(mentor.new_effects()) + texts(other.new_effects()) if "would" in t]
    assert offer and "<b>Goals:</b> Financial aid and scholarships" in offer[0]
    assert "You share" not in offer[0] and "0 goals" not in offer[0]
