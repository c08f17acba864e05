"""The staff inbox end to end, on each transport: a staff group with topics receives a crisis
alert as a topic, staff answer in it, the participant sees "Program team" and replies, the reply
lands in the same topic, the partner sees none of it, and closing the topic closes the case;
the same without a staff group through the staff member's private chat (/team, /msg); and
/program staffgroup says what the group lacks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.core.cases import Case
from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from tests.e2e.forum import post, staff_group, wait_for_topic, wait_in_topic
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, seed_pair, seed_person
from tests.e2e.support import settled, staffed_bot

STAFF, MIA, NED = 9300, 1701, 1702


@pytest.fixture
async def bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    async with staffed_bot(sandbox, tmp_path, STAFF) as process:
        yield process


def containing(text: str) -> Callable[[ChatMessage], bool]:
    return lambda m: text in (m.text or m.caption or "")


async def pair_and_staff(bot: BotProcess, client: SandboxClient) -> None:
    """Mia and Ned in a pair; the staff member (a super-admin) has talked to the bot."""
    await client.create_user("Sam", id=STAFF)
    await seed_person(bot, client, MIA, role=Role.MENTEE, program="college", name="Mia")
    await seed_person(bot, client, NED, role=Role.MENTOR, program="college", name="Ned")
    await seed_pair(bot, MIA, NED, "college")
    sent = await client.send_text(STAFF, "/help")
    await client.wait_for_messages(STAFF, since=sent.message_id, timeout=REPLY_TIMEOUT)


async def cases(bot: BotProcess) -> list[Case]:
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        return await uow.cases.open_cases(MIA) + [
            c for c in [await uow.cases.latest(MIA)] if c is not None and not c.is_open
        ]


async def actions(bot: BotProcess) -> list[str]:
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        return [e.action for e in reversed(await uow.staff.audit(None, 100))]


async def nothing_for_ned(client: SandboxClient, *words: str) -> None:
    for message in await client.bot_messages(NED):
        content = message.text or message.caption or ""
        assert not any(w in content for w in words), content


async def test_a_crisis_alert_becomes_a_topic_and_words_go_both_ways(
    client: SandboxClient, bot: BotProcess
) -> None:
    await pair_and_staff(bot, client)
    group = await staff_group(client, [STAFF])
    await post(client, group.id, STAFF, "/program staffgroup college")
    await wait_in_topic(client, group.id, None, containing("now holds the cases"))

    await client.send_text(MIA, "I want to kill myself")
    topic = await wait_for_topic(client, group.id, "Mia · crisis")
    assert topic.name == "🆘 Mia · crisis" and topic.created_by_bot
    await wait_in_topic(client, group.id, topic.thread_id, containing("Crisis alert #1"))
    pinned = await client.pinned_messages(group.id)
    assert any("Mia" in (m.text or "") for m in pinned), "the case file is pinned"

    staff_post = await post(
        client, group.id, STAFF, "We are here for you, Mia.", topic=topic.thread_id
    )
    assert staff_post.update_id is not None
    [team] = await client.wait_for_messages(MIA, containing("We are here for you"), timeout=15)
    assert (team.text or "").startswith("🏛 <b>Program team</b>"), team.text
    assert not team.forwarded

    await settled(bot)  # the team message's id is noted once delivered
    reply = await client.send_text(MIA, "Thank you", reply_to_message_id=team.message_id)
    [back] = await wait_in_topic(
        client, group.id, topic.thread_id, containing("Thank you"), since=staff_post.message_id
    )
    assert (back.text or "").startswith("<b>Mia</b>: Thank you") and not back.forwarded
    await client.wait_for_messages(
        MIA, containing("Sent to the program team"), since=reply.message_id, timeout=15
    )
    await settled(bot)
    await nothing_for_ned(client, "We are here", "Thank you", "Program team")

    await client.close_topic(group.id, STAFF, topic.thread_id)
    for _ in range(200):
        [case] = await cases(bot)
        if not case.is_open:
            break
        await asyncio.sleep(0.05)
    assert not case.is_open and case.closed_by == STAFF
    done = await actions(bot)
    assert done[:1] == ["staffgroup"] and "case closed" in done
    assert {"case opened", "team message", "message to team"} <= set(done)


async def test_without_a_staff_group_the_private_chat(
    client: SandboxClient, bot: BotProcess
) -> None:
    await pair_and_staff(bot, client)
    await client.send_text(MIA, "/team Could someone call me?")
    await client.wait_for_messages(
        STAFF, containing("<b>Mia</b>: Could someone call me?"), timeout=15
    )
    sent = await client.send_text(STAFF, "/msg Mia Of course, when?")
    await client.wait_for_messages(
        STAFF, containing("Sent to Mia"), since=sent.message_id, timeout=15
    )
    [team] = await client.wait_for_messages(MIA, containing("Of course, when?"), timeout=15)
    assert (team.text or "").startswith("🏛 <b>Program team</b>")
    await settled(bot)  # the team message's id is noted once delivered
    await client.send_text(MIA, "Tomorrow at 5", reply_to_message_id=team.message_id)
    await client.wait_for_messages(STAFF, containing("<b>Mia</b>: Tomorrow at 5"), timeout=15)
    await settled(bot)
    await nothing_for_ned(client, "call me", "Of course", "Tomorrow at 5", "Program team")


async def test_staffgroup_says_what_the_group_lacks(
    client: SandboxClient, bot: BotProcess
) -> None:
    await pair_and_staff(bot, client)
    group = await staff_group(client, [STAFF], admin=False)
    await post(client, group.id, STAFF, "/program staffgroup college")
    [reply] = await wait_in_topic(client, group.id, None, containing("yet:"))
    assert "I am not an administrator" in (reply.text or "")
    assert "Manage topics" in (reply.text or "")
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        assert await uow.cases.staff_group("college") is None


async def test_a_removed_bot_clears_the_staff_group_and_tells_the_staff_privately(
    client: SandboxClient, bot: BotProcess
) -> None:
    await pair_and_staff(bot, client)
    group = await staff_group(client, [STAFF])
    await post(client, group.id, STAFF, "/program staffgroup college")
    await wait_in_topic(client, group.id, None, containing("now holds the cases"))
    await client.remove_bot(group.id, kicked=True)
    await client.wait_for_messages(
        STAFF, containing("I was removed from the staff group"), timeout=REPLY_TIMEOUT
    )
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        assert await uow.cases.staff_group("college") is None
    await client.send_text(MIA, "/team Is anyone there?")
    await client.wait_for_messages(
        STAFF, containing("<b>Mia</b>: Is anyone there?"), timeout=REPLY_TIMEOUT
    )
