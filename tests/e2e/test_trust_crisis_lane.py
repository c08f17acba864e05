"""Issue 13, defect 3: a crisis alert jumps the queue. The staff chat is busy with routine
messages (a broadcast, paced one per second); a mentee writes crisis words; the alert is the next
message staff receive, within 3 s, as ONE labelled message with the pair's latest messages and
buttons to act, which are authorised and audited like other staff buttons."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.effects import SendText
from bot.core.models import PairStatus
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from bot.storage.tables import OutboxRow
from bot.storage.uow import SqlUnitOfWork
from tests.e2e.harness import BotProcess
from tests.e2e.support import staffed_bot
from tests.e2e.test_safeguarding import MIA, NED, STAFF, containing, pair_of_two, wait

WORDS = "honestly I want to kill myself"
BACKLOG = 10
BOUND_S = 3.0  # the bound, from the mentee's message to the alert in the staff chat


@pytest.fixture
async def bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    async with staffed_bot(sandbox, tmp_path, STAFF) as process:
        yield process


async def relayed_earlier(client: SandboxClient, bot: BotProcess, pair_id: int) -> None:
    """Ned wrote to Mia before: the relay has recorded the copy."""
    assert bot.core is not None
    await client.send_text(NED, "How was your week?")
    await wait(client, MIA, "How was your week?")
    for _ in range(100):
        async with bot.core.conversations.uows() as uow:
            if await uow.relay.recent(pair_id, 10):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the relay never recorded the copy")


async def busy_staff_chat(client: SandboxClient, bot: BotProcess) -> None:
    """A backlog of routine messages for the staff chat (as a broadcast queues them), being
    sent at the chat's pace."""
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        newsletter = [
            SendText(chat_id=STAFF, text=f"Newsletter {n}") for n in range(1, BACKLOG + 1)
        ]
        await uow.outbox.add(newsletter, bot.core.clock.now())
        await uow.commit()
    bot.core.sender.wake()
    await client.wait_for_messages(STAFF, containing("Newsletter 2"), timeout=15)


async def crisis(client: SandboxClient, bot: BotProcess) -> tuple[ChatMessage, list[str], float]:
    """Mia writes crisis words while the staff chat is busy: the alert, what the staff chat
    received from the moment she wrote, and how long the alert took."""
    before = len(await client.bot_messages(STAFF))
    started = time.monotonic()
    await client.send_text(MIA, WORDS)
    (alert,) = await client.wait_for_messages(STAFF, containing("Crisis alert"), timeout=30)
    took = time.monotonic() - started
    since = [m.text or m.caption or "" for m in (await client.bot_messages(STAFF))[before:]]
    return alert, since, took


async def test_a_crisis_alert_is_the_next_message_staff_receive_in_one_labelled_message(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    await relayed_earlier(client, bot, pair_id)
    await busy_staff_chat(client, bot)
    alert, since, took = await crisis(client, bot)
    first = next(i for i, text in enumerate(since) if "Crisis alert" in text)
    # next: at most one routine message was already on its way when Mia wrote
    assert first <= 1, since
    assert took <= BOUND_S, f"the alert took {took:.1f}s"
    text = alert.text or ""
    assert text.startswith("🚨 <b>Crisis alert #1</b>")
    assert (
        "<b>Mia</b> wrote crisis words (kill myself) to <b>Ned</b> in College First Year." in text
        and f"pair #{pair_id}" not in text
    )
    assert "not messages to you" in text
    assert "Ned → Mia: a message (mentorbot keeps no words)" in text
    assert f"Mia → Ned: «{WORDS}»" in text
    assert text.index("Ned → Mia") < text.index("Mia → Ned"), "oldest first"
    assert [b.text for row in alert.buttons for b in row] == [
        "⏸ Pause the pair",
        "📂 Open Mia's case",
        "💬 Show the messages",
        "✅ Mark handled",
    ]
    resources = await wait(client, MIA, "face it alone")
    assert resources, "the writer is sent the crisis resources"
    await client.wait_for_messages(STAFF, containing(f"Newsletter {BACKLOG}"), timeout=30)
    staff_chat = await client.bot_messages(STAFF)
    assert not any(m.copied for m in staff_chat), "no loose copies of the pair's messages"
    assert sum("Crisis alert" in (m.text or "") for m in staff_chat) == 1
    newsletters = [m.text for m in staff_chat if (m.text or "").startswith("Newsletter")]
    assert newsletters == [f"Newsletter {n}" for n in range(1, BACKLOG + 1)], "routine order"
    assert bot.core is not None
    await bot.core.sender.drain()  # successes are recorded in small batches
    async with bot.core.conversations.uows() as uow:
        reports = await uow.safety.open_reports()
        assert isinstance(uow, SqlUnitOfWork)
        table = OutboxRow.__table__
        rows = (
            await uow.session.execute(
                select(table.c.lane, table.c.status, table.c.payload).where(
                    table.c.chat_id == STAFF
                )
            )
        ).all()
    assert [(r.reason, r.priority, r.pair_id) for r in reports] == [("crisis", True, pair_id)]
    messages = [(r.lane, r.status) for r in rows if r.payload.get("type") == "SendText"]
    assert sorted(messages) == sorted([("safety", "sent")] + [("routine", "sent")] * BACKLOG), (
        "the alert went in the safety lane"
    )


async def answers(client: SandboxClient, chat: int, count: int) -> list[str]:
    for _ in range(200):
        found = [a.text or "" for a in await client.callback_answers(chat)]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} answers in chat {chat}")


async def test_the_alerts_buttons_act_once_and_refuse_forged_or_stale_presses(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    await relayed_earlier(client, bot, pair_id)
    await client.send_text(MIA, WORDS)
    (alert,) = await client.wait_for_messages(STAFF, containing("Crisis alert"), timeout=30)
    assert bot.core is not None
    # someone who is not staff forges the "mark handled" press: refused, nothing changes
    mine = (await client.bot_messages(MIA))[-1]
    await client.press(MIA, mine.message_id, callback_data="st:reports:done:1", force=True)
    refused = await answers(client, MIA, 1)
    assert refused[0] and "handled" not in refused[0], refused  # a refusal, whatever its words
    async with bot.core.conversations.uows() as uow:
        assert [r.id for r in await uow.safety.open_reports()] == [1], "nothing changed"
    await client.press(STAFF, alert.message_id, button_text="⏸ Pause the pair")
    await client.wait_for_messages(
        STAFF, containing("The pair of Mia and Ned is paused."), timeout=15
    )
    await client.press(STAFF, alert.message_id, button_text="⏸ Pause the pair")  # stale now
    stale = await answers(client, STAFF, 2)
    assert "The pair of Mia and Ned is paused, not active." in stale[-1]
    await client.press(STAFF, alert.message_id, button_text="📂 Open Mia's case")
    card = await client.wait_for_messages(STAFF, containing("Mia</b> · mentee"), timeout=15)
    assert "Mia" in (card[0].text or "")
    await client.press(STAFF, alert.message_id, button_text="💬 Show the messages")
    copies = await client.wait_for_messages(STAFF, lambda m: m.copied, timeout=15)
    assert copies[0].text == "How was your week?"
    assert copies[0].reply_to_message_id == alert.message_id, "shown under the alert"
    await client.press(STAFF, alert.message_id, button_text="✅ Mark handled")
    await client.wait_for_messages(STAFF, containing("Alert #1 is marked handled"), timeout=15)
    await client.press(STAFF, alert.message_id, button_text="✅ Mark handled")
    again = await answers(client, STAFF, 6)
    assert "already marked handled" in again[-1]
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(pair_id)
        reports = await uow.safety.open_reports()
        audit = await uow.staff.audit(None, 20)
    assert pair is not None and pair.status is PairStatus.PAUSED
    assert reports == [], "handled once"
    assert [e.action for e in reversed(audit)] == [
        "case opened",  # by the alert itself
        "pause",
        "user",
        "reports show",
        "reports resolve",
    ]
    assert all(e.actor_id == STAFF for e in audit if e.action != "case opened")
