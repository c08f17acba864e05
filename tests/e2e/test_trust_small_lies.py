"""Issue 13, defect 9 ("small lies"): a staff button pressed by someone who is not (or no longer)
staff is refused without naming a command that has nothing to do with it (it used to say
"/pending is only for program staff" for a broadcast preview's Send and Cancel), and nothing is
sent, changed or audited."""

from __future__ import annotations

import asyncio

from bot.sandbox.client import SandboxClient
from bot.sandbox.client_types import CallbackAnswer
from tests.e2e.harness import User
from tests.e2e.staff_world import ADMIN_A, COORD_A, MIA, NED, World, staff_bot, world

__all__ = ["staff_bot", "world"]  # the fixtures

STAFF_ONLY = "This button is only for program staff. /help lists what you can do."


async def answers(client: SandboxClient, chat: int, count: int) -> list[CallbackAnswer]:
    for _ in range(200):
        found = await client.callback_answers(chat)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} callback answers in chat {chat}")


async def test_a_removed_coordinator_pressing_a_broadcast_preview_is_told_the_truth(
    world: World, client: SandboxClient
) -> None:
    preview = await world.ask(COORD_A, "/broadcast college all Picnic on Sunday")
    assert "Preview" in preview
    message = await User(client, COORD_A).keyboard()
    send, cancel = message.buttons[0]
    assert "Send to" in send.text and "Cancel" in cancel.text
    assert "no longer staff" in await world.ask(ADMIN_A, f"/staff remove {COORD_A}")
    for button in (send, cancel):
        await client.press(COORD_A, message.message_id, callback_data=button.callback_data)
    told = await answers(client, COORD_A, 2)
    assert [a.text for a in told] == [STAFF_ONLY, STAFF_ONLY]
    assert all(a.show_alert for a in told)
    # a forged confirm from someone who never was staff: the same words, nothing named
    menu = await client.send_text(MIA, "/help")
    await client.wait_for_messages(MIA, since=menu.message_id)
    own = (await client.bot_messages(MIA))[-1]
    await client.press(MIA, own.message_id, callback_data=send.callback_data, force=True)
    assert [a.text for a in await answers(client, MIA, 1)] == [STAFF_ONLY]
    await asyncio.sleep(0.5)
    for chat in (MIA, NED):
        texts = [m.text or "" for m in await client.bot_messages(chat)]
        assert not any("Picnic" in t for t in texts), "nothing was broadcast"
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        assert await uow.staff.get_broadcast(1) is None
        assert await uow.staff.draft(COORD_A) is not None, "the preview is left as it was"
    assert await world.actions() == ["staff remove"]


async def test_a_coordinator_refused_an_admin_command_is_told_which_one(world: World) -> None:
    """Typed commands keep naming the command that was typed (that is the right thing)."""
    reply = await world.ask(COORD_A, "/export college")
    assert reply == "/export needs the admin role; ask an admin of your organisation."
    reply = await world.ask(MIA, "/pairs")
    assert reply == "/pairs is only for program staff. /help lists what you can do."
