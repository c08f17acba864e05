"""/partner end to end: once a mentor accepts, each side has the other's profile pinned at the
top of the chat (the mentor: what the proposal showed; the mentee: what they may see), and
/partner shows it again."""

from __future__ import annotations

import asyncio

from bot.core.models import Role
from bot.sandbox.client import SandboxClient
from tests.e2e.forum import pinned_texts
from tests.e2e.harness import BotProcess, User, seed_person


async def test_the_partners_profiles_are_pinned_and_shown_by_partner(
    client: SandboxClient, bot: BotProcess
) -> None:
    await seed_person(
        bot, client, 1401, role=Role.MENTEE, program="college", name="Lia", goals=("career",)
    )
    await seed_person(
        bot, client, 1402, role=Role.MENTOR, program="college", name="Ben", goals=("career",)
    )
    lia, ben = User(client, 1401), User(client, 1402)
    assert "You don't have a mentor yet" in ((await lia.say("/partner"))[0].text or "")
    await lia.say("/findmentor")
    offer = await client.wait_for_messages(1402, lambda m: "would like a mentor" in (m.text or ""))
    profile = [line for line in (offer[0].text or "").splitlines() if line.startswith("<b>")]
    await ben.press("Accept")
    await client.wait_for_messages(1402, lambda m: "You're now the mentor" in (m.text or ""))
    await client.wait_for_messages(1401, lambda m: "You're matched" in (m.text or ""))
    for _ in range(100):  # the pin follows the send
        if await pinned_texts(client, 1402) and await pinned_texts(client, 1401):
            break
        await asyncio.sleep(0.05)
    [mentor_pinned] = await pinned_texts(client, 1402)
    [mentee_pinned] = await pinned_texts(client, 1401)
    assert mentor_pinned.startswith("👤 <b>Your mentee Lia</b> (College First Year)")
    assert mentor_pinned.splitlines()[1:] == profile, "what the proposal showed, kept"
    assert mentee_pinned.startswith("👤 <b>Your mentor Ben</b> (College First Year)")
    assert "<b>Can help with:</b> Internships and careers" in mentee_pinned
    assert "Experiences" not in mentee_pinned
    assert [m.text for m in await ben.say("/partner")] == [mentor_pinned]
    assert [m.text for m in await lia.say("/partner")] == [mentee_pinned]
