"""Issue 13, defects 1 and 2, end to end on both transports: a reply to a message of a pair
that has ended reaches no one (never the mentor's other mentee), and an open flow that waits
only for buttons never swallows a message meant for the partner."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.models import ModuleResult, PairStatus, Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage, SentUpdate
from bot.services.pairs import end_pair
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, User, seed_pair, seed_person
from tests.e2e.test_relay import linked

ANA, CY, BO = 7_313_001, 7_313_002, 7_313_010


async def mentor_of_two(bot: BotProcess, client: SandboxClient) -> tuple[User, User, User]:
    """Bo mentors Ana (pair 1) and Cy (pair 2)."""
    await seed_person(bot, client, ANA, role=Role.MENTEE, program="college", name="Ana")
    await seed_person(bot, client, CY, role=Role.MENTEE, program="college", name="Cy")
    await seed_person(bot, client, BO, role=Role.MENTOR, program="college", name="Bo")
    await seed_pair(bot, ANA, BO, "college")
    await seed_pair(bot, CY, BO, "college")
    return User(client, ANA), User(client, CY), User(client, BO)


async def cy_has_written(bot: BotProcess, client: SandboxClient) -> tuple[User, ChatMessage]:
    """Bo mentors Ana and Cy; Cy has written to Bo, and Bo's copy is linked to her message."""
    _ana, cy, _bo = await mentor_of_two(bot, client)
    await client.send_text(CY, "hi from Cy")
    [from_cy] = await client.wait_for_messages(
        BO, lambda m: "hi from Cy" in m.content, timeout=REPLY_TIMEOUT
    )
    await linked(bot, from_cy, chat_id=BO)
    return cy, from_cy


async def staff_end_pair_of_cy(bot: BotProcess) -> None:
    """Staff end pair 2 (Cy and Bo)."""
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(2)
        assert pair is not None
        await end_pair(uow, pair, 0, "staff", bot.core.clock.now())
        await uow.commit()


async def received(client: SandboxClient, chat_id: int, words: str) -> list[ChatMessage]:
    return [m for m in await client.bot_messages(chat_id) if words in m.content]


async def source_linked(
    bot: BotProcess, chat_id: int, message_id: int, *, wait: bool = False
) -> bool:
    """Whether a message was relayed (its copy linked); `wait`: give the bot the few
    milliseconds it takes to link a copy after it shows in the chat."""
    assert bot.core is not None
    for _ in range(int(REPLY_TIMEOUT / 0.05) if wait else 1):
        async with bot.core.conversations.uows() as uow:
            if await uow.relay.copies_of(chat_id, message_id):
                return True
        await asyncio.sleep(0.05)
    return False


async def reached_no_one(bot: BotProcess, client: SandboxClient, reply: SentUpdate) -> None:
    """Bo's reply "Cy, secret-for-cy-only" reached neither mentee and was not relayed."""
    await client.send_text(BO, "and you, Ana?")  # goes to Ana, after anything sent before
    await client.wait_for_messages(
        ANA, lambda m: m.content == "and you, Ana?", timeout=REPLY_TIMEOUT
    )
    assert not await received(client, ANA, "secret-for-cy-only"), "misrouted to Ana"
    assert not await received(client, CY, "secret-for-cy-only")
    assert not await source_linked(bot, BO, reply.message_id), "nothing was relayed"


@pytest.mark.parametrize("how", ["end", "staff", "block"])
async def test_a_reply_to_a_mentee_who_left_never_reaches_the_other_mentee(
    client: SandboxClient, bot: BotProcess, how: str
) -> None:
    cy, from_cy = await cy_has_written(bot, client)
    assert bot.core is not None
    if how == "end":
        await cy.say("/end")
        await cy.press("Not a good fit")
        await cy.press("Skip", expect=2)  # thanks, and the flow's farewell
        await client.wait_for_messages(
            BO, lambda m: "come to an end" in m.content, timeout=REPLY_TIMEOUT
        )
    elif how == "staff":
        await staff_end_pair_of_cy(bot)
    else:
        await client.block(CY)
        await client.wait_for_messages(BO, lambda m: "paused" in m.content, timeout=REPLY_TIMEOUT)
    since = (await client.messages(BO))[-1].message_id
    reply = await client.send_text(
        BO, "Cy, secret-for-cy-only", reply_to_message_id=from_cy.message_id
    )
    [told] = await client.wait_for_messages(BO, since=reply.message_id, timeout=REPLY_TIMEOUT)
    if how == "block":
        assert "Your mentorship with Cy is paused" in told.content
    else:
        assert told.content.startswith("Your conversation with Cy has ended, so your message")
        assert "/switch" in told.content
    await reached_no_one(bot, client, reply)
    async with bot.core.conversations.uows() as uow:
        status = [(await uow.pairs.get(i)) for i in (1, 2)]
    ended = PairStatus.PAUSED if how == "block" else PairStatus.ENDED
    assert [p.status for p in status if p] == [PairStatus.ACTIVE, ended]
    assert since < told.message_id


async def test_a_reply_to_a_bot_message_asks_who_it_is_for(
    client: SandboxClient, bot: BotProcess
) -> None:
    _ana, _cy, bo = await mentor_of_two(bot, client)
    [progress] = await bo.say("/progress")
    reply = await client.send_text(BO, "for whom?", reply_to_message_id=progress.message_id)
    [asked] = await client.wait_for_messages(BO, since=reply.message_id, timeout=REPLY_TIMEOUT)
    assert "Who is this message for?" in asked.content, "asked, never guessed"
    await bo.press("Cy")
    await client.wait_for_messages(CY, lambda m: m.content == "for whom?", timeout=REPLY_TIMEOUT)
    assert not await received(client, ANA, "for whom?")


# -- defect 2: open flows never swallow a relayed message ----------------------------------------

COURSE = "volunteer-training"


async def mentor_and_mentee(bot: BotProcess, client: SandboxClient) -> tuple[User, User]:
    await seed_person(bot, client, ANA, role=Role.MENTEE, program="college", name="Ana")
    await seed_person(bot, client, BO, role=Role.MENTOR, program="college", name="Bo")
    await seed_pair(bot, ANA, BO, "college")
    return User(client, ANA), User(client, BO)


async def relayed_text(client: SandboxClient, chat_id: int, text: str) -> ChatMessage:
    [copy] = await client.wait_for_messages(
        chat_id, lambda m: m.content == text and m.copied, timeout=REPLY_TIMEOUT
    )
    return copy


async def test_a_mentor_who_finished_the_training_writes_to_their_mentee(
    client: SandboxClient, bot: BotProcess
) -> None:
    _ana, bo = await mentor_and_mentee(bot, client)
    assert bot.core is not None
    course = bot.core.programs.curricula[COURSE]
    async with bot.core.conversations.uows() as uow:  # five modules passed earlier
        for step in course.steps[:-1]:
            await uow.training.record(
                ModuleResult(
                    person_id=BO,
                    curriculum=COURSE,
                    module_id=step.id,
                    correct=3,
                    total=3,
                    passed=True,
                    completed_at=bot.core.clock.now(),
                )
            )
        await uow.commit()
    await bo.say("/training")
    await bo.press("6. ")
    await bo.press("Start the quiz")
    last = course.steps[-1]
    for question in last.quiz:
        right = next(o for o in question.options if o.id == question.answer)
        replies = await bo.press(right.label["en"])
    assert "Module passed" in (replies[-1].text or "")
    assert "/training" in (replies[-1].text or ""), "the finished training says goodbye"
    assert await bot.flow(BO) is None, "and closes itself"
    sent = await client.send_text(BO, "Back from the training, Ana!")
    await relayed_text(client, ANA, "Back from the training, Ana!")
    answers = await client.bot_messages(BO, since=sent.message_id)
    assert not [m for m in answers if "buttons" in m.content]
    assert await source_linked(bot, BO, sent.message_id, wait=True)


async def test_an_open_buttons_only_flow_lets_messages_through_and_stays(
    client: SandboxClient, bot: BotProcess
) -> None:
    ana, bo = await mentor_and_mentee(bot, client)
    await bo.say("/training")  # the menu: buttons only
    await ana.say("/restart", expect=2)  # the language question: buttons only
    menu, language = await bot.flow(BO), await bot.flow(ANA)
    assert menu is not None and language is not None
    assert (menu.state, language.state) == ("training.menu", "onboarding.language")
    to_ana = await client.send_text(BO, "How did the exam go?")
    await relayed_text(client, ANA, "How did the exam go?")
    to_bo = await client.send_text(ANA, "It went well, thanks!")
    await relayed_text(client, BO, "It went well, thanks!")
    for chat, since in ((BO, to_ana.message_id), (ANA, to_bo.message_id)):
        said = await client.bot_messages(chat, since=since)
        assert not [m for m in said if "choose one of the buttons" in m.content]
    assert await source_linked(bot, BO, to_ana.message_id, wait=True)
    assert await source_linked(bot, ANA, to_bo.message_id, wait=True)
    after_menu, after_language = await bot.flow(BO), await bot.flow(ANA)
    assert after_menu == menu and after_language == language, "each flow stays where it was"
    await bo.press("Close")  # and its buttons still work
    assert await bot.flow(BO) is None
