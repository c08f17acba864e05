"""Where a reply goes once a pair has ended, is paused, or answers a bot message (issue 13,
defect 1): a reply decides the pair only when it answers a relayed message or a step of a pair,
and a reply to a message of an ended pair reaches no one."""

from __future__ import annotations

from dataclasses import replace

from bot.core import effects as fx
from bot.core.events import BotBlocked
from bot.core.models import PairStatus, Role, ScheduledStep, StepStatus
from bot.i18n import Catalogs
from bot.messages.steps import step_message
from tests.handlers.relay_world import Chat, Received, World


def copies(received: list[Received]) -> list[fx.Effect]:
    """What was relayed into a chat (copies, and labelled texts carrying a relay tag)."""
    return [r.effect for r in received if getattr(r.effect, "relay", None) is not None]


def mentor_of_two() -> tuple[World, Chat, Chat, Chat]:
    world = World()
    ana = world.person(100, Role.MENTEE, "Ana")
    cy = world.person(101, Role.MENTEE, "Cy")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    world.pair(cy, bo)
    return world, ana, cy, bo


async def ended_by_mentee(chat: Chat) -> None:
    """The mentee ends the mentorship with /end ("Not a good fit", no rating)."""
    await chat.command("end")
    await chat.press("Not a good fit")
    await chat.press("Skip")


async def test_a_reply_to_a_mentee_who_ended_reaches_no_one() -> None:
    world, ana, cy, bo = mentor_of_two()
    await cy.say("hello from Cy")
    [from_cy] = bo.new()
    await ended_by_mentee(cy)
    assert world.pair_of(2).status is PairStatus.ENDED
    bo.new(), cy.new(), ana.new()
    await bo.say("Cy, are you still there?", reply_to=from_cy.message_id)
    assert copies(ana.new()) == [], "never to the other mentee"
    assert copies(cy.new()) == []
    [told] = bo.texts()
    assert told.startswith("Your conversation with Cy has ended, so your message was not sent")
    assert "/switch" in told, "and what the mentor can do instead"
    await bo.say("and you, Ana?")
    assert len(copies(ana.new())) == 1, "a plain message goes to the only active mentee"


async def test_a_reply_to_a_message_the_mentor_sent_to_an_ended_pair_reaches_no_one() -> None:
    world, ana, cy, bo = mentor_of_two()
    await cy.say("hi")
    [from_cy] = bo.new()
    mine = await bo.say("Hi Cy", reply_to=from_cy.message_id)
    assert len(copies(cy.new())) == 1
    world.store.pairs[2] = replace(world.pair_of(2), status=PairStatus.ENDED)  # staff ended it
    await bo.say("one more thing", reply_to=mine)
    assert copies(ana.new()) == copies(cy.new()) == []
    assert "Your conversation with Cy has ended" in bo.texts()[-1]


async def test_a_mentee_whose_mentorship_ended_is_told_by_name() -> None:
    world = World()
    ana = world.person(100, Role.MENTEE, "Ana")
    bo = world.person(200, Role.MENTOR, "Bo")
    world.pair(ana, bo)
    await bo.say("see you")
    [from_bo] = ana.new()
    world.store.pairs[1] = replace(world.pair_of(1), status=PairStatus.ENDED)
    await ana.say("bye!", reply_to=from_bo.message_id)
    [told] = ana.texts()
    assert "Your conversation with Bo has ended" in told and "/findmentor" in told
    assert bo.new() == []


async def test_a_reply_to_a_mentee_who_blocked_the_bot_is_held_and_named() -> None:
    world, ana, cy, bo = mentor_of_two()
    await cy.say("hello from Cy")
    [from_cy] = bo.new()
    await world.handle(BotBlocked(**cy._base()))
    bo.new()
    await bo.say("Cy?", reply_to=from_cy.message_id)
    assert copies(ana.new()) == [] and copies(cy.new()) == []
    assert "Your mentorship with Cy is paused" in bo.texts()[0]


async def test_a_reply_to_a_bot_message_does_not_decide_the_pair() -> None:
    world, ana, cy, bo = mentor_of_two()
    await bo.command("progress")  # any bot message: it belongs to no pair
    bot_message = bo.new()[-1].message_id
    await bo.say("for whom?", reply_to=bot_message)
    assert "Who is this message for?" in bo.texts()[0], "asked, never guessed"
    assert copies(ana.new()) == copies(cy.new()) == []
    await bo.press("Cy")
    assert len(copies(cy.new())) == 1 and copies(ana.new()) == []


# -- a reply to a step decides the pair too -------------------------------------------------------


async def delivered_step(world: World, pair_id: int, chat: Chat) -> int:
    """Schedule and deliver the chat's first step of the pair, as a delivery round does (the
    real step message, tagged with its row); returns its message id in the chat."""
    pair = world.pair_of(pair_id)
    curriculum = world.bot.programs.curricula["college-first-year"]
    step = curriculum.steps[0]
    role = Role.MENTEE if chat.id == pair.mentee_id else Role.MENTOR
    row = ScheduledStep(
        pair_id=pair.id,
        person_id=chat.id,
        role=role,
        curriculum=curriculum.id,
        step_id=step.id,
        position=1,
        due_at=world.clock.now(),
    )
    async with world.store.uow() as uow:
        await uow.schedule.add_many([row])
        [row] = [r for r in await uow.schedule.of_pair(pair.id) if r.person_id == chat.id]
        await uow.schedule.mark([row.id], StepStatus.SENT, world.clock.now())
        t = Catalogs("en").translator("en")
        await uow.outbox.add(
            [step_message(row, chat.id, curriculum, step, t, "X")], world.clock.now()
        )
        await uow.commit()
    await world.deliver()
    [shown] = chat.new()
    async with world.store.uow() as uow:
        noted = await uow.schedule.get(row.id)
    assert noted is not None and noted.message_id == shown.message_id, "its message id is noted"
    return shown.message_id


async def test_a_reply_to_a_step_goes_to_that_steps_pair() -> None:
    world, ana, cy, bo = mentor_of_two()
    to_cy = await delivered_step(world, 2, bo)
    world.store.persons[bo.id] = replace(bo.me, active_pair_id=1)  # Bo writes to Ana
    await bo.say("Cy, about this step", reply_to=to_cy)
    assert len(copies(cy.new())) == 1 and copies(ana.new()) == []
    async with world.store.uow() as uow:
        assert await uow.schedule.pair_of_message(bo.id, to_cy) == 2
        assert await uow.schedule.pair_of_message(cy.id, to_cy) is None, "per person"


async def test_a_reply_to_a_step_of_an_ended_or_paused_pair_reaches_no_one() -> None:
    world, ana, cy, bo = mentor_of_two()
    to_cy = await delivered_step(world, 2, bo)
    world.store.pairs[2] = replace(world.pair_of(2), status=PairStatus.PAUSED)
    await bo.say("still there?", reply_to=to_cy)
    assert copies(ana.new()) == copies(cy.new()) == []
    assert "Your mentorship with Cy is paused" in bo.texts()[-1]
    world.store.pairs[2] = replace(world.pair_of(2), status=PairStatus.ENDED)
    await bo.say("one more thing", reply_to=to_cy)
    assert copies(ana.new()) == copies(cy.new()) == [], "never to the only active mentee"
    assert bo.texts()[-1].startswith("Your conversation with Cy has ended")


async def test_a_mentees_reply_to_a_step_goes_to_their_mentor() -> None:
    world, ana, _cy, bo = mentor_of_two()
    mine = await delivered_step(world, 1, ana)
    await ana.say("a question on the step", reply_to=mine)
    assert len(copies(bo.new())) == 1


async def test_a_reply_to_a_step_reopened_from_steps_goes_to_that_steps_pair() -> None:
    world, ana, cy, bo = mentor_of_two()
    await delivered_step(world, 2, bo)
    async with world.store.uow() as uow:
        [row] = [r for r in await uow.schedule.of_pair(2) if r.person_id == bo.id]
    world.store.persons[bo.id] = replace(bo.me, active_pair_id=1)  # Bo writes to Ana
    await bo.press_data(f"cs:o:{row.id}")  # "📚 All steps", then the step: opened again
    [reopened] = [r for r in bo.new() if isinstance(r.effect, fx.SendText)]
    assert "Step 1" in reopened.text
    await bo.say("Cy, about the step again", reply_to=reopened.message_id)
    assert len(copies(cy.new())) == 1 and copies(ana.new()) == []
