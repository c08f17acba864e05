"""Issue 13, defect 7, as transcripts over in-memory storage: a mentor whose pair with the mentee
ended (any reason), or who declined them, is never asked about that mentee again; a mentor who
pressed Accept while full ("capacity") was not declining and may be asked again."""

from __future__ import annotations

from dataclasses import replace

from bot.core.models import PairStatus, ProposalStatus
from bot.services.matchmaking import matching_round
from tests.dialog import Bot, texts
from tests.flows.test_matching_flows import people


async def test_an_ended_mentor_and_a_decliner_are_never_asked_again() -> None:
    bot = Bot()
    mentee, first, second = await people(bot)
    await mentee.say("/findmentor")
    await first.press("Accept")
    await mentee.say("/end")
    await mentee.press("We reached our goals")  # even a happy ending: not proposed again
    await mentee.press("Skip")
    [pair] = bot.store.pairs.values()
    assert (pair.status, pair.mentor_id) == (PairStatus.ENDED, 501)
    first.new_effects()
    out = await mentee.say("/findmentor")
    assert "asked a mentor" in out[0]
    assert texts(first.new_effects()) == []
    assert "would like a mentor" in texts(second.new_effects())[0]
    await second.press("Decline")
    await second.press("Another reason")
    assert "No mentor is free right now" in texts(mentee.new_effects())[-1]
    for _ in range(2):
        await matching_round(bot.store.uow, bot.matchmaker, bot.clock, lambda: None)
    assert texts(first.new_effects()) == [] and texts(second.new_effects()) == []
    assert [(p.mentor_id, p.status) for p in bot.store.proposals.values()] == [
        (501, ProposalStatus.ACCEPTED),
        (502, ProposalStatus.DECLINED),
    ]


async def test_a_mentor_who_was_full_when_accepting_is_not_history() -> None:
    bot = Bot()
    mentee, first, second = await people(bot)
    bot.store.persons[502] = replace(bot.store.persons[502], capacity=0)
    await mentee.say("/findmentor")
    bot.store.persons[501] = replace(bot.store.persons[501], capacity=0)
    assert "as many people as you offered" in texts(await first.press("Accept"))[-1]
    assert bot.store.proposals[1].reason == "capacity"
    async with bot.store.uow() as uow:
        assert await uow.matching.history([500]) == [], "pressing Accept is not declining"
