"""Issue 13, defect 1 for steps: a reply to a curriculum step decides the pair, as a reply to a
relayed message does. A mentor with two mentees replies to the step of the one who is not the
chosen one: it reaches that mentee, never the other; once that pair has ended, the reply reaches
no one and the mentor is told. Real aiogram and python-telegram-bot over HTTP against the
sandbox; what people see is read from the chats, what is kept from the database."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.core.models import Pair, PairStatus, Role, ScheduledStep
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.services.pairs import end_pair
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, seed_pair, seed_person
from tests.e2e.quick_program import PROGRAM
from tests.e2e.test_trust_routing import received, source_linked

MIA, LEO, BO = 7_314_001, 7_314_002, 7_314_010


async def delivered_step(bot: BotProcess, pair: Pair, person_id: int) -> ScheduledStep:
    """The person's first step of the pair, once its message id is noted (just after the
    chat shows it)."""
    assert bot.core is not None
    for _ in range(int(REPLY_TIMEOUT / 0.05)):
        async with bot.core.conversations.uows() as uow:
            rows = [r for r in await uow.schedule.of_pair(pair.id) if r.person_id == person_id]
        if rows and rows[0].message_id is not None:
            return rows[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"the step of person {person_id} in pair {pair.id} was never noted")


async def step_message(client: SandboxClient, chat_id: int, text: str) -> ChatMessage:
    [found] = await client.wait_for_messages(
        chat_id, lambda m: text in (m.text or ""), timeout=REPLY_TIMEOUT
    )
    return found


async def test_a_reply_to_a_step_reaches_that_steps_pair_and_no_one_once_it_ended(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    await seed_person(bot, client, MIA, role=Role.MENTEE, program=PROGRAM, name="Mia")
    await seed_person(bot, client, LEO, role=Role.MENTEE, program=PROGRAM, name="Leo")
    await seed_person(bot, client, BO, role=Role.MENTOR, program=PROGRAM, name="Bo")
    with_mia = await seed_pair(bot, MIA, BO, PROGRAM)
    with_leo = await seed_pair(bot, LEO, BO, PROGRAM)
    mia_step = await delivered_step(bot, with_mia, BO)
    leo_step = await delivered_step(bot, with_leo, BO)
    # Bo's two step messages (one per mentee) are noted, each with its pair
    shown = await client.wait_for_messages(
        BO, lambda m: "Mentor text 1" in (m.text or ""), count=2, timeout=REPLY_TIMEOUT
    )
    assert {m.message_id for m in shown} == {mia_step.message_id, leo_step.message_id}
    assert leo_step.message_id is not None
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:  # Bo is writing to Mia
        bo = await uow.persons.get(BO)
        assert bo is not None
        await uow.persons.update(replace(bo, active_pair_id=with_mia.id))
        await uow.commit()

    reply = await client.send_text(
        BO, "Leo, about this step", reply_to_message_id=leo_step.message_id
    )
    [copy] = await client.wait_for_messages(
        LEO, lambda m: m.content == "Leo, about this step", timeout=REPLY_TIMEOUT
    )
    assert copy.copied
    assert await source_linked(bot, BO, reply.message_id, wait=True)
    async with bot.core.conversations.uows() as uow:
        [link] = await uow.relay.copies_of(BO, reply.message_id)
    assert (link.pair_id, link.target_chat_id) == (with_leo.id, LEO)
    assert not await received(client, MIA, "Leo, about this step"), "misrouted to Mia"

    async with bot.core.conversations.uows() as uow:  # staff end Leo's pair
        pair = await uow.pairs.get(with_leo.id)
        assert pair is not None
        await end_pair(uow, pair, 0, "staff", bot.core.clock.now())
        await uow.commit()
    late = await client.send_text(
        BO, "Leo, secret-for-leo-only", reply_to_message_id=leo_step.message_id
    )
    [told] = await client.wait_for_messages(BO, since=late.message_id, timeout=REPLY_TIMEOUT)
    assert told.content.startswith("Your conversation with Leo has ended, so your message")
    await client.send_text(BO, "and you, Mia?")  # goes to Mia, after anything sent before
    await client.wait_for_messages(
        MIA, lambda m: m.content == "and you, Mia?", timeout=REPLY_TIMEOUT
    )
    assert not await received(client, MIA, "secret-for-leo-only"), "misrouted to Mia"
    assert not await received(client, LEO, "secret-for-leo-only")
    assert not await source_linked(bot, BO, late.message_id), "nothing was relayed"
    async with bot.core.conversations.uows() as uow:
        statuses = [(await uow.pairs.get(p.id)) for p in (with_mia, with_leo)]
    assert [p.status for p in statuses if p] == [PairStatus.ACTIVE, PairStatus.ENDED]


async def test_a_mentees_reply_to_their_step_reaches_their_mentor(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    await seed_person(bot, client, MIA, role=Role.MENTEE, program=PROGRAM, name="Mia")
    await seed_person(bot, client, BO, role=Role.MENTOR, program=PROGRAM, name="Bo")
    pair = await seed_pair(bot, MIA, BO, PROGRAM)
    step = await delivered_step(bot, pair, MIA)
    shown = await step_message(client, MIA, "Mentee text 1")
    assert shown.message_id == step.message_id
    reply = await client.send_text(
        MIA, "A question on step 1", reply_to_message_id=shown.message_id
    )
    await client.wait_for_messages(
        BO, lambda m: m.content == "A question on step 1", timeout=REPLY_TIMEOUT
    )
    assert await source_linked(bot, MIA, reply.message_id, wait=True)
