"""/broadcast end to end: a preview, a confirm button, then 500 messages through the
rate-limited sender with no 429 from the sandbox, and a progress message that reaches 500."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, User, seed_pair
from tests.e2e.staff_world import COORD_A, MIA, NED, World, staff_bot, world
from tests.factories import onboarded_person

__all__ = ["staff_bot", "world"]  # the fixtures

PEOPLE = 500
FIRST = 100_000


async def seed_many(world: World, client: SandboxClient) -> None:
    assert world.bot.core is not None
    now = world.bot.core.clock.now()
    for i in range(PEOPLE):
        await client.create_user(f"M{i}", id=FIRST + i)
    async with world.bot.core.conversations.uows() as uow:
        for i in range(PEOPLE):
            await uow.persons.add(onboarded_person(FIRST + i, Role.MENTEE, "college", now))
        await uow.commit()


async def test_broadcast_to_500_mentees_without_429_and_with_progress(
    world: World, client: SandboxClient
) -> None:
    await seed_many(world, client)
    preview = await world.ask(COORD_A, "/broadcast college mentees Orientation <b>Friday</b> 6pm")
    assert "to 501 people (mentees) of college" in preview  # Mia too
    assert "Orientation &lt;b&gt;Friday&lt;/b&gt; 6pm" in preview  # what staff typed, as text
    await client.clear_requests()
    coordinator = User(client, COORD_A)
    await coordinator.press("Send to 501 people", expect=0)
    progress = None
    for _ in range(1200):  # up to 60 s; 501 messages at 30/s take about 17 s
        messages = await client.bot_messages(COORD_A)
        progress = next((m for m in messages if "of 501" in (m.text or "")), None)
        if progress is not None and "sent to 501 of 501" in (progress.text or ""):
            break
        await asyncio.sleep(0.05)
    assert progress is not None and "Broadcast sent to 501 of 501 people" in (progress.text or "")
    assert progress.edited
    sends = await client.requests("sendMessage")
    assert [r.status for r in sends].count(429) == 0
    delivered = Counter(
        int(r.params["chat_id"])
        for r in sends
        if r.ok and "Orientation" in str(r.params.get("text"))
    )
    recipients = [MIA, *range(FIRST, FIRST + PEOPLE)]
    assert delivered == Counter(recipients), "every recipient gets exactly one copy"
    received = await client.bot_messages(FIRST + PEOPLE - 1)
    assert received[-1].text == (
        "📣 <b>College First Year team</b>\n\nOrientation &lt;b&gt;Friday&lt;/b&gt; 6pm"
    )
    assert world.bot.core is not None
    assert world.bot.core.sender.rate_limited_429 == 0
    async with world.bot.core.conversations.uows() as uow:
        record = await uow.staff.get_broadcast(1)
    assert record is not None and (record.sent, record.total) == (501, 501)
    assert (await world.actions()) == ["broadcast"]


async def test_a_recipient_who_blocked_the_bot_is_counted_and_progress_completes(
    world: World, client: SandboxClient
) -> None:
    await world.ask(COORD_A, "/broadcast college all Meeting moved to Monday")
    await client.add_fault("403", method="sendMessage", chat_id=MIA)
    await User(client, COORD_A).press("Send to", expect=0)
    text = ""
    for _ in range(400):
        messages = await client.bot_messages(COORD_A)
        text = next((m.text or "" for m in messages if "of 3" in (m.text or "")), "")
        if "could not be reached" in text:
            break
        await asyncio.sleep(0.05)
    assert "Broadcast sent to 2 of 3 people (1 could not be reached" in text
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        record = await uow.staff.get_broadcast(1)
    assert record is not None and (record.sent, record.failed, record.total) == (2, 1, 3)


async def test_a_broadcast_is_headed_by_the_team_and_a_reply_to_it_reaches_no_partner(
    world: World, client: SandboxClient
) -> None:
    await seed_pair(world.bot, MIA, NED, "college")
    preview = await world.ask(COORD_A, "/broadcast college mentees Orientation on Friday")
    assert "📣 <b>College First Year team</b>" in preview  # staff see what people will read
    await User(client, COORD_A).press("Send to", expect=0)
    received = await client.wait_for_messages(
        MIA, lambda m: "Orientation" in (m.text or ""), timeout=REPLY_TIMEOUT
    )
    broadcast = received[0]
    assert broadcast.text == "📣 <b>College First Year team</b>\n\nOrientation on Friday"
    before = len(await client.bot_messages(NED))
    await asyncio.sleep(0.5)  # the sender notes the broadcast's message id once sent
    sent = await client.send_text(
        MIA, "Will there be food?", reply_to_message_id=broadcast.message_id
    )
    answer = await client.wait_for_messages(
        MIA, count=1, since=sent.message_id, timeout=REPLY_TIMEOUT
    )
    assert "To write to the program team, send /team." in (answer[0].text or "")
    assert "reply hasn't been passed on to anyone" in (answer[0].text or "")
    await asyncio.sleep(0.3)
    assert len(await client.bot_messages(NED)) == before, "the partner sees none of it"
    again = await client.send_text(MIA, "Hello Ned")  # not a reply: for the partner as ever
    assert again.message_id
    for _ in range(100):
        if any("Hello Ned" in (m.text or "") for m in await client.bot_messages(NED)):
            break
        await asyncio.sleep(0.05)
    assert any("Hello Ned" in (m.text or "") for m in await client.bot_messages(NED))
