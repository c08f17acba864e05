"""Issue 13, defect 7, as transcripts over in-memory storage: a mentor whose pair with the mentee
ended (any reason), or who declined them, is never asked about that mentee again; a mentor who
pressed Accept while full ("capacity") was not declining and may be asked again."""

from __future__ import annotations

from dataclasses import replace

from bot.core.models import PairStatus, ProposalStatus
from bot.core.staff import StaffMember, StaffRole
from bot.services.matchmaking import matching_round
from tests.dialog import Bot, Dialog, texts
from tests.handlers.test_matching import people

COORDINATOR = 901


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


async def test_a_couple_that_ends_after_the_draft_is_not_published_and_pair_asks_first() -> None:
    bot = Bot()
    staff = bot.store.staff
    staff.members[COORDINATOR] = StaffMember(
        user_id=COORDINATOR,
        organisation="college-mentors",
        role=StaffRole.COORDINATOR,
        added_at=bot.clock.now(),
    )
    mentee, first, _second = await people(bot)
    bot.store.persons[502] = replace(bot.store.persons[502], capacity=0)  # only Ben can take her
    coordinator = Dialog(bot, COORDINATOR)
    [draft] = await coordinator.say("/match college")
    assert "1 of 1 mentee paired" in draft
    # meanwhile she asks, the mentor accepts, and she ends it as not a good fit
    await mentee.say("/findmentor")
    await first.press("Accept")
    await mentee.say("/end")
    await mentee.press("Not a good fit")
    await mentee.press("Skip")
    [published] = await coordinator.say("/match publish")
    assert "0 pairs started" in published and "ended or declined before (see /pair)" in published
    [asked] = await coordinator.say("/pair 500 501")
    assert "were matched before" in asked and "by the mentee: “Not a good fit”" in asked
    assert [p.status for p in bot.store.pairs.values()] == [PairStatus.ENDED]
    effects = await coordinator.press("Pair them again")
    assert any("✅ Paired: " in t for t in texts(effects))
    assert [p.status for p in bot.store.pairs.values()] == [PairStatus.ENDED, PairStatus.ACTIVE]
    entry = max(bot.store.staff.audit.values(), key=lambda e: e.id)
    assert entry.action == "pair" and "confirmed after: ended" in entry.detail
