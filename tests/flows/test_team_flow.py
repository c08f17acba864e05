"""/team's conversation as a transcript: asked what to tell the team, an empty answer is hinted
at, /cancel stops it and nothing is sent, a message goes to the team and the flow ends."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.models import Role
from tests.dialog import Bot, Dialog
from tests.factories import onboarded_person

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


async def test_team_asks_then_sends_or_cancels() -> None:
    bot = Bot()
    bot.store.persons[1] = onboarded_person(1, Role.MENTEE, "college", T0, display_name="Mia")
    mia = Dialog(bot, 1)
    await mia.say("/team")
    mia.hears_only("What would you like to tell the program team?", "/cancel")
    await mia.say("/cancel")
    assert bot.store.cases.cases == {} and bot.store.flows == {}
    await mia.say("/team")
    await mia.say("   ")
    mia.hears("Please write your message for the program team.")
    await mia.say("I need to change my mentor")
    mia.hears_only("Sent to the program team")
    [case] = bot.store.cases.cases.values()
    assert case.person_id == 1 and case.is_open and bot.store.flows == {}
    [unsigned] = await Dialog(bot, 2).say("/team")
    assert "finish signing up" in unsigned
