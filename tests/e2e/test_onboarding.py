"""Onboarding end to end: real aiogram, over HTTP, through the sandbox, on SQLite."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.models import AgeStatus, Role
from bot.handlers.commands import COMMANDS
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import BotProcess, User, onboard


async def test_mentee_onboards_fully_in_english(client: SandboxClient, bot: BotProcess) -> None:
    alice = await User.create(client, "Alice", "en")
    replies = await alice.say("/start college")
    assert "Which language" in (replies[0].text or "")
    await alice.press("English")
    replies = await alice.press("I agree")
    assert "date of birth" in (replies[0].text or "")
    await onboard_rest(alice)
    final = (await client.bot_messages(alice.id))[-1]
    assert final.text and "You're all set, Sam!" in final.text
    assert "College First Year" in final.text
    person = await bot.person(alice.id)
    assert person is not None and person.is_onboarded and person.role is Role.MENTEE
    assert person.program == "college" and person.goals == ("financial_aid",)
    assert person.time_zone == "Europe/Rome" and person.preferred_hour == 18
    assert person.display_name == "Sam" and person.birth_year == 1990
    assert await bot.flow(alice.id) is None
    # the answered prompts lost their buttons and show the answer
    answered = [m for m in await client.bot_messages(alice.id) if "→" in (m.text or "")]
    assert answered and all(not m.buttons for m in answered)


async def onboard_rest(user: User) -> None:
    await user.say("23/04/1990")
    await user.press("I'd like a mentor")
    await user.press("Financial", expect=0)
    await user.press("Done")
    await user.press("Business", expect=0)
    await user.press("Done")
    await user.press("Done")
    await user.press("Done")
    await user.say("Rome")
    await user.press("18:00")
    await user.say("Sam")
    await user.press("Confirm")


async def test_a_city_from_the_data_set_and_an_unknown_one(
    client: SandboxClient, bot: BotProcess
) -> None:
    bea = await User.create(client, "Bea", "en")
    await bea.say("/start college")
    await bea.press("English")
    await bea.press("I agree")
    await bea.say("23/04/1990")
    await bea.press("I'd like a mentor")
    await bea.press("Financial", expect=0)
    await bea.press("Done")
    await bea.press("Business", expect=0)
    for _ in range(3):
        await bea.press("Done")
    replies = await bea.say("Xqzzyville", expect=2)  # the hint, then the question again
    assert "bigger city near you" in (replies[0].text or "") and "UTC+2" in (replies[0].text or "")
    assert "Which city are you in?" in (replies[1].text or "")
    replies = await bea.say("Bèrgamo")
    assert any("time of day" in (r.text or "") for r in replies)
    await bea.press("18:00")
    await bea.say("Bea")
    await bea.press("Confirm")
    person = await bot.person(bea.id)
    assert person is not None and person.time_zone == "Europe/Rome"


async def test_mentor_onboards_in_italian(client: SandboxClient, bot: BotProcess) -> None:
    marco = await User.create(client, "Marco", "it")
    await onboard(marco, link="rebuild", role="mentor", language="Italiano", name="Marco R")
    final = (await client.bot_messages(marco.id))[-1]
    assert final.text and "Grazie" in final.text and "mentore" in final.text
    person = await bot.person(marco.id)
    assert person is not None and person.role is Role.MENTOR and person.language == "it"
    assert person.program == "rebuild" and person.capacity == 2
    assert person.goals == ("housing",) and person.display_name == "Marco R"


async def test_under_18_refused_and_stays_refused(client: SandboxClient, bot: BotProcess) -> None:
    teen = await User.create(client, "Teen", "en")
    await teen.say("/start rebuild")
    await teen.press("English")
    await teen.press("I agree")
    today = (await client.clock()).now.date()
    check = await teen.say(f"{today.day:02d}/{today.month:02d}/{today.year - 17}")
    assert "is that right?" in (check[0].text or "")  # an under-age date is confirmed first
    refusal = await teen.press("Yes, that's right")
    assert "only for people aged 18 and over" in (refusal[0].text or "")
    for attempt in ("23/04/1990", "/restart", "/start college"):
        reply = await teen.say(attempt)
        assert "only for people aged 18" in (reply[0].text or ""), attempt
    await bot.restart()
    reply = await teen.say("23/04/1990")
    assert "only for people aged 18" in (reply[0].text or "")
    person = await bot.person(teen.id)
    assert person is not None and person.age_status is AgeStatus.MINOR
    assert person.birth_year == today.year - 17 and not person.is_onboarded


async def test_interrupted_onboarding_resumes_after_restart(
    client: SandboxClient, bot: BotProcess
) -> None:
    bea = await User.create(client, "Bea", "en")
    await bea.say("/start")
    await bea.press("English")
    await bea.press("I agree")
    await bea.press("College First Year")  # no link: the program comes before the age check
    await bot.restart()
    reply = await bea.say("23/04/1990")
    assert "Would you like a mentor" in (reply[0].text or "")
    await bot.restart()
    replies = await bea.say("/start", expect=2)
    assert "continue where we left off" in (replies[0].text or "")
    assert "Would you like a mentor" in (replies[1].text or "")
    flow = await bot.flow(bea.id)
    assert flow is not None and flow.state == "onboarding.role"


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("yesterday", "couldn't read that as a date"),
        ("31/02/2000", "doesn't exist"),
        ("2090-01-01", "in the future"),
        ("🎂🎉", "couldn't read that as a date"),
        ("9" * 5000, "too long"),
    ],
)
async def test_bad_birth_dates_are_reasked(
    client: SandboxClient, bot: BotProcess, typed: str, hint: str
) -> None:
    carl = await User.create(client, "Carl", "en")
    await carl.say("/start")
    await carl.press("English")
    await carl.press("I agree")
    await carl.press("College First Year")
    reply = await carl.say(typed)
    assert hint in (reply[0].text or "") and "23/04/2001" in (reply[0].text or "")
    flow = await bot.flow(carl.id)
    assert flow is not None and flow.state == "onboarding.birthdate"
    person = await bot.person(carl.id)
    assert person is not None and person.birth_year is None


async def test_stale_and_forged_buttons_change_nothing(
    client: SandboxClient, bot: BotProcess
) -> None:
    dan = await User.create(client, "Dan", "en")
    await dan.say("/start")
    first = await dan.keyboard()
    await dan.press("English")
    before_flow, before_person = await bot.flow(dan.id), await bot.person(dan.id)
    before_count = len(await client.messages(dan.id))
    stale = first.buttons[0][0].callback_data
    for data in (stale, "f:000000:yes", "lang:xx", "anything"):
        await client.press(dan.id, first.message_id, callback_data=data, force=True)
    await wait_for_answers(client, dan.id, 4)
    answers = await client.callback_answers(dan.id)
    assert all(
        a.text and ("no longer active" in a.text or "isn't available" in a.text)
        for a in answers[-4:]
    )
    assert len(await client.messages(dan.id)) == before_count
    assert await bot.flow(dan.id) == before_flow and await bot.person(dan.id) == before_person


async def wait_for_answers(client: SandboxClient, chat_id: int, count: int) -> None:
    for _ in range(100):
        if len([a for a in await client.callback_answers(chat_id) if a.text]) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} callback answers")


async def test_redelivered_update_is_handled_once(client: SandboxClient, bot: BotProcess) -> None:
    eve = await User.create(client, "Eve", "en")
    sent = await client.send_text(eve.id, "/start")
    await client.wait_for_messages(eve.id, since=sent.message_id)
    await client.redeliver(sent.update_id)
    await asyncio.sleep(1.0)
    assert len(await client.bot_messages(eve.id)) == 1
    assert bot.core is not None and bot.core.conversations.duplicates == 1


async def test_429_delays_a_reply_but_loses_nothing(
    client: SandboxClient, bot: BotProcess
) -> None:
    fay = await User.create(client, "Fay", "en")
    await client.add_fault("429", method="sendMessage", retry_after=1, times=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    replies = await fay.say("/start")
    assert "Which language" in (replies[0].text or "")
    assert loop.time() - started >= 0.9
    sends = await client.requests("sendMessage")
    assert [r.status for r in sends][-2:] == [429, 200]
    assert len(await client.bot_messages(fay.id)) == 1


async def test_server_error_is_retried(client: SandboxClient, bot: BotProcess) -> None:
    gus = await User.create(client, "Gus", "en")
    await client.add_fault("500", method="sendMessage", times=2)
    replies = await gus.say("/start")
    assert "Which language" in (replies[0].text or "")
    assert len(await client.bot_messages(gus.id)) == 1


async def test_blocking_is_remembered(client: SandboxClient, bot: BotProcess) -> None:
    hal = await User.create(client, "Hal", "en")
    await hal.say("/start")
    await client.block(hal.id)
    for _ in range(100):
        person = await bot.person(hal.id)
        if person and person.blocked_bot:
            break
        await asyncio.sleep(0.05)
    assert person is not None and person.blocked_bot
    await client.unblock(hal.id)
    reply = await hal.say("/start", expect=2)
    assert "continue where we left off" in (reply[0].text or "")
    person = await bot.person(hal.id)
    assert person is not None and not person.blocked_bot


async def test_403_from_telegram_marks_the_person_blocked(
    client: SandboxClient, bot: BotProcess
) -> None:
    ivy = await User.create(client, "Ivy", "en")
    await client.add_fault("403", method="sendMessage", chat_id=ivy.id, times=1)
    await client.send_text(ivy.id, "/start")
    for _ in range(100):
        person = await bot.person(ivy.id)
        if person and person.blocked_bot:
            break
        await asyncio.sleep(0.05)
    assert person is not None and person.blocked_bot
    assert await client.bot_messages(ivy.id) == []
    reply = await ivy.say("/start", expect=2)  # writing again means they unblocked us
    assert "continue where we left off" in (reply[0].text or "")


async def test_start_up_sets_commands_and_polls_explicit_updates(
    client: SandboxClient, bot: BotProcess
) -> None:
    commands = await client.commands()
    by_language = {c.get("language_code") or "": c for c in commands}
    assert {"", "en", "it"} <= set(by_language)
    italian = {c["command"]: c["description"] for c in by_language["it"]["commands"]}
    assert {c.name for c in COMMANDS} == set(italian)
    await (await User.create(client, "Kim", "en")).say("/help")  # completes a long poll
    polls = await client.requests("getUpdates")
    assert polls and set(polls[0].params["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    }
