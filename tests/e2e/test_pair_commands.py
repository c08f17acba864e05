"""/training, /progress and /resources end to end through the sandbox."""

from __future__ import annotations

from pathlib import Path

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.harness import BotProcess, User, seed_pair, seed_person, sqlite_url
from tests.e2e.quick_program import PROGRAM, write_quick_curricula


async def test_mentor_takes_a_training_module(client: SandboxClient, bot: BotProcess) -> None:
    await seed_person(bot, client, 1101, role=Role.MENTOR, program="rebuild", name="Vera")
    vera = User(client, 1101)
    menu = await vera.say("/training")
    assert "You have passed 0 of 6 modules" in (menu[0].text or "")
    lesson = await vera.press("1. ")
    assert "Module 1 of 6" in (lesson[-1].text or "")
    assert bot.core is not None
    module = bot.core.programs.curricula["volunteer-training"].steps[0]
    await vera.press("Start the quiz")
    for question in module.quiz:
        right = next(o for o in question.options if o.id == question.answer)
        last = question is module.quiz[-1]
        replies = await vera.press(right.label["en"], expect=2 if last else 1)
    assert any("Module passed" in (m.text or "") for m in replies)
    assert "You have passed 1 of 6 modules" in ((await vera.keyboard()).text or "")
    async with bot.core.conversations.uows() as uow:
        results = await uow.training.of_person(1101, "volunteer-training")
    assert [(r.module_id, r.correct, r.passed) for r in results] == [(module.id, 3, True)]


async def test_progress_and_resources_follow_the_pair(
    client: SandboxClient, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    folder = write_quick_curricula(tmp_path / "curricula")
    bot = BotProcess(sandbox, sqlite_url(tmp_path), {"curricula_dir": folder})
    await bot.start()
    try:
        await seed_person(bot, client, 1201, role=Role.MENTEE, program=PROGRAM, name="Ada")
        await seed_person(bot, client, 1202, role=Role.MENTOR, program=PROGRAM, name="Bo")
        ada = User(client, 1201)
        reply = await ada.say("/progress")
        assert "not matched yet" in (reply[0].text or "")
        await seed_pair(bot, 1201, 1202, PROGRAM)
        await client.wait_for_messages(1201, lambda m: "Step 1 of 3" in (m.text or ""))
        reply = await ada.say("/progress")
        assert "With Bo: Step 1 of 3 · Title 1 (next step" in (reply[0].text or "")
        reply = await ada.say("/resources")
        text = reply[0].text or ""
        assert "Program handbook" in text and "Guide" in text
        worksheet = await ada.press("Worksheet")
        assert worksheet[0].kind == "document" and worksheet[0].caption == "Worksheet"
    finally:
        await bot.stop()
