"""Long polling loses no update, over HTTP through the sandbox on both transports: a message
whose handling keeps failing while the database is unavailable is fetched again and handled
once it is back, and a message still being handled when the bot stops is handled after the
restart. Faults are injected at the core's entry point (`Conversations.handle`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import OperationalError

from bot.core.events import Inbound
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import BotProcess, User

Handle = Callable[[Inbound], Awaitable[None]]


def patch_handle(bot: BotProcess, make: Callable[[Handle], Handle]) -> None:
    assert bot.core is not None
    conversations = bot.core.conversations
    conversations.handle = make(conversations.handle)  # type: ignore[method-assign, assignment]


async def test_a_message_is_handled_once_the_database_is_back(
    client: SandboxClient, bot: BotProcess
) -> None:
    alice = await User.create(client, "Alice", "en")
    failures = 0

    def unavailable_five_times(handle: Handle) -> Handle:
        async def failing(event: Inbound) -> None:
            nonlocal failures
            if event.user.id == alice.id and failures < 5:  # every try of the first fetch
                failures += 1
                raise OperationalError("BEGIN IMMEDIATE", {}, Exception("unable to open database"))
            await handle(event)

        return failing

    patch_handle(bot, unavailable_five_times)
    sent = await client.send_text(alice.id, "/start college")
    replies = await client.wait_for_messages(alice.id, since=sent.message_id, timeout=30)
    assert failures == 5
    assert "Which language" in (replies[0].text or "")
    person = await bot.person(alice.id)
    assert person is not None
    await asyncio.sleep(1.5)  # a second copy would have come by now
    assert len(await client.bot_messages(alice.id)) == 1


async def test_a_message_under_way_at_a_stop_is_handled_after_the_restart(
    client: SandboxClient, bot: BotProcess
) -> None:
    bob = await User.create(client, "Bob", "en")
    arrived = asyncio.Event()

    def stuck(handle: Handle) -> Handle:
        async def never_done(event: Inbound) -> None:
            if event.user.id == bob.id:
                arrived.set()
                await asyncio.Event().wait()  # outlives the stop grace
            await handle(event)

        return never_done

    patch_handle(bot, stuck)
    sent = await client.send_text(bob.id, "/start college")
    await asyncio.wait_for(arrived.wait(), timeout=10)
    await bot.restart()  # waits the stop grace, then gives up on it
    assert await client.bot_messages(bob.id) == []
    replies = await client.wait_for_messages(bob.id, since=sent.message_id, timeout=20)
    assert "Which language" in (replies[0].text or "")
    assert await bot.person(bob.id) is not None
