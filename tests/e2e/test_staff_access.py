"""Staff authorisation end to end: every staff command is refused to a mentee and a mentor,
the admin-only ones to a coordinator; staff of another organisation cannot reach people, pairs
or programs of this one; a forged staff button from a non-staff user changes nothing; bad
arguments get a usage line; /help and the Telegram menu follow each person's role."""

from __future__ import annotations

import asyncio

from bot.core.staff import Access
from bot.handlers.commands import COMMANDS, STAFF_COMMANDS
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import seed_pair
from tests.e2e.staff_world import (
    ADMIN_A,
    ADMIN_B,
    COORD_A,
    MIA,
    NED,
    ONA,
    SUPER,
    World,
    staff_bot,
    world,
)

__all__ = ["staff_bot", "world"]  # the fixtures


async def test_every_staff_command_is_refused_to_mentees_and_mentors(world: World) -> None:
    for command in STAFF_COMMANDS:
        for person in (MIA, NED):
            reply = await world.ask(person, f"/{command.name} Mia")
            assert f"/{command.name} is only for program staff" in reply, (command.name, reply)
    for command in (c for c in STAFF_COMMANDS if c.access is Access.ADMIN):
        reply = await world.ask(COORD_A, f"/{command.name}")
        assert "needs the admin role" in reply, (command.name, reply)
    assert await world.actions() == []  # nothing was done, nothing logged


async def test_staff_of_another_organisation_reaches_nothing_here(world: World) -> None:
    pair = await seed_pair(world.bot, MIA, NED, "college")
    attempts = {
        f"/unpair #{pair.id}": f"no pair #{pair.id} in your organisation",
        f"/pause #{pair.id}": f"no pair #{pair.id}",
        f"/resume #{pair.id}": f"no pair #{pair.id}",
        f"/push #{pair.id}": f"no pair #{pair.id}",
        "/pause Mia": "can't find “Mia”",
        "/unban Mia": "can't find “Mia”",
        "/pairs": "There are no pairs yet",
        "/reports": "There are no open reports",
        "/audit": "The audit log is empty",
        "/approve Ona": "can't find “Ona”",
        f"/approve {ONA}": f"can't find “{ONA}”",
        "/reject Ona not now": "can't find",
        "/user Mia": "can't find",
        "/pair Mia Ned": "can't find",
        "/ban Ned spam": "can't find",
        "/ageoverride 1501 checked": "can't find",
        "/pending college": "no program “college” in your organisation",
        "/pairs college": "no program “college”",
        "/stats college": "no program “college”",
        "/export college": "no program “college”",
        "/broadcast college all Hello": "no program “college”",
        "/match college": "no program “college”",
        f"/staff remove {ADMIN_A}": "not staff of your organisation",
        f"/staff add {MIA} coordinator college-mentors": "only add staff to your own",
    }
    for command, refusal in attempts.items():
        reply = await world.ask(ADMIN_B, command)
        assert refusal in reply, (command, reply)
    assert "college" not in await world.ask(ADMIN_B, "/program")
    person = await world.bot.person(ONA)
    assert person is not None and person.approved_at is None
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        stored = await uow.pairs.get(pair.id)
    assert stored == pair  # not paused, ended or pushed
    assert await world.actions() == []


async def test_a_forged_staff_button_from_a_non_staff_user_changes_nothing(
    world: World, client: SandboxClient
) -> None:
    menu = await client.send_text(MIA, "/help")
    await client.wait_for_messages(MIA, since=menu.message_id)
    message = (await client.bot_messages(MIA))[-1]
    for data in (f"st:approve:{ONA}", "st:ok:deadbeef", "st:pending:*:1", "st:audit:*:0"):
        await client.press(MIA, message.message_id, callback_data=data, force=True)
    for _ in range(100):
        answers = await client.callback_answers(MIA)
        if len(answers) == 4:
            break
        await asyncio.sleep(0.05)
    assert len(answers) == 4
    assert all("only for program staff" in (a.text or "") for a in answers)
    person = await world.bot.person(ONA)
    assert person is not None and person.approved_at is None
    assert await world.actions() == []


async def test_missing_unknown_and_malformed_arguments_get_a_usage_line(world: World) -> None:
    cases = {
        "/approve": "Usage: /approve PERSON",
        "/approve Nobody": "Usage: /approve PERSON",
        "/reject Ona": "Usage: /reject PERSON REASON",
        "/pair Mia": "Usage: /pair MENTEE MENTOR",
        "/pair Mia Nobody": "can't find “Nobody”",
        "/unpair": "Usage: /unpair PAIR [REASON]",
        "/pause #999": "no pair #999",
        "/resume": "Usage: /resume PAIR",
        "/push": "Usage: /push PAIR",
        "/user": "Usage: /user PERSON",
        '/user "Mia': "unclosed quote",
        "/match": "Usage: /match PROGRAM | publish | discard",
        "/match nowhere": "no program “nowhere”",
        "/pending nowhere": "no program “nowhere”",
        "/broadcast college": "Usage: /broadcast PROGRAM mentees|mentors|all TEXT",
        "/broadcast college everyone hi": "mentees, mentors or all",
        "/reports resolve x": "Usage: /reports [resolve ID NOTE]",
        "/reports resolve 42 done": "no open report 42",
        "/audit x": "Usage: /audit",
        "/stats a b": "Usage: /stats [PROGRAM]",
        "/export a b": "Usage: /export [PROGRAM]",
        "/staff": "Usage: /staff add PERSON",
        "/staff add 77 boss": "admin or coordinator",
        "/ban Mia": "Usage: /ban PERSON REASON",
        "/unban": "Usage: /unban PERSON",
        "/ageoverride Mia": "Usage: /ageoverride PERSON REASON",
        "/program now": "Usage: /program",
    }
    for command, expected in cases.items():
        reply = await world.ask(ADMIN_A, command)
        assert expected in reply, (command, reply)
    assert await world.actions() == []


async def test_help_and_menus_follow_the_role(world: World, client: SandboxClient) -> None:
    await world.bot.restart()  # every staff member's own menu is published at start-up
    mentee_help = await world.ask(MIA, "/help")
    assert "Staff commands" not in mentee_help and "/approve" not in mentee_help
    coordinator_help = await world.ask(COORD_A, "/help")
    assert "/approve PERSON" in coordinator_help and "/ban" not in coordinator_help
    admin_help = await world.ask(ADMIN_A, "/help")
    assert all(f"/{c.name}" in admin_help for c in STAFF_COMMANDS)
    scopes = {}
    for _ in range(100):
        scopes = {c["scope"]: c["commands"] for c in await client.commands()}
        if {f"chat:{i}" for i in (SUPER, ADMIN_A, COORD_A, ADMIN_B)} <= set(scopes):
            break
        await asyncio.sleep(0.05)
    coordinator = {c["command"] for c in scopes[f"chat:{COORD_A}"]}
    admin = {c["command"] for c in scopes[f"chat:{ADMIN_A}"]}
    everyone = {c.name for c in COMMANDS}
    assert everyone < coordinator < admin
    assert "approve" in coordinator and "ban" not in coordinator and "ban" in admin
    assert f"chat:{MIA}" not in scopes and f"chat:{NED}" not in scopes
