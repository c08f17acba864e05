"""Check-ins keep their step, and /steps rereads a pair's steps: transcripts over in-memory
storage (the end-to-end twins are in tests/e2e/test_trust_steps.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core import effects as fx
from bot.core.models import StepStatus
from bot.handlers import entry
from bot.handlers.commands import COMMANDS, REGISTRY
from bot.i18n import Catalogs
from bot.messages import matching as matching_messages
from bot.messages import relay as relay_messages
from bot.messages import safety as safety_messages
from bot.messages import staff as staff_kit
from bot.messages import steps as sm
from bot.services.curriculum import CurriculumDelivery
from bot.services.pairs import end_pair, pause_pair, start_pair
from tests.dialog import Bot, Dialog, answers, onboard, texts
from tests.e2e.quick_program import PROGRAM, write_quick_curricula


@pytest.fixture
def quick(tmp_path: Path) -> Path:
    return write_quick_curricula(tmp_path / "curricula", steps=12)


async def _person(bot: Bot, user_id: int, role: str, name: str, language: str = "en") -> Dialog:
    d = Dialog(bot, user_id=user_id)
    await onboard(d, link=PROGRAM, role=role, quick=True)
    person = bot.person(user_id)
    assert person is not None
    bot.store.persons[user_id] = replace(person, display_name=name, language=language)
    return d


async def _pair(bot: Bot, mentee: int, mentor: int) -> int:
    async with bot.store.uow() as uow:
        pair = await start_pair(
            uow,
            bot.programs,
            mentee_id=mentee,
            mentor_id=mentor,
            program=PROGRAM,
            at=bot.clock.now(),
        )
        await uow.commit()
    return pair.id


async def _deliver(bot: Bot, *readers: Dialog, rounds: int = 1) -> None:
    """Run delivery rounds 31 s apart; `readers` have read what came (steps, not replies)."""
    service = CurriculumDelivery(bot.store.uow, bot.clock, bot.programs, Catalogs())
    for _ in range(rounds):
        await service.run_due()
        bot.clock.advance(31)
    for reader in readers:
        reader.new_effects()


async def _rows(bot: Bot, pair_id: int, person_id: int) -> list[int]:
    async with bot.store.uow() as uow:
        return [r.id for r in await uow.schedule.of_pair(pair_id) if r.person_id == person_id]


def labels(keyboard: fx.Keyboard) -> list[str]:
    return [b.text for row in keyboard for b in row]


async def test_a_checkin_answer_changes_only_the_buttons(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mia = await _person(bot, 400, "mentee", "Mia")
    await _person(bot, 401, "mentor", "Ned")
    pair_id = await _pair(bot, 400, 401)
    await _deliver(bot, mia)
    step = mia.last_keyboard()
    assert "Mentee text 1" in step.text
    assert labels(step.buttons) == ["Good", "Bad", "🔗 Guide", "📄 Worksheet", "📚 All steps"]
    effects = await mia.press("Good")
    assert answers(effects) == ["Thank you, your answer is saved."]
    assert not [e for e in effects if isinstance(e, fx.EditText | fx.SendText)]
    [edit] = [e for e in effects if isinstance(e, fx.EditButtons)]
    assert labels(edit.buttons) == ["✅ Good", "Bad", "🔗 Guide", "📄 Worksheet", "📚 All steps"]
    assert edit.buttons[1][0].url == "https://example.org/guide"
    effects = await mia.press("", data=edit.buttons[0][1].data)  # changing one's mind
    [edit] = [e for e in effects if isinstance(e, fx.EditButtons)]
    assert labels(edit.buttons)[:2] == ["Good", "✅ Bad"]
    async with bot.store.uow() as uow:
        stored = await uow.checkins.of_pair(pair_id)
    assert [(a.person_id, a.answer) for a in stored] == [(400, "bad")]


async def test_steps_lists_and_reopens_each_side(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mia = await _person(bot, 400, "mentee", "Mia")
    ned = await _person(bot, 401, "mentor", "Ned")
    assert "You have no curriculum steps yet" in (await mia.say("/steps"))[0]
    pair_id = await _pair(bot, 400, 401)
    out = await mia.say("/steps")
    assert out[0].splitlines()[1:] == [
        "No step has arrived yet.",
        "12 more steps to come, the next on Sat 21 Nov, 10:00.",
    ]
    await _deliver(bot, mia, ned, rounds=2)
    await mia.press("", data=f"ci:{(await _rows(bot, pair_id, 400))[0]}:good")
    out = await mia.say("/steps")
    assert out[0].splitlines() == [
        "<b>📚 Your steps with Ned</b>",
        "✅ Step 1 of 12 · Title 1 — delivered Sat 21 Nov, check-in answered",
        "📬 Step 2 of 12 · Title 2 — delivered Sat 21 Nov",
        "10 more steps to come, the next on Sat 21 Nov, 10:01.",
    ]
    listing = mia.last_keyboard()
    assert labels(listing.buttons) == ["1. Title 1", "2. Title 2"]
    effects = await mia.press("1. Title 1")
    [again] = [e for e in effects if isinstance(e, fx.SendText)]
    assert again.text.startswith("🔁 <i>Delivered on Sat 21 Nov, in your mentorship with Ned.</i>")
    assert "Mentee text 1" in again.text and "How is it?" in again.text
    assert labels(again.buttons) == ["✅ Good", "Bad", "🔗 Guide", "📄 Worksheet", "📚 All steps"]
    effects = await mia.press("Worksheet")  # the reopened step's document still comes
    assert [e.filename for e in effects if isinstance(e, fx.SendDocument)] == ["worksheet.txt"]
    # the mentor sees the mentor's prompt, never the mentee's message or check-in
    out = await ned.say("/steps")
    assert "Your steps with Mia" in out[0] and "check-in" not in out[0]
    effects = await ned.press("1. Title 1")
    [again] = [e for e in effects if isinstance(e, fx.SendText)]
    assert "Mentor text 1" in again.text and "Mentee text" not in again.text
    assert "How is it?" not in again.text and "receives their side" not in again.text
    # the button under a step message lists the steps too
    effects = await ned.press("📚 All steps")
    assert "Your steps with Mia" in texts(effects)[0]


async def test_free_text_answer_shows_under_the_reopened_step(tmp_path: Path) -> None:
    bot = Bot(curricula=write_quick_curricula(tmp_path / "c", free_text=True))
    mia = await _person(bot, 400, "mentee", "Mia")
    await _person(bot, 401, "mentor", "Ned")
    await _pair(bot, 400, 401)
    await _deliver(bot, mia)
    await mia.press("Answer")
    await mia.say("Better <than> I expected")
    await mia.say("/steps")
    effects = await mia.press("1. Title 1")
    [again] = [e for e in effects if isinstance(e, fx.SendText)]
    assert again.text.endswith("<b>Your answer:</b> Better &lt;than&gt; I expected")
    assert labels(again.buttons)[0] == "✅ ✍️ Answer"


async def test_a_mentor_with_two_mentees_chooses_whose_steps(quick: Path) -> None:
    bot = Bot(curricula=quick)
    await _person(bot, 400, "mentee", "Mia")
    await _person(bot, 402, "mentee", "Leo")
    ned = await _person(bot, 401, "mentor", "Ned")
    first = await _pair(bot, 400, 401)
    await _deliver(bot, ned, rounds=3)
    second = await _pair(bot, 402, 401)
    await _deliver(bot, ned)
    out = await ned.say("/steps")
    assert out == ["Whose steps would you like to see?"]
    assert [(b.text, b.data) for row in ned.last_keyboard().buttons for b in row] == [
        ("Mia", f"cs:p:{first}"),
        ("Leo", f"cs:p:{second}"),
    ]
    effects = await ned.press("Leo")
    [listing] = [e for e in effects if isinstance(e, fx.EditText)]
    assert "Your steps with Leo" in listing.text and "Step 1 of 12" in listing.text
    assert "Step 2 of 12" not in listing.text
    assert labels(listing.buttons) == ["1. Title 1", "👥 Other mentorships"]
    effects = await ned.press("", data="cs:c")
    [choice] = [e for e in effects if isinstance(e, fx.EditText)]
    assert choice.text == "Whose steps would you like to see?"
    effects = await ned.press("", data=f"cs:p:{first}")
    [listing] = [e for e in effects if isinstance(e, fx.EditText)]
    assert "Your steps with Mia" in listing.text and "Step 4 of 12" in listing.text


async def test_long_lists_turn_pages(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mia = await _person(bot, 400, "mentee", "Mia")
    await _person(bot, 401, "mentor", "Ned")
    pair_id = await _pair(bot, 400, 401)
    await _deliver(bot, mia, rounds=12)
    out = await mia.say("/steps")
    assert "<i>Page 2 of 2</i>" in out[0] and "Step 12 of 12" in out[0]
    assert "No more steps to come" in out[0] and "Step 4 of 12" not in out[0]
    assert labels(mia.last_keyboard().buttons)[-1] == "‹ Earlier"
    effects = await mia.press("‹ Earlier")
    [page] = [e for e in effects if isinstance(e, fx.EditText)]
    assert "Page 1 of 2" in page.text and "Step 8 of 12" in page.text and "Step 9" not in page.text
    assert labels(page.buttons)[-1] == "Later ›"
    assert all(len((b.data or "").encode()) <= 64 for row in page.buttons for b in row)
    for data in (f"cs:p:{pair_id}:99", f"cs:p:{pair_id}:0"):  # a page past the end: the last
        effects = await mia.press("", data=data)
        assert [e for e in effects if isinstance(e, fx.EditText)]


async def test_forged_and_stale_presses_change_nothing(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mia = await _person(bot, 400, "mentee", "Mia")
    ned = await _person(bot, 401, "mentor", "Ned")
    await _person(bot, 402, "mentee", "Leo")
    eve = await _person(bot, 403, "mentor", "Eve")
    pair_id = await _pair(bot, 400, 401)
    other = await _pair(bot, 402, 403)
    await _deliver(bot, mia, ned, eve)
    mine = await _rows(bot, pair_id, 400)
    async with bot.store.uow() as uow:
        statuses = {r.id: r.status for r in await uow.schedule.of_pair(pair_id)}
    assert statuses[mine[0]] is StepStatus.SENT and statuses[mine[1]] is StepStatus.SCHEDULED
    stale = "This button is no longer active. Please use the latest message."
    cases = {
        f"cs:o:{mine[1]}": "That step hasn't arrived yet: it comes on its day.",
        f"cs:l:{mine[1]}": "That step hasn't arrived yet: it comes on its day.",
        f"cs:o:{(await _rows(bot, other, 402))[0]}": stale,  # another pair's step
        f"cs:p:{other}": stale,
        "cs:o:999999": stale,
        "cs:o:x": stale,
        "cs:p:x": stale,
        f"cs:p:{pair_id}:-1": stale,
        "cs:c": stale,  # nothing to choose between
        "cs:": stale,
        "cs:zz:1": stale,
    }
    for data, said in cases.items():
        effects = await mia.press("", data=data)
        assert answers(effects) == [said], data
        assert not [e for e in effects if not isinstance(e, fx.AnswerButton)], data
    # the mentor cannot open the mentee's row, nor Eve the pair's
    for who in (ned, eve):
        effects = await who.press("", data=f"cs:o:{mine[0]}")
        assert answers(effects) == [stale]
        assert not texts(effects)


async def test_the_list_follows_the_current_language(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mia = await _person(bot, 400, "mentee", "Mia", language="it")
    await _person(bot, 401, "mentor", "Ned")
    await _pair(bot, 400, 401)
    await _deliver(bot, mia)
    out = await mia.say("/steps")
    assert out[0].startswith("<b>📚 I tuoi passi con Ned</b>\n❔ Passo 1 di 12 · Title 1 (it)")
    effects = await mia.press("1. Title 1 (it)")
    [again] = [e for e in effects if isinstance(e, fx.SendText)]
    assert "Mentee text 1 (it)" in again.text and "Consegnato il" in again.text
    assert labels(again.buttons)[-1] == "📚 Tutti i passi"


def test_button_prefixes_do_not_collide() -> None:
    """Each kind of button has its own prefix, and none starts another (a steps button once
    used "st:", which the staff buttons own)."""
    prefixes = [
        sm.CHECKIN_PREFIX,
        sm.DOCUMENT_PREFIX,
        sm.STEPS_PREFIX,
        staff_kit.STAFF_PREFIX,
        matching_messages.PROPOSAL_PREFIX,
        safety_messages.SAFETY_PREFIX,
        relay_messages.RELAY_PREFIX,
        entry.LANGUAGE_PREFIX,
        "f:",  # flow buttons (bot.core.engine)
    ]
    for a in prefixes:
        for b in prefixes:
            assert a == b or not b.startswith(a), (a, b)


def test_steps_is_in_everyones_menu_and_help() -> None:
    assert [c.name for c in COMMANDS].count("steps") == 1
    catalogs = Catalogs()
    for language, menu in REGISTRY.menus(catalogs).items():
        assert any(name == "steps" for name, _ in menu), language
    it = catalogs.translator("it")
    assert "/steps — Rileggi i passi del tuo percorso" in REGISTRY.help_text(it)


async def test_paused_and_ended_mentorships(quick: Path) -> None:
    bot = Bot(curricula=quick)
    mia = await _person(bot, 400, "mentee", "Mia")
    await _person(bot, 401, "mentor", "Ned")
    pair_id = await _pair(bot, 400, 401)
    await _deliver(bot, mia)
    async with bot.store.uow() as uow:
        pair = await pause_pair(uow, pair_id, bot.clock.now())
        await uow.commit()
    out = await mia.say("/steps")
    assert out[0].endswith("11 more steps to come once the mentorship is resumed.")
    async with bot.store.uow() as uow:
        await end_pair(uow, pair, 401, "not a good fit", bot.clock.now())
        await uow.commit()
    first = (await _rows(bot, pair_id, 400))[0]
    for data in (f"cs:o:{first}", f"cs:l:{first}"):
        effects = await mia.press("", data=data)
        assert answers(effects) == [
            "That mentorship has ended, so its steps can't be opened any more."
        ]
        assert not texts(effects)
    assert "You have no curriculum steps yet" in (await mia.say("/steps"))[0]
