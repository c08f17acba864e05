"""Staff commands about the organisation, end to end: /staff add|remove|list (with each
member's own Telegram menu), /program and its join links, /audit (paginated), /reports and
resolving one with a note, /cancel of a pending confirmation."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.models import Report
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, User, seed_pair
from tests.e2e.staff_world import (
    ADMIN_A,
    ADMIN_B,
    COORD_A,
    MIA,
    NED,
    REX,
    SUPER,
    World,
    staff_bot,
    world,
)

__all__ = ["staff_bot", "world"]  # the fixtures


async def menu_of(client: SandboxClient, chat: int, present: bool) -> list[dict[str, Any]]:
    """The chat-scoped menu once it is (or is no longer) there."""
    for _ in range(200):
        scopes = {c["scope"]: c["commands"] for c in await client.commands()}
        if (f"chat:{chat}" in scopes) == present:
            return list(scopes.get(f"chat:{chat}", []))
        await asyncio.sleep(0.05)
    raise AssertionError(f"the menu of {chat} never became {'set' if present else 'removed'}")


async def test_staff_add_list_remove_with_menus(world: World, client: SandboxClient) -> None:
    reply = await world.ask(ADMIN_A, f"/staff add {NED} coordinator")
    assert f"{NED} is now coordinator of college-mentors" in reply
    menu = {c["command"] for c in await menu_of(client, NED, True)}
    assert {"approve", "pairs", "help"} <= menu and "ban" not in menu
    told = await client.wait_for_messages(
        NED, lambda m: "staff commands" in (m.text or ""), timeout=REPLY_TIMEOUT
    )
    assert told[-1].text == (
        "You are now coordinator of college-mentors in mentorbot. /help lists your staff commands."
    )
    assert "Approve a mentor" in await world.ask(NED, "/help")
    listing = await world.ask(ADMIN_A, "/staff list")
    assert "Ned — college-mentors — coordinator" in listing and "new-roots" not in listing
    assert "Please name the organisation" in await world.ask(SUPER, f"/staff add {REX} admin")
    assert "is now admin of new-roots" in await world.ask(
        SUPER, f"/staff add {REX} admin new-roots"
    )
    assert "new-roots" in await world.ask(SUPER, "/staff list")
    assert "can't remove yourself" in await world.ask(ADMIN_A, f"/staff remove {ADMIN_A}")
    assert "no longer staff" in await world.ask(ADMIN_A, f"/staff remove {NED}")
    await menu_of(client, NED, False)
    assert "only for program staff" in await world.ask(NED, "/pairs")
    actions = await world.actions()
    assert actions == ["staff remove", "staff add", "staff add"]


async def test_program_lists_programs_with_join_links(world: World) -> None:
    reply = await world.ask(COORD_A, "/program")
    assert "https://t.me/mentorbot_sandbox_bot?start=college" in reply
    assert "mentees: 1, mentors: 2" in reply and "rebuild" not in reply
    everything = await world.ask(SUPER, "/program")
    assert "?start=college" in everything and "?start=rebuild" in everything


async def test_audit_is_paginated_and_per_organisation(
    world: World, client: SandboxClient
) -> None:
    assert "The audit log is empty" in await world.ask(ADMIN_A, "/audit")
    for _ in range(6):
        await world.ask(ADMIN_A, "/ban Mia testing")
        await world.ask(ADMIN_A, "/unban Mia")
    first = await world.ask(COORD_A, "/audit")
    assert "12 entries" in first and "Page 1 of 2" in first and "/unban" in first
    await User(client, COORD_A).press("Next", expect=0)
    for _ in range(100):
        text = (await client.bot_messages(COORD_A))[-1].text or ""
        if "Page 2 of 2" in text:
            break
        await asyncio.sleep(0.05)
    assert "Page 2 of 2" in text and "/ban" in text
    assert "The audit log is empty" in await world.ask(ADMIN_B, "/audit")
    assert "12 entries" in await world.ask(SUPER, "/audit")


async def test_reports_with_context_and_resolve(world: World) -> None:
    pair = await seed_pair(world.bot, MIA, NED, "college")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        report = await uow.safety.add_report(
            Report(
                reporter_id=MIA,
                pair_id=pair.id,
                reported_id=NED,
                reason="pressure",
                text="keeps asking for my address",
                created_at=world.bot.core.clock.now(),
            )
        )
        await uow.commit()
    listing = await world.ask(COORD_A, "/reports")
    assert f"<b>{report.id}</b>" in listing and "pressure" in listing
    assert "College First Year" in listing and f"#{pair.id}" not in listing  # the pair by names
    assert "by Mia → Ned" in listing and "keeps asking" in listing
    assert "no open reports" in await world.ask(ADMIN_B, "/reports")
    refused = await world.ask(ADMIN_B, f"/reports resolve {report.id} fine")
    assert "no open report" in refused
    done = await world.ask(COORD_A, f"/reports resolve {report.id} talked to both, agreed rules")
    assert "is resolved" in done
    async with world.bot.core.conversations.uows() as uow:
        assert await uow.safety.open_reports() == []
    [entry] = await world.audit()
    assert entry.action == "reports resolve" and entry.detail == "talked to both, agreed rules"


async def test_cancel_drops_a_pending_confirmation(world: World, client: SandboxClient) -> None:
    preview = await world.ask(COORD_A, "/broadcast college mentors Training on Friday")
    assert "Preview" in preview and "Training on Friday" in preview
    assert "nothing was sent" in await world.ask(COORD_A, "/cancel")
    await User(client, COORD_A).press("Send to", expect=0)  # the old preview's button
    for _ in range(100):
        answers = await client.callback_answers(COORD_A)
        if answers:
            break
        await asyncio.sleep(0.05)
    assert "no longer active" in (answers[-1].text or "")
    assert "nothing to cancel" in await world.ask(COORD_A, "/cancel")
    assert await world.actions() == []


async def test_reports_alert_the_staff_of_the_programs_organisation(
    world: World, client: SandboxClient
) -> None:
    await seed_pair(world.bot, MIA, NED, "college")
    mia = User(client, MIA)
    await mia.say("/report")
    await mia.press("personal details")
    await mia.say("He keeps asking for my address")
    await mia.press("No, keep it going", expect=1)
    for staff in (SUPER, ADMIN_A, COORD_A):
        [alert] = await client.wait_for_messages(
            staff, lambda m: "Report #1" in (m.text or ""), timeout=REPLY_TIMEOUT
        )
        assert "He keeps asking for my address" in (alert.text or "")
    assert not [m for m in await client.bot_messages(ADMIN_B) if "Report" in (m.text or "")]
