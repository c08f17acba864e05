"""Onboarding as transcripts: what a person types, what the bot answers, what is stored."""

from __future__ import annotations

import pytest

from bot.core import effects as fx
from bot.core.models import AgeStatus, Role
from tests.dialog import Bot, Dialog, answers, onboard, texts


async def test_mentee_onboards_fully_and_profile_is_stored() -> None:
    bot = Bot()
    d = Dialog(bot)
    assert "Which language" in (await d.say("/start college"))[0]
    await d.press("English")
    out = texts(await d.press("I agree"))
    assert "date of birth" in out[0]
    assert "Would you like a mentor" in (await d.say("23 April 2001"))[0]
    out = texts(await d.press("I'd like a mentor"))
    assert "What would you like help with?" in out[0]  # program came with the link
    await d.press("Financial aid")
    await d.press("Applications")
    await d.press("Done")
    await d.press("Business")
    await d.press("Done")
    await d.press("First in my family")
    await d.press("Done")
    await d.press("Italian")
    await d.press("Done")
    assert bot.store.flows[100].state == "onboarding.timezone"
    assert "time of day" in (await d.say("Milano"))[0]
    await d.say("7pm")
    out = await d.say("Sam")
    assert "Please check your answers" in out[0] and "Europe/Rome" in out[0]
    out = texts(await d.press("Confirm"))
    assert "You're all set, Sam!" in out[0]
    person = bot.person(100)
    assert person is not None and person.is_onboarded
    assert person.role is Role.MENTEE and person.program == "college"
    assert person.goals == ("financial_aid", "applications")
    assert person.interests == ("business",) and person.experiences == ("first_generation",)
    assert person.languages == ("en", "it") and person.time_zone == "Europe/Rome"
    assert person.preferred_hour == 19 and person.display_name == "Sam"
    assert person.age_status is AgeStatus.ADULT and person.birth_year == 2001
    assert person.consent_at is not None and 100 not in bot.store.flows


async def test_mentor_onboards_in_italian_and_is_asked_capacity() -> None:
    bot = Bot()
    d = Dialog(bot, user_id=200, language_code="it")
    assert "Quale lingua" in (await d.say("/start"))[0]
    await d.press("Italiano")
    await d.press("d'accordo")
    await d.press("Ricominciare")  # no link: the program comes before the age check
    assert "Vorresti avere un mentore" in (await d.say("23 aprile 1990"))[0]
    await d.press("volontariato")
    await d.press("Casa")
    await d.press("Fatto")
    await d.press("Cucina")
    await d.press("Fatto")
    await d.press("Fatto")
    await d.press("Fatto")
    out = texts(await d.press("2"))
    assert "città" in out[0].lower()
    await d.say("Roma")
    await d.press("20:00")
    await d.say("Giulia")
    out = texts(await d.press("Conferma"))
    assert "Giulia" in out[0] and "mentore" in out[0]
    person = bot.person(200)
    assert person is not None and person.role is Role.MENTOR and person.language == "it"
    assert person.capacity == 2 and person.program == "rebuild" and person.languages == ("it",)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("yesterday", "couldn't read that as a date"),
        ("31/02/2000", "doesn't exist"),
        ("2090-01-01", "in the future"),
        ("🎂", "couldn't read that as a date"),
        ("x" * 5000, "too long"),
        ("23/04/01", "four digits"),
    ],
)
async def test_bad_birth_dates_are_reasked_with_a_hint(typed: str, hint: str) -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("I agree")
    await d.press("College First Year")
    out = await d.say(typed)
    assert len(out) == 1 and hint in out[0] and "23/04/2001" in out[0]
    assert bot.store.flows[100].state == "onboarding.birthdate"
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.UNKNOWN
    assert person.birth_year is None


async def test_under_18_is_refused_and_stays_locked() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start rebuild")
    await d.press("English")
    await d.press("I agree")
    out = await d.say("01/01/2010")
    assert "1 January 2010" in out[0] and "is that right?" in out[0]  # confirmed first
    out = texts(await d.press("Yes, that's right"))
    assert "only for people aged 18 and over" in out[0] and "guardian" in out[0]
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.MINOR
    assert person.birth_year == 2010 and 100 not in bot.store.flows
    for attempt in ("01/01/1990", "/restart", "/start", "/start college", "hello"):
        out = await d.say(attempt)
        assert len(out) == 1 and "only for people aged 18" in out[0], attempt
        assert bot.person(100).age_status is AgeStatus.MINOR  # type: ignore[union-attr]
    assert "What I can do" in (await d.say("/help"))[0]


async def test_exactly_18_today_is_accepted() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("I agree")
    await d.press("College First Year")
    today = bot.clock.now().date()
    out = await d.say(f"{today.day:02d}/{today.month:02d}/{today.year - 18}")
    assert "Would you like a mentor" in out[0]


async def test_stale_and_forged_buttons_change_nothing() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    old = d.last_keyboard().buttons[0][0].data
    await d.press("English")
    before = (dict(bot.store.flows), dict(bot.store.persons))
    for data in (old, "f:zzzzzz:yes", "garbage", "lang:xx", "f::"):
        effects = await d.press("", data=data)
        assert [type(e) for e in effects] == [fx.AnswerButton], data
        refusal = answers(effects)[0] or ""
        assert "no longer active" in refusal or "isn't available" in refusal, data
    token = bot.store.flows[100].token
    effects = await d.press("", data=f"f:{token}:not-an-option")
    assert "isn't available" in (answers(effects)[0] or "")
    assert (dict(bot.store.flows), dict(bot.store.persons)) == before


async def test_consent_declined_stops_without_profile() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    out = texts(await d.press("No, thanks"))
    assert "Without your agreement" in out[0]
    assert bot.person(100).consent_at is None and 100 not in bot.store.flows  # type: ignore


async def test_cancel_restart_help_privacy_and_language_at_any_step() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("I agree")
    await d.press("College First Year")
    await d.say("23/04/2001")
    out = await d.say("/privacy")
    assert "Your privacy" in out[0] and "Would you like a mentor" in out[1]
    out = await d.say("/help")
    assert "/cancel" in out[0] and "Would you like a mentor" in out[1]
    await d.say("/language")
    out = texts(await d.press("Italiano"))
    assert "mentore" in out[0].lower()
    assert bot.person(100).language == "it"  # type: ignore[union-attr]
    out = await d.say("/cancel")
    assert out[0].startswith("Annullato.")
    assert 100 not in bot.store.flows
    out = await d.say("/cancel")
    assert len(out) == 1 and "niente da annullare" in out[0]  # the person chose Italian
    out = await d.say("/start")
    assert "lingua" in out[0].lower()
    out = await d.say("/restart")
    assert len(out) == 2 and 100 in bot.store.flows


async def test_program_question_when_no_or_unknown_link() -> None:
    bot = Bot()
    d = Dialog(bot)
    out = await d.say("/start nosuchprogram")
    assert "don't recognise the program" in out[0]
    await d.press("English")
    out = texts(await d.press("I agree"))  # the program comes before the age check
    assert "Which program" in out[0] and "Rebuilding After Crisis" in out[0]
    out = texts(await d.press("Rebuilding"))
    assert "date of birth" in out[0]
    await d.say("23/04/2001")
    out = texts(await d.press("I'd like a mentor"))
    assert "support" in out[0]


async def test_multiselect_requires_one_goal_and_typed_answers_work() -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard_until_goals(d)
    effects = await d.press("Done")
    assert "at least one" in (answers(effects)[0] or "")
    assert bot.store.flows[100].state == "onboarding.goals"
    out = await d.say("Housing")  # typed label of an option toggles it
    assert "✓ Housing" in str(d.last_keyboard().buttons) and out
    await d.say("done")
    assert bot.store.flows[100].state == "onboarding.interests"
    assert bot.store.flows[100].data["goals"] == ["housing"], "the typed choice was kept"


async def onboard_until_goals(d: Dialog) -> None:
    await d.say("/start rebuild")
    await d.press("English")
    await d.press("I agree")
    await d.say("23/04/2001")
    await d.press("I'd like a mentor")


async def test_timezone_suggestions_hour_and_display_name_validation() -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard_until_goals(d)
    for pick in ("Housing", "Teaching", None, None):
        if pick:
            await d.press(pick)
        await d.press("Done")
    assert bot.store.flows[100].state == "onboarding.timezone"
    out = await d.say("Rmoe")
    assert "not sure" in out[0]
    await d.press("Europe/Rome")
    out = await d.say("25 o'clock")
    assert "whole hour" in out[0]
    await d.say("9am")
    for bad in ("@sam", "x", "call me 3331234567", "https://evil.example"):
        out = await d.say(bad)
        assert "2 to 32 characters" in out[0], bad
    out = await d.say("  Sam   R  ")
    assert "Sam R" in out[0]
    await d.press("Start over")
    assert bot.store.flows[100].state == "onboarding.role"
    assert bot.store.flows[100].data == {"program": "rebuild", "link_program": "rebuild"}


async def test_onboarding_resumes_at_the_same_question_and_expires_when_idle() -> None:
    bot = Bot(idle_days=30)
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("I agree")
    await d.press("College First Year")
    again = Bot(store=bot.store)  # a new process over the same database
    again.clock = bot.clock
    again.conversations._clock = bot.clock  # noqa: SLF001
    d.bot = again
    out = await d.say("/start")
    assert "continue where we left off" in out[0] and "date of birth" in out[1]
    bot.clock.advance(31 * 86400)
    out = await d.say("23/04/2001")
    assert "been a while" in out[0] and "Which language" in out[1]


async def test_same_update_twice_is_handled_once() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    assert d.last_event is not None
    await bot.conversations.handle(d.last_event)
    assert d.new_effects() == [] and bot.conversations.duplicates == 1


async def test_media_during_onboarding_and_blocking() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    out = await d.send_photo()
    assert "answer with text" in out[0] and "Which language" in out[1]
    await d.block()
    assert bot.person(100).blocked_bot  # type: ignore[union-attr]
    await d.say("/start")
    assert not bot.person(100).blocked_bot  # type: ignore[union-attr]


async def test_after_onboarding_defaults() -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard(d)
    assert "already registered" in (await d.say("/start"))[0]
    assert "matched with a mentor yet" in (await d.say("hello"))[0]  # the relay's answer
    assert "don't know the command" in (await d.say("/frobnicate"))[0]


@pytest.mark.parametrize(
    ("training", "approval", "next_step"),
    [
        (True, True, "then the program team will review your profile"),
        (True, False, "once you've passed it, mentees can be proposed to you here"),
        (False, True, "The program team will review your profile and contact you here."),
        (False, False, "Mentees can now be proposed to you"),
    ],
)
async def test_a_new_mentor_is_told_only_the_steps_their_program_has(
    training: bool, approval: bool, next_step: str
) -> None:
    bot = Bot()
    college = bot.programs.get("college")
    assert college is not None and college.training is not None
    changed = college.model_copy(
        update={"training": college.training if training else None, "mentor_approval": approval}
    )
    bot.programs._by_code["college"] = changed  # the same program, with or without each step
    d = Dialog(bot, user_id=300)
    await onboard(d, role="mentor")
    sent = texts(bot.store.pending_effects())
    [welcome] = [t for t in sent if "Thank you for volunteering" in t]
    assert next_step in welcome
    assert ("/training" in welcome) is training
    assert ("review your profile" in welcome) is approval
