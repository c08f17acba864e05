"""Issue 13, defect 3, for every safeguarding alert: a /report (of any reason) and a /block reach
staff as ONE labelled message from the same builder as crisis alerts (which alert, which pair by
pseudonyms, times, the pair's latest messages oldest first, buttons to act), a priority reason
in the safety lane; never a head followed by bare copies of the pair's messages. "Show the
messages" puts a label naming the author and time before each copy. A forged press (someone who
is not staff) is refused and changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.models import PairStatus
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from bot.storage.tables import OutboxRow
from bot.storage.uow import SqlUnitOfWork
from tests.e2e.harness import BotProcess, User
from tests.e2e.support import staffed_bot
from tests.e2e.test_safeguarding import MIA, NED, STAFF, containing, pair_of_two, wait
from tests.e2e.test_trust_crisis_lane import answers, relayed_earlier

EARLIER = "How was your week?"  # what Ned wrote before (`relayed_earlier`)


@pytest.fixture
async def bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    async with staffed_bot(sandbox, tmp_path, STAFF) as process:
        yield process


async def lanes(bot: BotProcess) -> list[str]:
    """The outbox lanes of the texts sent to the staff chat."""
    assert bot.core is not None
    await bot.core.sender.drain()
    async with bot.core.conversations.uows() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        table = OutboxRow.__table__
        rows = (
            await uow.session.execute(
                select(table.c.lane, table.c.payload).where(table.c.chat_id == STAFF)
            )
        ).all()
    return [r.lane for r in rows if r.payload.get("type") == "SendText"]


def labels(message: ChatMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def forged(client: SandboxClient, bot: BotProcess, data: list[str]) -> None:
    """Mia, who is not staff, forges presses of the alert's buttons: each is refused."""
    mine = (await client.bot_messages(MIA))[-1]
    before = len(await client.callback_answers(MIA))
    for callback_data in data:
        await client.press(MIA, mine.message_id, callback_data=callback_data, force=True)
    refused = await answers(client, MIA, before + len(data))
    assert all(text and "handled" not in text for text in refused[before:]), refused


async def shown(client: SandboxClient, alert: ChatMessage) -> list[ChatMessage]:
    """Press "Show the messages": a label, then the copy, both under the alert."""
    before = len(await client.bot_messages(STAFF))
    await client.press(STAFF, alert.message_id, button_text="💬 Show the messages")
    await client.wait_for_messages(STAFF, lambda m: m.copied, timeout=15)
    return (await client.bot_messages(STAFF))[before:]


def assert_labelled(messages: list[ChatMessage], alert: ChatMessage) -> None:
    label, copy = messages
    assert not label.copied and copy.copied and copy.text == EARLIER
    text = label.text or ""
    assert text.startswith("💬 Alert #1, message 1 of 1: <b>Ned</b> → Mia, 4 May 10:00 UTC")
    assert "not a message to you" in text
    assert label.reply_to_message_id == copy.reply_to_message_id == alert.message_id


async def test_a_priority_report_is_one_labelled_alert_in_the_safety_lane(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    await relayed_earlier(client, bot, pair_id)
    mia = User(client, MIA)
    await mia.say("/report")
    await mia.press("I feel unsafe")
    await mia.say("He scares me")
    await mia.press("No, keep it going")
    (alert,) = await wait(client, STAFF, "Priority report #1")
    text = alert.text or ""
    assert text.startswith("🚨 <b>Priority report #1</b> · 4 May 10:00 UTC")
    assert (
        "<b>Mia</b> (mentee) reported <b>Ned</b> (mentor) in College First Year." in text
        and f"pair #{pair_id}" not in text  # the pair by its names, never its number
    )
    assert "Reason: I feel unsafe" in text and "In their words: He scares me" in text
    assert "not messages to you" in text
    assert "4 May 10:00 UTC · Ned → Mia: a message (mentorbot keeps no words)" in text
    assert str(MIA) not in text and str(NED) not in text, "names, never ids"
    assert labels(alert) == [
        "⏸ Pause the pair",
        "📂 Open Mia's case",
        "💬 Show the messages",
        "✅ Mark handled",
    ]
    assert await lanes(bot) == ["safety"], "one message, in the safety lane"
    staff_chat = await client.bot_messages(STAFF)
    assert len(staff_chat) == 1 and not staff_chat[0].copied, "no loose copies"
    await forged(client, bot, [f"st:pause:{pair_id}", "st:reports:done:1", "st:reports:show:1"])
    await asyncio.sleep(0.5)  # a forged "show" would have queued copies by now
    mia_chat = await client.bot_messages(MIA)
    assert [m.text for m in mia_chat if m.copied] == [EARLIER], "nothing shown to the forger"
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        assert [r.id for r in await uow.safety.open_reports()] == [1], "nothing changed"
        pair = await uow.pairs.get(pair_id)
        assert pair is not None and pair.status is PairStatus.ACTIVE
        opened = [e.action for e in await uow.staff.audit(None, 20)]
        assert opened == ["case opened"], "only the alert's own case, nothing by the forger"
    assert len(await client.bot_messages(STAFF)) == 1
    assert_labelled(await shown(client, alert), alert)
    await client.press(STAFF, alert.message_id, button_text="⏸ Pause the pair")
    await client.wait_for_messages(
        STAFF, containing("The pair of Mia and Ned is paused."), timeout=15
    )
    await client.press(STAFF, alert.message_id, button_text="✅ Mark handled")
    await client.wait_for_messages(STAFF, containing("Alert #1 is marked handled"), timeout=15)
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(pair_id)
        reports = await uow.safety.open_reports()
        audit = await uow.staff.audit(None, 20)
    assert pair is not None and pair.status is PairStatus.PAUSED
    assert reports == []
    assert [e.action for e in reversed(audit)] == [
        "case opened",  # by the alert itself
        "reports show",
        "pause",
        "reports resolve",
    ]
    assert all(e.actor_id == STAFF for e in audit if e.action != "case opened")


async def test_a_block_is_one_labelled_alert_and_show_labels_each_copy(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    await relayed_earlier(client, bot, pair_id)
    mia = User(client, MIA)
    await mia.say("/block")
    await mia.press("Yes, block")
    (alert,) = await wait(client, STAFF, "Block report #1")
    text = alert.text or ""
    assert text.startswith("⚠️ <b>Block report #1</b> · 4 May 10:00 UTC")
    assert "<b>Mia</b> (mentee) blocked <b>Ned</b> (mentor) in College First Year." in text
    assert "Ned → Mia: a message (mentorbot keeps no words)" in text
    assert "not messages to you" in text and str(MIA) not in text
    assert labels(alert) == ["📂 Open Mia's case", "💬 Show the messages", "✅ Mark handled"]
    assert await lanes(bot) == ["routine"]
    staff_chat = await client.bot_messages(STAFF)
    assert len(staff_chat) == 1 and not staff_chat[0].copied, "no loose copies"
    await forged(client, bot, ["st:reports:show:1", "st:reports:done:1", f"st:user:{MIA}"])
    await asyncio.sleep(0.5)  # a forged "show" would have queued copies by now
    assert len(await client.bot_messages(STAFF)) == 1
    mia_chat = await client.bot_messages(MIA)
    assert [m.text for m in mia_chat if m.copied] == [EARLIER], "nothing shown to the forger"
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        assert [r.id for r in await uow.safety.open_reports()] == [1], "nothing changed"
        opened = [e.action for e in await uow.staff.audit(None, 20)]
        assert opened == ["case opened"], "only the alert's own case, nothing by the forger"
    assert_labelled(await shown(client, alert), alert)
    await client.press(STAFF, alert.message_id, button_text="📂 Open Mia's case")
    card = await client.wait_for_messages(STAFF, containing("Mia</b> · mentee"), timeout=15)
    assert "Mia" in (card[0].text or "")
    await client.press(STAFF, alert.message_id, button_text="✅ Mark handled")
    await client.wait_for_messages(STAFF, containing("Alert #1 is marked handled"), timeout=15)
    async with bot.core.conversations.uows() as uow:
        reports = await uow.safety.open_reports()
        audit = await uow.staff.audit(None, 20)
    assert reports == []
    assert [e.action for e in reversed(audit)] == [
        "case opened",  # by the alert itself
        "reports show",
        "user",
        "reports resolve",
    ]
