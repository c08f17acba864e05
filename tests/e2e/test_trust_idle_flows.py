"""Issue 13, the privacy notice's promise about unfinished conversations. End to end on both
transports, on SQLite and on PostgreSQL: a mentee starts /report, types the details (a unique
word) and goes silent at the last question. Her words sit in her conversation (`flow_states`).
The sandbox clock moves past `FLOW_IDLE_EXPIRY` plus the retention job's hour and the retention
round runs: the word is in no table, the notice says so, and her next message is handled
normally (relayed to her mentor); the old button of the abandoned report changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.bootstrap import retention_of
from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from bot.services.privacy import retention_round
from tests.db_search import search
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, User, seed_pair, seed_person
from tests.e2e.support import settled, staffed_bot

STAFF = 9401
ANA, BO = 1801, 1802  # a mentee and her mentor
DETAILS = "Grimblethorpe"  # Ana's words in the /report she never sends
LATER = "Wuzzlefrond"  # what she writes to Bo when she comes back
RETENTION_TICK = timedelta(hours=1)  # the retention job's interval (bot/runtime.py)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def bot(
    request: pytest.FixtureRequest, sandbox: RunningSandbox, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    async with staffed_bot(sandbox, tmp_path, STAFF, request.param) as process:
        yield process


async def test_an_abandoned_report_is_deleted_after_the_idle_expiry(
    client: SandboxClient, bot: BotProcess
) -> None:
    assert bot.core is not None
    await client.create_user("Staff", id=STAFF)
    await seed_person(bot, client, ANA, role=Role.MENTEE, program="college", name="Ana")
    await seed_person(bot, client, BO, role=Role.MENTOR, program="college", name="Bo")
    await seed_pair(bot, ANA, BO, "college")
    ana = User(client, ANA)

    await ana.say("/report")
    await ana.press("personal details")
    [pause] = await ana.say(f"He asked me about {DETAILS} again")
    assert "Pause the mentorship with Bo" in (pause.text or "")
    await settled(bot)
    stored = await search(bot.core.db, (DETAILS,), [])
    assert [(f.table, f.column) for f in stored] == [("flow_states", "data")], (
        "while she may still answer, her words are only in her conversation"
    )

    idle = bot.core.settings.flow_idle_expiry
    await client.set_clock(bot.core.clock.now() + idle + RETENTION_TICK)
    purged = await retention_round(
        bot.core.conversations.uows, bot.core.clock, retention_of(bot.core.settings)
    )
    left = await search(bot.core.db, (DETAILS,), [])
    assert not left, f"her words are kept: {left}"
    assert purged.conversations == 1
    assert await bot.flow(ANA) is None

    asked = await client.send_text(ANA, "/privacy")  # curriculum steps came due meanwhile
    [privacy] = await client.wait_for_messages(
        ANA, lambda m: "Your privacy" in m.content, since=asked.message_id, timeout=REPLY_TIMEOUT
    )
    notice = privacy.text or ""
    assert (
        "One you leave unfinished is deleted automatically after 30 days without an answer "
        "from you." in notice
    )
    assert "until it ends." in notice

    since = await ana.last_id()
    await client.send_text(ANA, f"Hi Bo, {LATER}!")
    [relayed] = await client.wait_for_messages(
        BO, lambda m: LATER in m.content, timeout=REPLY_TIMEOUT
    )
    assert relayed.text == f"Hi Bo, {LATER}!", "her next message goes to her mentor, as usual"
    await client.press(ANA, pause.message_id, button_text="Yes, pause it")
    for _ in range(200):
        answers = [a.text or "" for a in await client.callback_answers(ANA)]
        if any("no longer active" in a for a in answers):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the abandoned report's button was not answered as stale")
    await settled(bot)
    seen = [m.text or "" for m in await client.bot_messages(ANA) if m.message_id > since]
    unexpected = ("buttons", "It's been a while", "Thank you for telling us", "Pause the")
    assert not [t for t in seen if any(u in t for u in unexpected)], seen
    async with bot.core.conversations.uows() as uow:
        assert await uow.safety.open_reports() == [], "the abandoned report was never sent"
    assert await bot.flow(ANA) is None, "no conversation is under way: nothing was restarted"
    assert not await search(bot.core.db, (DETAILS,), [])
