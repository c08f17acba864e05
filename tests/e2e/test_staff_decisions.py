"""The program team's decisions end to end, on each transport: /user's case file and /note,
/pending's Approve and Reject with a reason picked or typed, /pairs with its filters and the
end of a pair with a reason, and a name several people share. Staff read names, never ids."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.core.models import PairStatus, Role
from bot.core.staff import REJECTED
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, User, seed_pair, seed_person
from tests.e2e.staff_world import COORD_A, MIA, NED, ONA, REX, SOL, World, staff_bot, world
from tests.staff_words import problems

__all__ = ["staff_bot", "world"]  # the fixtures


async def said(client: SandboxClient, chat: int, text: str) -> str:
    found = await client.wait_for_messages(
        chat, lambda m: text in (m.text or ""), timeout=REPLY_TIMEOUT
    )
    return found[-1].text or ""


async def edited_to(client: SandboxClient, chat: int, text: str) -> str:
    for _ in range(200):
        last = (await client.bot_messages(chat))[-1]
        if text in (last.text or ""):
            return last.text or ""
        await asyncio.sleep(0.05)
    raise AssertionError(f"no message became {text!r}")


async def read_words(client: SandboxClient, pair_ids: tuple[int, ...] = ()) -> None:
    """Every message and button the coordinator received shows no raw id and no code."""
    ids = {MIA, NED, ONA, REX, SOL, COORD_A, 1504, 1505, *pair_ids}
    names = {"Mia", "Ned", "Ona", "Pia", "Rex", "Sol"}
    for message in await client.bot_messages(COORD_A):
        for text in [message.text or message.caption or ""] + [
            b.text for row in message.buttons for b in row
        ]:
            assert not problems(text, ids, names), (text, problems(text, ids, names))


async def test_case_file_and_a_note(world: World, client: SandboxClient) -> None:
    await seed_pair(world.bot, MIA, NED, "college")
    reply = await world.ask(COORD_A, "/note Mia she's starting a new job, check in on Friday")
    assert "Note added to Mia's case file" in reply
    card = await world.ask(COORD_A, "/user Mia")
    assert "<b>Mia</b> · mentee" in card and "College First Year" in card
    assert "with Ned (mentor)" in card and "Staff3" not in card
    assert "she's starting a new job, check in on Friday" in card.replace("&#x27;", "'")
    assert "1501" not in card and "#" not in card
    coordinator = User(client, COORD_A)
    [how] = await coordinator.press("Message")
    assert "/msg Mia" in (how.text or "")
    assert (await world.actions())[:2] == ["user", "note"]
    await read_words(client)


async def test_pending_reject_with_a_reason_then_approve(
    world: World, client: SandboxClient
) -> None:
    await seed_person(world.bot, client, 1504, role=Role.MENTOR, program="college", name="Pia")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        pia = await uow.persons.get(1504)
        assert pia is not None
        await uow.persons.update(replace(pia, approved_at=None))
        await uow.commit()
    listing = await world.ask(COORD_A, "/pending")
    assert "Ona — College First Year — training passed" in listing and "1503" not in listing
    coordinator = User(client, COORD_A)
    [asked] = await coordinator.press("Reject Ona")
    assert "Why can't Ona be approved?" in (asked.text or "")
    await coordinator.press("We have no places for new mentors right now")
    told = await said(client, ONA, "Their reason")
    assert "We have no places for new mentors right now" in told
    await world.ask(COORD_A, "/pending")
    await coordinator.press("Reject Pia")
    await coordinator.press("Type a reason")
    done = await world.ask(COORD_A, "Please finish the training's last module first")
    assert "Pia was told that they are not approved" in done
    assert "Please finish the training" in await said(client, 1504, "Their reason")
    async with world.bot.core.conversations.uows() as uow:
        flags = await uow.staff.flags([ONA, 1504])
    assert {(f.user_id, f.kind, f.reason) for f in flags} == {
        (ONA, REJECTED, "places"),
        (1504, REJECTED, "Please finish the training's last module first"),
    }
    assert "No mentor is waiting" in await world.ask(COORD_A, "/pending")
    await read_words(client)


async def test_pairs_filters_and_ending_with_a_reason(world: World, client: SandboxClient) -> None:
    pair = await seed_pair(world.bot, MIA, NED, "college")
    listing = await world.ask(COORD_A, "/pairs")
    assert "Mia ↔ Ned · College First Year · active" in listing and f"#{pair.id}" not in listing
    coordinator = User(client, COORD_A)
    await coordinator.press("Ended", expect=0)
    assert "No pair here." in await edited_to(client, COORD_A, "No pair here.")
    await coordinator.press("All", expect=0)
    await edited_to(client, COORD_A, "Mia ↔ Ned")
    [asked] = await coordinator.press("⏹ End")
    assert "End the pair of Mia and Ned?" in (asked.text or "")
    await coordinator.press("Not a good fit")
    await said(client, COORD_A, "The pair of Mia and Ned has ended.")
    await said(client, MIA, "ended your mentorship")
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        ended = await uow.pairs.get(pair.id)
    assert ended is not None and (ended.status, ended.end_reason) == (PairStatus.ENDED, "fit")
    await world.ask(COORD_A, "/pairs")
    await coordinator.press("Ended", expect=0)
    shown = await edited_to(client, COORD_A, "Ended pairs")
    assert "Mia ↔ Ned · College First Year · ended" in shown
    await read_words(client, (pair.id,))


async def test_a_shared_name_asks_which_one(world: World, client: SandboxClient) -> None:
    await seed_person(world.bot, client, 1505, role=Role.MENTEE, program="college", name="Mia")
    asked = await world.ask(COORD_A, "/user Mia")
    assert "Several people are called “Mia”: which one do you mean?" in asked
    coordinator = User(client, COORD_A)
    keyboard = await coordinator.keyboard()
    labels = [b.text for row in keyboard.buttons for b in row]
    assert len(labels) == 2 and all(
        label.startswith("Mia · College First Year · mentee") for label in labels
    )
    assert not any("1501" in label or "1505" in label for label in labels)
    [card] = await coordinator.press(labels[0])
    assert "<b>Mia</b> · mentee" in (card.text or "")
    await read_words(client)
