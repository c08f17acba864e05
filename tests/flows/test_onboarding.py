"""Onboarding as transcripts: what a person types, what the bot answers, what is stored."""

from __future__ import annotations

import pytest

from bot.core import effects as fx
from bot.core.models import AgeStatus, Role
from tests.dialog import Bot, Dialog, answers, onboard, texts


async def test_mentee_onboards_fully_and_profile_is_stored() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start college")
    d.hears("Which language")
    await d.press("English")
    await d.press("I agree")
    d.hears("date of birth")
    await d.say("23 April 2001")
    d.hears("Would you like a mentor")
    await d.press("I'd like a mentor")
    d.hears("What would you like help with?")  # program came with the link
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
    await d.say("Milano")
    d.hears("time of day")
    await d.say("7pm")
    await d.say("Sam")
    d.hears("Please check your answers", "Europe/Rome")
    await d.press("Confirm")
    d.hears("You're all set, Sam!")
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
    await d.say("/start")
    d.hears("Quale lingua")
    await d.press("Italiano")
    await d.press("d'accordo")
    await d.press("Ricominciare")  # no link: the program comes before the age check
    await d.say("23 aprile 1990")
    d.hears("Vorresti avere un mentore")
    await d.press("volontariato")
    await d.press("Casa")
    await d.press("Fatto")
    await d.press("Cucina")
    await d.press("Fatto")
    await d.press("Fatto")
    await d.press("Fatto")
    await d.press("2")
    assert "città" in d.hears().lower()
    await d.say("Roma")
    await d.press("20:00")
    await d.say("Giulia")
    await d.press("Conferma")
    d.hears("Giulia", "mentore")
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
    await d.say(typed)
    d.hears_only(hint, "23/04/2001")
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
    await d.say("01/01/2010")
    d.hears("1 January 2010", "is that right?")  # confirmed first
    await d.press("Yes, that's right")
    d.hears("only for people aged 18 and over", "guardian")
    person = bot.person(100)
    assert person is not None and person.age_status is AgeStatus.MINOR
    assert person.birth_year == 2010 and 100 not in bot.store.flows
    for attempt in ("01/01/1990", "/restart", "/start", "/start college", "hello"):
        await d.say(attempt)
        d.hears_only("only for people aged 18")
        assert bot.person(100).age_status is AgeStatus.MINOR, attempt  # type: ignore[union-attr]
    await d.say("/help")
    d.hears("What I can do")


async def test_exactly_18_today_is_accepted() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("I agree")
    await d.press("College First Year")
    today = bot.clock.now().date()
    await d.say(f"{today.day:02d}/{today.month:02d}/{today.year - 18}")
    d.hears("Would you like a mentor")


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
    await d.press("", data=f"f:{token}:not-an-option")
    assert "isn't available" in d.toast()
    assert (dict(bot.store.flows), dict(bot.store.persons)) == before


async def test_consent_declined_stops_without_profile() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("No, thanks")
    d.hears("Without your agreement")
    assert bot.person(100).consent_at is None and 100 not in bot.store.flows  # type: ignore


async def test_cancel_restart_help_privacy_and_language_at_any_step() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("I agree")
    await d.press("College First Year")
    await d.say("23/04/2001")
    await d.say("/privacy")
    d.hears("Your privacy")
    d.hears("Would you like a mentor", at=1)
    await d.say("/help")
    d.hears("/cancel")
    d.hears("Would you like a mentor", at=1)
    await d.say("/language")
    await d.press("Italiano")
    assert "mentore" in d.hears().lower()
    assert bot.person(100).language == "it"  # type: ignore[union-attr]
    await d.say("/cancel")
    assert d.hears().startswith("Annullato.")
    assert 100 not in bot.store.flows
    await d.say("/cancel")
    d.hears_only("niente da annullare")  # the person chose Italian
    await d.say("/start")
    assert "lingua" in d.hears().lower()
    await d.say("/restart")
    assert len(d.heard) == 2 and 100 in bot.store.flows


async def test_program_question_when_no_or_unknown_link() -> None:
    bot = Bot()
    d = Dialog(bot)
    await d.say("/start nosuchprogram")
    d.hears("don't recognise the program")
    await d.press("English")
    await d.press("I agree")  # the program comes before the age check
    d.hears("Which program", "Rebuilding After Crisis")
    await d.press("Rebuilding")
    d.hears("date of birth")
    await d.say("23/04/2001")
    await d.press("I'd like a mentor")
    d.hears("support")


async def test_multiselect_requires_one_goal_and_typed_answers_work() -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard_until_goals(d)
    await d.press("Done")
    assert "at least one" in d.toast()
    assert bot.store.flows[100].state == "onboarding.goals"
    await d.say("Housing")  # typed label of an option toggles it
    assert "✓ Housing" in str(d.last_keyboard().buttons) and d.heard
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
    await d.say("Rmoe")
    d.hears("not sure")
    await d.press("Europe/Rome")
    await d.say("25 o'clock")
    d.hears("couldn't read that as a time of day. Please type it like 19:00, 7pm")
    await d.say("9am")
    for bad in ("@sam", "x", "call me 3331234567", "https://evil.example"):
        await d.say(bad)
        d.hears("2 to 32 characters")
    await d.say("  Sam   R  ")
    d.hears("Sam R")
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
    await d.say("/start")
    d.hears("continue where we left off")
    d.hears("date of birth", at=1)
    bot.clock.advance(31 * 86400)
    await d.say("23/04/2001")
    d.hears("been a while")
    d.hears("Which language", at=1)


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
    await d.send_photo()
    d.hears("answer with text")
    d.hears("Which language", at=1)
    await d.block()
    assert bot.person(100).blocked_bot  # type: ignore[union-attr]
    await d.say("/start")
    assert not bot.person(100).blocked_bot  # type: ignore[union-attr]


async def test_after_onboarding_defaults() -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard(d)
    await d.say("/start")
    d.hears("already registered")
    await d.say("hello")
    d.hears("matched with a mentor yet")  # the relay's answer
    await d.say("/frobnicate")
    d.hears("don't know the command")


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


async def onboard_until_timezone(d: Dialog) -> None:
    await onboard_until_goals(d)
    for pick in ("Housing", "Teaching", None, None):
        if pick:
            await d.press(pick)
        await d.press("Done")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Bèrgamo", "Europe/Rome"),
        ("bergamo", "Europe/Rome"),
        ("NYC", "America/New_York"),
        ("São Paulo", "America/Sao_Paulo"),
        ("UTC+2", "Etc/GMT-2"),
    ],
)
async def test_a_typed_city_gives_its_time_zone(typed: str, zone: str) -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard_until_timezone(d)
    assert bot.store.flows[100].state == "onboarding.timezone"
    await d.say(typed)
    d.hears("time of day")
    assert bot.store.flows[100].data["time_zone"] == zone


async def test_an_unknown_city_asks_for_a_nearby_one_or_a_utc_offset() -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard_until_timezone(d)
    await d.say("Xqzzyville")
    d.hears("I don't know that place", "bigger city near you", "UTC+2")
    assert bot.store.flows[100].state == "onboarding.timezone"
    await d.say("UTC-3")
    d.hears("time of day")
    assert bot.store.flows[100].data["time_zone"] == "Etc/GMT+3"


async def test_an_unknown_city_in_italian_asks_the_same() -> None:
    bot = Bot()
    d = Dialog(bot, user_id=200, language_code="it")
    await d.say("/start")
    await d.press("Italiano")
    await d.press("d'accordo")
    await d.press("Ricominciare")
    await d.say("23 aprile 1990")
    await d.press("volontariato")
    await d.press("Casa")
    await d.press("Fatto")
    await d.press("Cucina")
    for _ in range(3):
        await d.press("Fatto")
    await d.press("2")
    assert bot.store.flows[200].state == "onboarding.timezone"
    await d.say("Xqzzyville")
    d.hears("Non conosco questo luogo", "UTC+2")
    await d.say("Bèrgamo")
    assert bot.store.flows[200].data["time_zone"] == "Europe/Rome"


async def test_a_time_with_minutes_is_taken_to_the_nearest_hour_and_said() -> None:
    bot = Bot()
    d = Dialog(bot)
    await onboard_until_goals(d)
    for pick in ("Housing", "Teaching", None, None):
        if pick:
            await d.press(pick)
        await d.press("Done")
    await d.say("Rome")
    await d.say("9.30 pm")
    d.hears(
        "Program messages come on the hour, so yours will come at 22:00, the closest to 21:30."
    )
    assert bot.store.flows[100].state == "onboarding.display_name"
    assert bot.store.flows[100].data["hour"] == 22
