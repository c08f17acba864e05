"""A reply to a message the bot can no longer place (issue 13, defect 1, through /forgetme and
the retention purge): the links of an erased partner's pairs are deleted, and links older than
RELAY_RETENTION_DAYS are purged, so such a reply names no pair. It is never guessed onto
another conversation: someone who has had another pair is asked to send it again without
replying; someone who has only ever had one pair still reaches that partner."""

from __future__ import annotations

from datetime import timedelta

from bot.core.models import PairStatus, Role
from bot.core.privacy import Retention
from bot.services.privacy import retention_round
from tests.fakes.clock import FakeClock
from tests.handlers.relay_world import Chat, World
from tests.handlers.test_relay_routing import copies, ended_by_mentee, mentor_of_two

CANNOT_TELL = "I can't tell which of your conversations the message you replied to belongs to"
# relay links purged, open conversations left alone
RETENTION = Retention(relay_days=30, report_days=60, flow_idle=timedelta(days=3650))


async def purge(world: World) -> int:
    """The retention round, run RELAY_RETENTION_DAYS and a day after now."""
    later = FakeClock(world.clock.now() + timedelta(days=RETENTION.relay_days + 1))
    return (await retention_round(world.store.uow, later, RETENTION)).relay_links


async def forget(chat: Chat) -> None:
    await chat.command("forgetme")
    await chat.press("Yes, erase my data")


async def test_a_reply_to_a_forgotten_mentee_never_reaches_the_other_mentee() -> None:
    world, ana, cy, bo = mentor_of_two()
    await cy.say("hello from Cy")
    [from_cy] = bo.new()
    await forget(cy)
    assert 101 not in world.store.persons
    assert world.pair_of(2).status is PairStatus.ENDED
    bo.new(), ana.new()
    await bo.say("Cy, are you still there?", reply_to=from_cy.message_id)
    assert copies(ana.new()) == [], "never to the other mentee"
    [told] = bo.texts()
    assert told.startswith(CANNOT_TELL) and "without replying" in told
    await bo.say("and you, Ana?")
    assert len(copies(ana.new())) == 1, "a plain message still goes to the only active mentee"


async def test_a_reply_to_a_message_whose_record_was_purged_is_not_guessed() -> None:
    world, ana, cy, bo = mentor_of_two()
    await cy.say("hello from Cy")
    [from_cy] = bo.new()
    mine = await bo.say("hello Cy", reply_to=from_cy.message_id)
    await ended_by_mentee(cy)
    assert await purge(world) >= 2
    bo.new(), ana.new()
    for replied in (from_cy.message_id, mine):
        await bo.say("Cy?", reply_to=replied)
        assert copies(ana.new()) == [], "never to the other mentee"
        assert bo.texts()[0].startswith(CANNOT_TELL)


async def test_with_a_chosen_mentee_an_unplaced_reply_is_not_sent_to_the_chosen_one() -> None:
    world, ana, cy, bo = mentor_of_two()
    await cy.say("hello from Cy")
    [from_cy] = bo.new()
    await bo.command("switch")
    await bo.press("Ana")  # messages go to Ana from now on
    await purge(world)
    bo.new(), ana.new()
    await bo.say("Cy?", reply_to=from_cy.message_id)
    assert copies(ana.new()) == [] and copies(cy.new()) == []
    assert bo.texts()[0].startswith(CANNOT_TELL)
    await bo.say("Ana!")  # not a reply: to the chosen mentee
    assert len(copies(ana.new())) == 1


async def test_someone_with_only_ever_one_pair_still_reaches_their_partner() -> None:
    world = World()
    ana = world.person(100, Role.MENTEE, "Ana")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    await ana.say("hello Bo")
    [from_ana] = bo.new()
    await bo.command("progress")  # a bot message: it belongs to no pair
    progress = bo.new()[-1].message_id
    await purge(world)
    for replied in (from_ana.message_id, progress):
        await bo.say("hi Ana", reply_to=replied)
        assert len(copies(ana.new())) == 1, "the only pair he has ever had"
        assert bo.texts() == []
