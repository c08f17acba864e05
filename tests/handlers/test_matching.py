"""Proposal-mode matching as transcripts over in-memory storage."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.models import PairStatus, ProposalStatus, RequestStatus, StepStatus
from bot.services.matchmaking import matching_round
from tests.dialog import Bot, Dialog, answers, onboard, texts


async def approve(bot: Bot, *user_ids: int) -> None:
    """Staff approval and training arrive in other issues: set them directly."""
    for user_id in user_ids:
        person = bot.store.persons[user_id]
        bot.store.persons[user_id] = replace(
            person, approved_at=bot.clock.now(), training_passed_at=bot.clock.now()
        )


async def people(bot: Bot) -> tuple[Dialog, Dialog, Dialog]:
    mentee, first, second = Dialog(bot, 500), Dialog(bot, 501), Dialog(bot, 502)
    await onboard(mentee, role="mentee")
    await onboard(first, role="mentor")
    await onboard(second, role="mentor")
    await approve(bot, 501, 502)
    return mentee, first, second


async def test_mentee_is_matched_after_a_decline() -> None:
    bot = Bot()
    mentee, first, second = await people(bot)
    out = await mentee.say("/findmentor")
    assert "number 1 in the queue" in out[0] and "asked a mentor" in out[0]
    offer = texts(first.new_effects())
    assert "A mentee in College First Year would like a mentor" in offer[0]
    assert "Sam" not in offer[0], "the mentor sees an anonymised profile"
    assert texts(second.new_effects()) == []
    assert "Why are you declining" in texts(await first.press("Decline"))[0]
    await first.press("No time right now")
    proposal = bot.store.proposals[1]
    assert (proposal.status, proposal.reason) == (ProposalStatus.DECLINED, "busy")
    assert "would like a mentor" in texts(second.new_effects())[0]
    effects = await second.press("Accept")
    assert "Accepted" in (answers(effects)[0] or "")
    assert "You're now the mentor of <b>Sam</b>" in texts(effects)[-1]
    assert "You're matched with <b>Sam</b>" in texts(mentee.new_effects())[-1]
    pair = next(iter(bot.store.pairs.values()))
    assert (pair.mentee_id, pair.mentor_id, pair.status) == (500, 502, PairStatus.ACTIVE)
    request = next(iter(bot.store.requests.values()))
    assert request.status is RequestStatus.MATCHED and request.pair_id == pair.id
    rows = [r for r in bot.store.schedule.values() if r.pair_id == pair.id]
    assert len(rows) == 48 and {r.status for r in rows} == {StepStatus.SCHEDULED}
    assert "already have a mentor" in (await mentee.say("/findmentor"))[0]


async def test_deadline_passes_and_the_next_mentor_is_asked() -> None:
    bot = Bot()
    mentee, first, second = await people(bot)
    await mentee.say("/findmentor")
    first.new_effects()
    bot.clock.advance(timedelta(hours=49).total_seconds())
    await matching_round(bot.store.uow, bot.matchmaker, bot.clock, lambda: None)
    assert "has expired" in texts(first.new_effects())[0]
    assert "would like a mentor" in texts(second.new_effects())[0]
    statuses = [p.status for p in bot.store.proposals.values()]
    assert statuses == [ProposalStatus.EXPIRED, ProposalStatus.PENDING]


async def test_no_free_mentor_puts_the_mentee_in_the_queue_until_one_is_free() -> None:
    bot = Bot()
    mentee, first, _second = Dialog(bot, 510), Dialog(bot, 511), Dialog(bot, 512)
    await onboard(mentee, role="mentee")
    await onboard(first, role="mentor")  # not approved yet: not eligible
    out = await mentee.say("/findmentor")
    assert "No mentor is free right now" in out[0] and "number 1" in out[0]
    assert "number 1" in (await mentee.say("/findmentor"))[0]  # asking again: same place
    await approve(bot, 511)
    await matching_round(bot.store.uow, bot.matchmaker, bot.clock, lambda: None)
    assert "would like a mentor" in texts(first.new_effects())[0]
    assert "asked a mentor" in texts(mentee.new_effects())[-1]


async def test_capacity_is_respected_and_forged_presses_change_nothing() -> None:
    bot = Bot()
    mentee, first, second = await people(bot)
    bot.store.persons[502] = replace(bot.store.persons[502], capacity=0)  # on a break
    await mentee.say("/findmentor")
    offer = first.last_keyboard()
    accept = offer.buttons[0][0].data
    assert accept is not None and accept.startswith("mp:")
    for data in ("mp:999:accept", "mp:x:accept", f"{accept}:extra", "mp:1:r:nonsense"):
        effects = await second.press("", data=data)
        assert "no longer active" in (answers(effects)[0] or ""), data
    effects = await second.press("", data=accept)  # someone else's proposal
    assert "no longer active" in (answers(effects)[0] or "")
    assert not bot.store.pairs
    bot.store.persons[501] = replace(bot.store.persons[501], capacity=0)  # full meanwhile
    out = texts(await first.press("Accept"))
    assert "as many people as you offered" in out[-1]
    assert not bot.store.pairs
    assert "No mentor is free right now" in texts(mentee.new_effects())[-1]


async def test_find_mentor_button_after_onboarding_and_refusals() -> None:
    bot = Bot()
    mentee, mentor, _ = Dialog(bot, 520), Dialog(bot, 521), Dialog(bot, 522)
    assert "finish signing up" in (await mentee.say("/findmentor"))[0]
    await onboard(mentee, role="mentee")
    final = mentee.last_keyboard()
    assert "Find a mentor" in final.buttons[0][0].text
    out = texts(await mentee.press("Find a mentor"))
    assert "No mentor is free right now" in out[-1]
    await onboard(mentor, role="mentor")
    assert "Mentors don't need to ask" in (await mentor.say("/findmentor"))[0]
