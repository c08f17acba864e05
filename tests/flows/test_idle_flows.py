"""Transcripts: a conversation left unfinished for longer than `FLOW_IDLE_EXPIRY` is deleted by
the retention round, and whoever comes back afterwards starts over without a crash, exactly as
when they come back before the round ran (then the expired conversation is only told about)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.privacy import Retention
from bot.services.privacy import retention_round
from tests.dialog import Bot, Dialog


async def abandoned_sign_up() -> tuple[Bot, Dialog]:
    bot = Bot(idle_days=30)
    d = Dialog(bot)
    await d.say("/start")
    await d.press("English")
    await d.press("I agree")
    await d.press("College First Year")
    assert bot.store.flows[100].state == "onboarding.birthdate"
    return bot, d


async def test_a_sign_up_deleted_for_silence_starts_again_from_the_beginning() -> None:
    bot, d = await abandoned_sign_up()
    bot.clock.advance(timedelta(days=30, hours=1).total_seconds())
    purged = await retention_round(bot.store.uow, bot.clock, Retention(flow_idle=timedelta(30)))
    assert purged.conversations == 1 and 100 not in bot.store.flows
    await d.say("23/04/2001")
    d.hears("Which language")  # the date is not taken as an answer: she starts over
    assert bot.store.flows[100].state == "onboarding.language"
    person = bot.person(100)
    assert person is not None and person.birth_year is None and not person.is_onboarded


async def test_before_the_round_the_expired_sign_up_also_starts_again() -> None:
    bot, d = await abandoned_sign_up()
    bot.clock.advance(timedelta(days=30, minutes=1).total_seconds())
    await d.say("23/04/2001")
    d.hears("been a while")
    d.hears("Which language", at=1)
    assert bot.store.flows[100].state == "onboarding.language"


async def test_a_sign_up_within_the_idle_expiry_is_kept() -> None:
    bot, d = await abandoned_sign_up()
    bot.clock.advance(timedelta(days=30).total_seconds())
    purged = await retention_round(bot.store.uow, bot.clock, Retention(flow_idle=timedelta(30)))
    assert purged.conversations == 0
    await d.say("23/04/2001")
    assert "been a while" not in " ".join(d.heard)
    assert bot.store.flows[100].state != "onboarding.birthdate", "the answer was taken"
