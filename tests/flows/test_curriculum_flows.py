"""Training, check-ins, /progress and /resources as transcripts over in-memory storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import effects as fx
from bot.core.models import Role, StepStatus
from bot.i18n import Catalogs
from bot.services.curriculum import CurriculumDelivery
from bot.services.pairs import PairError, pause_pair, start_pair
from tests.dialog import Bot, Dialog, onboard, texts
from tests.e2e.quick_program import PROGRAM, write_quick_curricula


async def test_mentor_passes_training_and_becomes_eligible() -> None:
    bot = Bot()
    d = Dialog(bot, user_id=300)
    await onboard(d, role="mentor")
    await d.say("/training")
    d.hears("You have passed 0 of 6 modules")
    course = bot.programs.curricula["volunteer-training"]
    for number, module in enumerate(course.steps, start=1):
        await d.press(f"{number}. ")
        lesson = d.heard or [d.last_keyboard().text]
        assert f"Module {number} of 6" in lesson[0]
        await d.press("Start the quiz")
        for k, question in enumerate(module.quiz):
            right = next(o for o in question.options if o.id == question.answer)
            wrong = next(o for o in question.options if o.id != question.answer)
            # get the first module's first question wrong once: 2 of 3 still passes
            label = wrong if (number, k) == (1, 0) else right
            await d.press(label.label["en"])
        assert any("Module passed" in t for t in d.heard)
    assert any("completed the volunteer training" in t for t in d.heard)
    person = bot.person(300)
    assert person is not None and person.training_passed_at is not None
    results = bot.store.training
    assert len(results) == 6 and all(r.passed for r in results.values())
    # issue 13: the training, finished, closes itself (no menu left open to press Close on)
    assert "come back to the training at any time with /training" in d.heard[-1]
    assert 300 not in bot.store.flows


async def test_failing_a_module_is_recorded_and_can_be_retaken() -> None:
    bot = Bot()
    d = Dialog(bot, user_id=301)
    await onboard(d, role="mentor")
    await d.say("/training")
    course = bot.programs.curricula["volunteer-training"]
    module = course.steps[0]
    await d.press("1. ")
    await d.press("Start the quiz")
    for question in module.quiz:
        wrong = next(o for o in question.options if o.id != question.answer)
        await d.press(wrong.label["en"])
    d.hears("0 of 3", "Not passed yet")
    assert not next(iter(bot.store.training.values())).passed
    person = bot.person(301)
    assert person is not None and person.training_passed_at is None


async def test_training_is_for_mentors() -> None:
    bot = Bot()
    d = Dialog(bot, user_id=302)
    await d.say("/training")
    d.hears("finish signing up")
    await onboard(d, role="mentee")
    await d.say("/training")
    d.hears("for mentors")


@pytest.fixture
def quick(tmp_path: Path) -> Path:
    return write_quick_curricula(tmp_path / "curricula", free_text=True)


async def paired(bot: Bot) -> tuple[Dialog, Dialog, int]:
    mentee, mentor = Dialog(bot, user_id=400), Dialog(bot, user_id=401)
    await onboard(mentee, link=PROGRAM, role="mentee", quick=True)
    await onboard(mentor, link=PROGRAM, role="mentor", quick=True)
    async with bot.store.uow() as uow:
        pair = await start_pair(
            uow,
            bot.programs,
            mentee_id=400,
            mentor_id=401,
            program=PROGRAM,
            at=bot.clock.now(),
        )
        await uow.commit()
    return mentee, mentor, pair.id


def delivery(bot: Bot) -> CurriculumDelivery:
    programs = bot.programs
    return CurriculumDelivery(bot.store.uow, bot.clock, programs, Catalogs())


async def test_free_text_checkin_progress_and_resources(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mentee, mentor, pair_id = await paired(bot)
    await mentee.say("/progress")
    mentee.hears("not started yet")
    assert await delivery(bot).run_due() == 2
    step = mentee.last_keyboard()
    assert "Step 1 of 3" in step.text and "How is it?" in step.text
    mentor_msgs = texts(mentor.new_effects())
    assert "Mentor text 1" in mentor_msgs[-1] and "Sam receives their side" in mentor_msgs[-1]
    await mentee.press("Answer")
    assert bot.store.flows[400].flow == "checkin"
    await mentee.say("Better than I expected")
    mentee.hears("saved")
    async with bot.store.uow() as uow:
        stored = await uow.checkins.of_pair(pair_id)
    assert [(a.person_id, a.answer) for a in stored] == [(400, "Better than I expected")]
    await mentee.say("/progress")
    mentee.hears("Step 1 of 3 · Title 1", "next step")
    await mentee.say("/resources")
    mentee.hears("Program handbook", "Guide")
    doc_button = mentee.last_keyboard().buttons[0][0]
    assert doc_button.text == "📄 Worksheet" and doc_button.data
    effects = await mentee.press("Worksheet")
    docs = [e for e in effects if isinstance(e, fx.SendDocument)]
    assert docs and docs[0].content == b"A worksheet\n" and docs[0].filename == "worksheet.txt"
    # the mentor cannot open the mentee's step buttons, and made-up rows do nothing
    for data in (doc_button.data, "doc:999:0", "ci:999:good", f"doc:{doc_button.data[4:-2]}:7"):
        effects = await mentor.press("", data=data)
        assert "no longer active" in mentor.toast(), data
        assert not [e for e in effects if isinstance(e, fx.SendDocument)]


async def test_pause_state_shows_in_progress_and_unknown_pairs_are_refused(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mentee, _mentor, pair_id = await paired(bot)
    async with bot.store.uow() as uow:
        await pause_pair(uow, pair_id, bot.clock.now())
        await uow.commit()
    assert await delivery(bot).run_due() == 0
    await mentee.say("/progress")
    mentee.hears("paused")
    async with bot.store.uow() as uow:
        with pytest.raises(PairError):
            await pause_pair(uow, 999, bot.clock.now())
        with pytest.raises(PairError):
            await start_pair(
                uow,
                bot.programs,
                mentee_id=401,
                mentor_id=400,
                program=PROGRAM,
                at=bot.clock.now(),
            )
        rows = await uow.schedule.of_pair(pair_id)
    assert {r.status for r in rows} == {StepStatus.SCHEDULED}
    assert {r.role for r in rows} == {Role.MENTEE, Role.MENTOR}


async def test_silent_pairs_get_one_nudge_per_period(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mentee, mentor, pair_id = await paired(bot)
    service = delivery(bot)
    assert await service.nudge_silent() == 0
    bot.clock.advance(86400 + 60)
    assert await service.nudge_silent() == 1
    # they never talked: no "it's been a while", an invitation to say hello
    first_mentee, first_mentor = texts(mentee.new_effects())[-1], texts(mentor.new_effects())[-1]
    assert "haven't said hello yet" in first_mentee and "been a while" not in first_mentee
    assert "haven't said hello yet" in first_mentor and "for a while" not in first_mentor
    assert await service.nudge_silent() == 0  # at most once per period
    async with bot.store.uow() as uow:
        await uow.pairs.record_activity(pair_id, bot.clock.now())
        await uow.commit()
    bot.clock.advance(86400 - 60)
    assert await service.nudge_silent() == 0  # they talked: the clock restarted
    bot.clock.advance(120)
    assert await service.nudge_silent() == 1
    assert "been a while" in texts(mentee.new_effects())[-1]
    assert "haven't talked" in texts(mentor.new_effects())[-1]
