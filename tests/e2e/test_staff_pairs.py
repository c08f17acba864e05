"""Staff commands about pairs, end to end: /pair (both told, request closed), /pairs with
health and last activity (paginated with buttons), /pause, /resume, /push (the next step
arrives now, once), /unpair, and /match (draft with scores, publish, discard)."""

from __future__ import annotations

import asyncio

from bot.core.models import PairStatus, Role, StepStatus
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, User, seed_pair, seed_person
from tests.e2e.staff_world import COORD_A, MIA, NED, World, staff_bot, world

__all__ = ["staff_bot", "world"]  # the fixtures


async def said(client: SandboxClient, chat: int, text: str) -> str:
    found = await client.wait_for_messages(
        chat, lambda m: text in (m.text or ""), timeout=REPLY_TIMEOUT
    )
    return found[0].text or ""


async def test_pair_by_hand_tells_both_and_closes_the_request(
    world: World, client: SandboxClient
) -> None:
    await world.ask(MIA, "/findmentor")  # Mia waits in the queue (Ned may be proposed)
    reply = await world.ask(COORD_A, "/pair Mia Ned")
    assert "Paired: Mia with Ned" in reply
    await said(client, MIA, "You're matched with <b>Ned</b>")
    await said(client, NED, "You're now the mentor of <b>Mia</b>")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        [pair] = await uow.pairs.of_person(MIA)
        request = await uow.matching.open_request(MIA)
    assert pair.mentor_id == NED and request is None
    assert "already has a mentor" in await world.ask(COORD_A, "/pair Mia Ned")
    assert "not a mentee" in await world.ask(COORD_A, "/pair Ned Mia")
    [entry] = await world.audit()
    assert entry.action == "pair" and entry.target == f"#{pair.id}"


async def test_pairs_pause_resume_push_unpair(world: World, client: SandboxClient) -> None:
    pair = await seed_pair(world.bot, MIA, NED, "college")
    listing = await world.ask(COORD_A, "/pairs")
    assert "Mia ↔ Ned · College First Year · active" in listing and f"#{pair.id}" not in listing
    assert "on track" in listing and "last activity 4 May 2026" in listing
    assert "is paused" in await world.ask(COORD_A, "/pause Mia")
    await said(client, NED, "paused your mentorship")
    assert "not active" in await world.ask(COORD_A, "/push Mia")
    assert "continues" in await world.ask(COORD_A, f"/resume #{pair.id}")
    await said(client, MIA, "continue from where they stopped")
    # the first step is due at 18:00 in Rome; it is 12:00: /push sends it now
    assert "Step 1 for Mia and Ned is on its way" in await world.ask(COORD_A, "/push Mia")
    await said(client, MIA, "Step 1 of 24")
    reply = await world.ask(COORD_A, "/push Mia")
    assert "Step 2 for Mia and Ned is on its way" in reply
    await said(client, MIA, "Step 2 of 24")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        rows = await uow.schedule.of_pair(pair.id)
    sent = [r for r in rows if r.status is StepStatus.SENT and r.role is Role.MENTEE]
    assert [r.position for r in sent] == [0, 1]
    assert "has ended" in await world.ask(COORD_A, f"/unpair #{pair.id} moving abroad")
    await said(client, NED, "ended your mentorship")
    async with world.bot.core.conversations.uows() as uow:
        ended = await uow.pairs.get(pair.id)
    assert ended is not None and ended.status is PairStatus.ENDED
    actions = await world.actions()
    assert actions == ["unpair", "push", "push", "resume", "pause"]


async def test_pairs_list_is_paginated_with_buttons(world: World, client: SandboxClient) -> None:
    for i in range(12):
        await seed_person(world.bot, client, 3000 + i, role=Role.MENTEE, program="college")
        await seed_person(world.bot, client, 4000 + i, role=Role.MENTOR, program="college")
        await seed_pair(world.bot, 3000 + i, 4000 + i, "college")
    first = await world.ask(COORD_A, "/pairs college")
    assert "Page 1 of 2" in first and "Person 3011" not in first
    coordinator = User(client, COORD_A)
    await coordinator.press("Next", expect=0)
    for _ in range(100):
        edited = (await client.bot_messages(COORD_A))[-1]
        if "Page 2 of 2" in (edited.text or ""):
            break
        await asyncio.sleep(0.05)
    assert "Page 2 of 2" in (edited.text or "") and "Person 3011" in (edited.text or "")


async def test_batch_matching_draft_publish_and_discard(
    world: World, client: SandboxClient
) -> None:
    for i in range(3):
        await seed_person(
            world.bot,
            client,
            5000 + i,
            role=Role.MENTEE,
            program="college",
            goals=("financial_aid",),
        )
    draft = await world.ask(COORD_A, "/match college")
    assert (
        "Matching draft for College First Year" in draft and "Ned" in draft and "1502" not in draft
    )
    assert "Publish with /match publish" in draft
    assert "discarded" in await world.ask(COORD_A, "/match discard")
    assert "no matching draft" in await world.ask(COORD_A, "/match publish")
    await world.ask(COORD_A, "/match college")
    published = await world.ask(COORD_A, "/match publish")
    assert "2 pairs started in College First Year" in published  # Ned has 2 places
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        pairs = await uow.pairs.of_person(NED)
    assert len(pairs) == 2
    assert (await world.actions()).count("match publish") == 2
