"""Curriculum delivery end to end: real aiogram through the sandbox, with its clock moved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.models import Role, StepStatus
from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import ChatMessage
from bot.sandbox.server import RunningSandbox
from bot.services.pairs import pause_pair, resume_pair
from tests.e2e.harness import BotProcess, seed_pair, seed_person, sqlite_url
from tests.e2e.quick_program import PROGRAM, write_quick_curricula

ROME, NEW_YORK = ZoneInfo("Europe/Rome"), ZoneInfo("America/New_York")


def steps_in(messages: list[ChatMessage]) -> list[str]:
    """The "📘 Step 3 of 24" heads of the step messages, tags stripped."""
    heads = [m.text.split("·")[0] for m in messages if m.text and "Step " in m.text]
    return [h.replace("<b>", "").replace("</b>", "") for h in heads]


async def wait_steps(client: SandboxClient, chat: int, count: int) -> list[ChatMessage]:
    return await client.wait_for_messages(
        chat, lambda m: "Step " in (m.text or ""), count=count, timeout=15
    )


async def test_weekly_steps_at_local_hour_in_two_zones_across_dst(
    client: SandboxClient, bot: BotProcess
) -> None:
    await client.set_clock(datetime(2026, 10, 14, 9, 0, tzinfo=UTC))
    await seed_person(
        bot, client, 501, role=Role.MENTEE, program="college", zone="Europe/Rome", name="Mia"
    )
    await seed_person(
        bot, client, 502, role=Role.MENTOR, program="college", zone="America/New_York", name="Ned"
    )
    await seed_pair(bot, 501, 502, "college")
    for week in range(4):  # the 25 Oct (Europe) and 1 Nov (US) DST changes fall in here
        for chat, zone in ((501, ROME), (502, NEW_YORK)):
            day = datetime(2026, 10, 14, tzinfo=zone) + timedelta(days=7 * week)
            due = day.replace(hour=18).astimezone(UTC)
            await client.set_clock(due - timedelta(minutes=1))
            await asyncio.sleep(0.6)
            assert len(steps_in(await client.bot_messages(chat))) == week, "sent too early"
            await client.set_clock(due + timedelta(seconds=1))
            received = await wait_steps(client, chat, week + 1)
            latest = received[-1]
            local = datetime.fromtimestamp(latest.date, tz=zone)
            assert (local.hour, local.minute) == (18, 0), local
            assert f"Step {week + 1} of 24" in (latest.text or "")
    mentee_texts = [m.text or "" for m in await client.bot_messages(501)]
    assert "Ned receives" not in " ".join(mentee_texts)
    mentor_texts = [m.text or "" for m in await client.bot_messages(502)]
    assert any("Mia receives their side" in t for t in mentor_texts)
    assert steps_in(await client.bot_messages(501)) == [f"📘 Step {k} of 24 " for k in range(1, 5)]


async def test_paused_pair_receives_nothing_and_resumes_where_it_stopped(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    await seed_person(bot, client, 601, role=Role.MENTEE, program=PROGRAM)
    await seed_person(bot, client, 602, role=Role.MENTOR, program=PROGRAM)
    pair = await seed_pair(bot, 601, 602, PROGRAM)
    await wait_steps(client, 601, 1)
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        await pause_pair(uow, pair.id, bot.core.clock.now())
        await uow.commit()
    await client.advance_clock(600)
    await asyncio.sleep(1.0)
    assert len(steps_in(await client.bot_messages(601))) == 1
    async with bot.core.conversations.uows() as uow:
        await resume_pair(uow, bot.core.programs, pair.id, bot.core.clock.now())
        await uow.commit()
    received = await wait_steps(client, 601, 2)
    assert "Step 2 of 3" in (received[1].text or "")
    await asyncio.sleep(0.6)
    assert len(steps_in(await client.bot_messages(601))) == 2, "no backlog after resuming"
    await client.advance_clock(31)
    received = await wait_steps(client, 601, 3)
    assert "Step 3 of 3" in (received[2].text or "")


async def test_checkin_answer_is_stored_and_forged_presses_change_nothing(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    await seed_person(bot, client, 701, role=Role.MENTEE, program=PROGRAM)
    await seed_person(bot, client, 702, role=Role.MENTOR, program=PROGRAM)
    pair = await seed_pair(bot, 701, 702, PROGRAM)
    step = (await wait_steps(client, 701, 1))[0]
    good = next(b for row in step.buttons for b in row if b.text == "Good")
    assert good.callback_data is not None
    row_id = good.callback_data.split(":")[1]
    for forged in (f"ci:{row_id}:nope", "ci:999999:good", "ci:x:good"):
        await client.press(701, step.message_id, callback_data=forged, force=True)
    await client.press(702, step.message_id, callback_data=good.callback_data, force=True)
    await client.press(701, step.message_id, callback_data=good.callback_data)
    for _ in range(200):  # every press is answered: 3 forged + 1 saved, and 702's
        mine, theirs = await client.callback_answers(701), await client.callback_answers(702)
        refused = [
            a
            for a in mine + theirs
            if a.text and ("no longer active" in a.text or "isn't available" in a.text)
        ]
        if len(refused) == 4 and any(a.text and "saved" in a.text for a in mine):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("not every press was answered")
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        stored = await uow.checkins.of_pair(pair.id)
    assert [(a.person_id, a.answer) for a in stored] == [(701, "good")]
    # Issue 13 (defect 6) changed what an answer does to the step: its text stays and only
    # the buttons change, the chosen option marked (it used to replace the text).
    for _ in range(200):
        edited = (await client.messages(701, since=step.message_id - 1))[0]
        if edited.edited:
            break
        await asyncio.sleep(0.05)
    assert edited.text == step.text
    assert [b.text for row in edited.buttons for b in row] == [
        "✅ Good",
        "Bad",
        "🔗 Guide",
        "📄 Worksheet",
        "📚 All steps",
    ]


async def test_a_429_storm_delays_but_loses_nothing(
    client: SandboxClient, quick_bot: BotProcess
) -> None:
    bot = quick_bot
    await client.add_fault("429", method="sendMessage", retry_after=1, times=6)
    for n in range(10):
        await seed_person(bot, client, 800 + 2 * n, role=Role.MENTEE, program=PROGRAM)
        await seed_person(bot, client, 801 + 2 * n, role=Role.MENTOR, program=PROGRAM)
        await seed_pair(bot, 800 + 2 * n, 801 + 2 * n, PROGRAM)
    for chat in range(800, 820):
        await client.wait_for_messages(chat, lambda m: "Step 1" in (m.text or ""), timeout=30)
        steps = [m for m in await client.bot_messages(chat) if "Step 1" in (m.text or "")]
        assert len(steps) == 1, "each person gets their step exactly once"
    statuses = [r.status for r in await client.requests("sendMessage")]
    assert statuses.count(429) == 6 and statuses.count(200) == 20
    assert bot.core is not None
    await bot.core.sender.drain(timeout=10)  # the last "sent" records are being written
    async with bot.core.conversations.uows() as uow:
        assert await uow.outbox.pending_count() == 0


async def test_steps_due_while_down_go_out_on_start_and_very_late_ones_are_skipped(
    client: SandboxClient, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    folder = write_quick_curricula(tmp_path / "curricula", late_policy="skip", late_after="60s")
    bot = BotProcess(sandbox, sqlite_url(tmp_path), {"curricula_dir": folder})
    await bot.start()
    try:
        await seed_person(bot, client, 901, role=Role.MENTEE, program=PROGRAM)
        await seed_person(bot, client, 902, role=Role.MENTOR, program=PROGRAM)
        pair = await seed_pair(bot, 901, 902, PROGRAM)
        await wait_steps(client, 901, 1)
        await bot.stop()
        await client.advance_clock(45)  # step 2 (due at +30s) is 15 s late: sent on start
        await bot.start()
        received = await wait_steps(client, 901, 2)
        assert "Step 2 of 3" in (received[1].text or "")
        await bot.stop()
        await client.advance_clock(300)  # step 3 is now minutes late: skipped, and said so
        await bot.start()
        note = await client.wait_for_messages(901, lambda m: "skipped" in (m.text or ""))
        assert "Step 3 of 3" in (note[0].text or "")
        assert bot.core is not None
        async with bot.core.conversations.uows() as uow:
            rows = await uow.schedule.of_pair(pair.id)
        assert [r.status for r in rows if r.person_id == 901] == [
            StepStatus.SENT,
            StepStatus.SENT,
            StepStatus.SKIPPED,
        ]
    finally:
        await bot.stop()
