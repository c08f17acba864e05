"""Safeguarding end to end: real aiogram through the sandbox, with a staff member (a super-admin
of SUPERADMIN_IDS) who receives the alerts.

The crisis-word check runs inside the relay (`screen` is called before each text is passed on).
Until the relay is wired into the dispatcher, the crisis test calls `screen` in a turn built here
over the real storage, and lets the real sender deliver what it queued; the transcript tests in
`tests/flows/test_safety_flows.py` cover the same hook in more detail.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.models import PairStatus, Role, StepStatus
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from bot.services.relationship_checkins import RelationshipCheckins
from tests.e2e.harness import BotProcess, User, seed_pair, seed_person
from tests.e2e.support import staffed_bot

STAFF = 9001
MIA, NED = 1501, 1502
START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)  # 12:00 in Rome: not quiet hours


@pytest.fixture
async def bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    async with staffed_bot(sandbox, tmp_path, STAFF) as process:
        yield process


async def pair_of_two(bot: BotProcess, client: SandboxClient) -> int:
    await client.set_clock(START)
    await client.create_user("Staff", id=STAFF)
    await seed_person(bot, client, MIA, role=Role.MENTEE, program="college", name="Mia")
    await seed_person(bot, client, NED, role=Role.MENTOR, program="college", name="Ned")
    return (await seed_pair(bot, MIA, NED, "college")).id


def containing(text: str) -> Callable[[ChatMessage], bool]:
    return lambda m: text in (m.text or "")


async def wait(client: SandboxClient, chat: int, text: str, count: int = 1) -> list[ChatMessage]:
    return await client.wait_for_messages(chat, containing(text), count=count, timeout=15)


async def refused(client: SandboxClient, chat: int) -> None:
    """Wait until a press in `chat` was answered as no longer active."""
    for _ in range(200):
        if any("no longer active" in (a.text or "") for a in await client.callback_answers(chat)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no press of {chat} was refused")


async def test_report_with_pause_alerts_staff_with_context_and_pauses(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    await client.send_text(NED, "Tell me where you live")  # relayed to Mia
    await wait(client, MIA, "Tell me where you live")
    assert bot.core is not None
    for _ in range(100):  # the relay records the copy once Telegram has it
        async with bot.core.conversations.uows() as uow:
            if await uow.relay.recent(pair_id, 10):
                break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the relay never recorded the copy")
    mia = User(client, MIA)
    prompt = await mia.say("/report")
    assert "What would you like to tell the program team about" in (prompt[0].text or "")
    await mia.press("personal details")
    pause = await mia.say("He keeps asking for my address")
    assert "Pause the mentorship with Ned" in (pause[0].text or "")
    done = await mia.press("Yes, pause it", expect=2)
    assert "Thank you for telling us" in (done[0].text or "")
    assert "paused while the program team looks into it" in (done[1].text or "")
    await wait(client, NED, "Your mentorship with Mia is paused for now")
    alert = await wait(client, STAFF, "Report #1")
    assert "Asked for money or personal details" in (alert[0].text or "")
    assert "He keeps asking for my address" in (alert[0].text or "")
    # issue 13, defect 3: the context is in the one labelled alert, not loose copies after it
    assert "Ned → Mia: a message (mentorbot keeps no words)" in (alert[0].text or "")
    assert "not messages to you" in (alert[0].text or "")
    assert not any(m.copied for m in await client.bot_messages(STAFF))
    async with bot.core.conversations.uows() as uow:
        reports = await uow.safety.open_reports()
        pair = await uow.pairs.get(pair_id)
    assert [(r.reporter_id, r.reported_id, r.reason) for r in reports] == [(MIA, NED, "money")]
    assert pair is not None and pair.status is PairStatus.PAUSED


async def test_block_ends_the_pair_and_the_partner_is_told_neutrally(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    mia = User(client, MIA)
    confirm = await mia.say("/block")
    assert "Block Ned?" in (confirm[0].text or "")
    done = await mia.press("Yes, block")
    assert "you can no longer write to each other" in (done[0].text or "")
    told = await client.wait_for_messages(NED, timeout=15)
    assert [m.text for m in told] == ["Your mentorship has ended."]
    alert = await wait(client, STAFF, "blocked")
    # issue 13, defect 3: staff read pseudonyms and roles, never Telegram ids
    assert "<b>Mia</b> (mentee) blocked <b>Ned</b> (mentor)" in (alert[0].text or "")
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(pair_id)
        rows = await uow.schedule.of_pair(pair_id)
    assert pair is not None
    assert (pair.status, pair.ended_by, pair.end_reason) == (PairStatus.ENDED, MIA, "blocked")
    assert {r.status for r in rows} == {StepStatus.CANCELLED}
    await client.press(
        MIA, confirm[0].message_id, callback_data=f"sg:blockok:{pair_id}", force=True
    )
    await refused(client, MIA)


async def test_end_with_feedback_thanks_the_partner_and_stores_the_rating(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    ned = User(client, NED)
    await ned.say("/end")
    feedback = await ned.press("We reached our goals")
    assert "how helpful was this mentorship" in (feedback[0].text or "")
    ended = await ned.press("5")
    assert "Your mentorship with Mia has ended" in (ended[0].text or "")
    told = await wait(client, MIA, "has come to an end")
    assert "/findmentor" in (told[0].text or "")
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(pair_id)
        ratings = await uow.safety.ratings(pair_id)
    assert pair is not None and (pair.status, pair.end_reason) == (PairStatus.ENDED, "goals")
    assert [(r.person_id, r.rating) for r in ratings] == [(NED, 5)]


async def test_crisis_words_bring_resources_and_a_priority_alert(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    assert bot.core is not None
    text = "I don't want to live anymore"
    await client.send_text(MIA, text)  # relayed to Ned, and screened on the way
    delivered = await wait(client, NED, text)
    assert delivered[0].copied and not delivered[0].forwarded, "the message is still delivered"
    resources = await wait(client, MIA, "face it alone")
    assert "112" in (resources[0].text or "") and "988" in (resources[0].text or "")
    # issue 13: one labelled alert carries the context (the message's words included); staff
    # read names, not ids, and get no loose copies
    alert = await wait(client, STAFF, "Crisis alert")
    assert "crisis words" in (alert[0].text or "")
    assert "<b>Mia</b> wrote crisis words" in (alert[0].text or "")
    assert f"Mia → Ned: «{text}»" in (alert[0].text or "")
    assert not any(m.copied for m in await client.bot_messages(STAFF))
    async with bot.core.conversations.uows() as uow:
        reports = await uow.safety.open_reports()
    assert [(r.reason, r.priority, r.pair_id) for r in reports] == [("crisis", True, pair_id)]
    assert text not in (reports[0].text or ""), "reports keep the matched phrases, not the text"


async def test_relationship_checkin_answer_is_stored(
    client: SandboxClient, bot: BotProcess
) -> None:
    pair_id = await pair_of_two(bot, client)
    assert bot.core is not None
    core = bot.core
    job = RelationshipCheckins(
        core.conversations.uows,
        core.clock,
        core.programs,
        core.catalogs,
        on_queued=core.sender.wake,
    )
    await client.set_clock(START + timedelta(days=14, minutes=1))
    assert await job.run() == 1
    question = (await wait(client, MIA, "How is your mentorship with Ned going?"))[0]
    four = next(b for row in question.buttons for b in row if b.text == "4")
    await client.press(MIA, question.message_id, callback_data=four.callback_data)
    await client.press(STAFF, question.message_id, callback_data=four.callback_data, force=True)
    await refused(client, STAFF)  # not a member of the pair: nothing stored
    ratings = []
    for _ in range(100):
        async with core.conversations.uows() as uow:
            ratings = await uow.safety.ratings(pair_id)
        if ratings:
            break
        await asyncio.sleep(0.05)
    assert [(r.person_id, r.rating) for r in ratings] == [(MIA, 4)]
    for _ in range(100):  # the sender edits the question after the commit
        edited = (await client.messages(MIA, since=question.message_id - 1))[0]
        if edited.edited:
            break
        await asyncio.sleep(0.05)
    assert (edited.text or "").endswith("<b>→ 4</b>") and not edited.buttons
    assert await job.run() == 0, "asked once"
