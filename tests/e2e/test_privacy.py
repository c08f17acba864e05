"""Privacy end to end, through the sandbox: /privacy, /mydata (a JSON document of one's own
data), /forgetme as a mentee and as a mentor (stale and forged confirmations change nothing),
a search of the whole database afterwards, and the retention round."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import retention_of
from bot.core.models import PairStatus, Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from bot.services.privacy import retention_round
from tests.db_search import search
from tests.e2e.harness import BotProcess, User, seed_pair, seed_person
from tests.e2e.support import staffed_bot

STAFF = 9101
MIA, NED = 1601, 1602
MIA_VALUES = ("Miabelle Quorn", "Atlantic/Madeira")
NED_VALUES = ("Nedward Vantz", "America/Halifax")
START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)  # not quiet hours on either side


@pytest.fixture
async def bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    async with staffed_bot(sandbox, tmp_path, STAFF) as process:
        yield process


async def talking_pair(bot: BotProcess, client: SandboxClient) -> int:
    """Mia (mentee) and Ned (mentor), paired, after one relayed message each way."""
    await client.set_clock(START)
    await client.create_user("Staff", id=STAFF)
    await seed_person(
        bot,
        client,
        MIA,
        role=Role.MENTEE,
        program="college",
        name=MIA_VALUES[0],
        zone=MIA_VALUES[1],
    )
    await seed_person(
        bot,
        client,
        NED,
        role=Role.MENTOR,
        program="college",
        name=NED_VALUES[0],
        zone=NED_VALUES[1],
    )
    pair = await seed_pair(bot, MIA, NED, "college")
    await client.send_text(NED, "Hello from your mentor")
    await client.wait_for_messages(MIA, lambda m: m.text == "Hello from your mentor", timeout=15)
    await client.send_text(MIA, "Hi, thanks!")
    await client.wait_for_messages(NED, lambda m: m.text == "Hi, thanks!", timeout=15)
    await settled(bot)
    return pair.id


async def settled(bot: BotProcess) -> None:
    """Wait until the outbox is delivered (and the relay has recorded its copies)."""
    assert bot.core is not None
    for _ in range(300):
        async with bot.core.conversations.uows() as uow:
            if await uow.outbox.pending_count() == 0:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox never drained")


async def answers_of(client: SandboxClient, chat: int) -> list[str]:
    return [a.text or "" for a in await client.callback_answers(chat)]


async def answered(client: SandboxClient, chat: int, text: str) -> None:
    for _ in range(200):
        if any(text in a for a in await answers_of(client, chat)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no press of {chat} was answered with {text!r}")


async def test_mentee_reads_exports_and_erases_her_data(
    client: SandboxClient, bot: BotProcess, sandbox: RunningSandbox
) -> None:
    pair_id = await talking_pair(bot, client)
    mia = User(client, MIA)
    notice = (await mia.say("/privacy"))[0].text or ""
    assert "How long" in notice and "90 days" in notice and "Who can see it" in notice

    sent = await mia.say("/mydata")
    assert sent[0].kind == "document" and sent[0].file_id is not None
    assert sent[0].caption == "Everything we keep about you, as of today."
    stored = sandbox.sandbox.files.get(sent[0].file_id)
    assert stored is not None and (stored.file_name or "").endswith(".json")
    raw = stored.data.decode()
    data = json.loads(raw)
    assert data["profile"]["display_name"] == MIA_VALUES[0]
    assert data["profile"]["time_zone"] == MIA_VALUES[1]
    assert data["mentorships"][0]["partner"] == "your mentor"
    assert [r["direction"] for r in data["relayed_messages"]["records"]] == ["received", "sent"]
    for partners in (*NED_VALUES, "Nedward", str(NED)):
        assert partners not in raw, f"the export names her partner: {partners}"

    prompt = (await mia.say("/forgetme"))[0]
    assert "Erase your data?" in (prompt.text or "")
    done = await mia.press("Yes, erase my data")
    assert "everything we kept about you has been erased" in (done[0].text or "")
    told = await client.wait_for_messages(NED, lambda m: "ended" in (m.text or ""), timeout=15)
    assert told[0].text == "Your mentorship has ended."
    alert = await client.wait_for_messages(STAFF, lambda m: "/forgetme" in (m.text or ""))
    assert f"#{pair_id} (College First Year)" in (alert[0].text or "")
    assert "Miabelle" not in (alert[0].text or "")
    await settled(bot)

    assert bot.core is not None
    engine = bot.core.db
    assert not await search(engine, (*MIA_VALUES, "Miabelle", "Quorn"), []), "no personal field"
    left = await search(engine, (), [MIA])
    assert {(f.table, f.column) for f in left} <= {("outbox", "chat_id"), ("outbox", "payload")}
    assert left, "the delivery records of the goodbye itself remain, for the retention period"
    async with bot.core.conversations.uows() as uow:
        assert await uow.persons.get(MIA) is None
        pair = await uow.pairs.get(pair_id)
    assert pair is not None and pair.status is PairStatus.ENDED
    assert pair.mentor_id == NED and pair.mentee_id < 0, "Ned's history stays, without her"

    await client.set_clock(START + timedelta(days=91))
    purged = await retention_round(
        bot.core.conversations.uows, bot.core.clock, retention_of(bot.core.settings)
    )
    assert purged.delivery_records > 0
    assert not await search(engine, (*MIA_VALUES, "Miabelle"), [MIA]), "now nothing at all"

    again = await mia.say("/start")
    assert "Which language" in (again[0].text or ""), "she starts afresh"


async def test_mentor_erases_after_stale_and_forged_confirmations_changed_nothing(
    client: SandboxClient, bot: BotProcess
) -> None:
    await talking_pair(bot, client)
    ned = User(client, NED)
    first = (await ned.say("/forgetme"))[0]
    second = (await ned.say("/forgetme"))[0]
    assert "Your mentorship ends now" in (second.text or "")
    old_yes = first.buttons[0][0]
    assert old_yes.text == "Yes, erase my data" and old_yes.callback_data
    await client.press(NED, first.message_id, callback_data=old_yes.callback_data)
    await answered(client, NED, "no longer active")
    token = (second.buttons[0][0].callback_data or "").split(":")[1]
    await client.press(NED, second.message_id, callback_data=f"f:{token}:everything", force=True)
    await answered(client, NED, "That option isn't available")
    await settled(bot)
    assert bot.core is not None
    assert (await bot.person(NED)) is not None, "stale and forged presses erased nothing"
    assert not [m for m in await client.bot_messages(MIA) if "ended" in (m.text or "")]

    done = await ned.press("Yes, erase my data")
    assert "has been erased" in (done[0].text or "")
    told = await client.wait_for_messages(MIA, lambda m: "ended" in (m.text or ""), timeout=15)
    assert told[0].text == (
        "Your mentorship has ended.\n\nWhenever you're ready, you can ask for a new mentor "
        "with /findmentor."
    )
    await settled(bot)
    assert not await search(bot.core.db, (*NED_VALUES, "Nedward"), []), "no personal field"
    assert (await bot.person(NED)) is None
    mia = await bot.person(MIA)
    assert mia is not None and mia.display_name == MIA_VALUES[0], "Mia's data is untouched"
