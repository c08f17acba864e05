"""Issue 13, defects 1 and 2, end to end on both transports: a reply to a message of a pair
that has ended reaches no one (never the mentor's other mentee), and an open flow that waits
only for buttons never swallows a message meant for the partner."""

from __future__ import annotations

import pytest

from bot.core.models import PairStatus, Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.services.safety import end_pair
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


async def received(client: SandboxClient, chat_id: int, words: str) -> list[ChatMessage]:
    return [m for m in await client.bot_messages(chat_id) if words in m.content]


async def source_linked(bot: BotProcess, chat_id: int, message_id: int) -> bool:
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        return bool(await uow.relay.copies_of(chat_id, message_id))


@pytest.mark.parametrize("how", ["end", "staff", "block"])
async def test_a_reply_to_a_mentee_who_left_never_reaches_the_other_mentee(
    client: SandboxClient, bot: BotProcess, how: str
) -> None:
    _ana, cy, _bo = await mentor_of_two(bot, client)
    await client.send_text(CY, "hi from Cy")
    [from_cy] = await client.wait_for_messages(
        BO, lambda m: "hi from Cy" in m.content, timeout=REPLY_TIMEOUT
    )
    await linked(bot, from_cy, chat_id=BO)
    assert bot.core is not None
    if how == "end":
        await cy.say("/end")
        await cy.press("Not a good fit")
        await cy.press("Skip", expect=2)  # thanks, and the flow's farewell
        await client.wait_for_messages(
            BO, lambda m: "come to an end" in m.content, timeout=REPLY_TIMEOUT
        )
    elif how == "staff":
        async with bot.core.conversations.uows() as uow:
            pair = await uow.pairs.get(2)
            assert pair is not None
            await end_pair(uow, pair, 0, "staff", bot.core.clock.now())
            await uow.commit()
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
    await client.send_text(BO, "and you, Ana?")  # goes to Ana, after anything sent before
    await client.wait_for_messages(
        ANA, lambda m: m.content == "and you, Ana?", timeout=REPLY_TIMEOUT
    )
    assert not await received(client, ANA, "secret-for-cy-only"), "misrouted to Ana"
    assert not await received(client, CY, "secret-for-cy-only")
    assert not await source_linked(bot, BO, reply.message_id), "nothing was relayed"
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
