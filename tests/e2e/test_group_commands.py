"""Staff commands typed in a staff supergroup's forum topic, end to end with each framework: the
answer arrives in that topic (not in the staff member's private chat), its buttons work there
and answer there too, a member the bot does not know is ignored, and the core can ask
the transport about the group (`Forums`)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.cases import StaffGroup
from bot.core.models import GroupRights
from bot.core.staff import StaffRole
from bot.sandbox.client import SandboxClient
from tests.e2e.forum import post, staff_group, topic_texts, wait_in_topic
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess
from tests.e2e.staff_world import (
    ADMIN_A,
    COORD_A,
    ONA,
    ORG_A,
    World,
    seed_staff,
    staff_bot,
    world,
)

__all__ = ["staff_bot", "world"]  # the fixtures

STRANGER = 7777


async def register(bot: BotProcess, group_id: int, by: int) -> None:
    """Make the group the college's staff group (as /program staffgroup does): staff commands
    run only in a program's registered staff group."""
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        await uow.cases.set_staff_group(StaffGroup("college", group_id, by, datetime.now(UTC)))
        await uow.commit()


async def test_pending_in_a_topic_is_answered_in_that_topic(
    world: World, client: SandboxClient
) -> None:
    assert "What I can do" in await world.ask(COORD_A, "/help")  # known to the bot
    await client.create_user("Stranger", id=STRANGER)
    group = await staff_group(client, [ADMIN_A, COORD_A, STRANGER])
    await register(world.bot, group.id, COORD_A)
    topic = (await client.create_topic(group.id, ADMIN_A, "Approvals")).message_id
    private_before = await client.messages(COORD_A)

    asked = await post(client, group.id, COORD_A, "/pending", topic=topic)
    [listing] = await wait_in_topic(
        client, group.id, topic, lambda m: "• Ona — " in (m.text or ""), since=asked.message_id
    )
    assert "training passed" in (listing.text or "")
    assert await client.messages(COORD_A) == private_before, "nothing in the private chat"
    assert await topic_texts(client, group.id, None) == [], "nothing in General"

    await client.press_in_group(
        group.id, COORD_A, listing.message_id, button_text="✅ Approve Ona"
    )
    [done] = await wait_in_topic(
        client, group.id, topic, lambda m: "is approved" in (m.text or "")
    )
    assert done.message_id > listing.message_id
    await client.wait_for_messages(
        ONA, lambda m: "approved you as a mentor" in (m.text or ""), timeout=REPLY_TIMEOUT
    )

    stranger = await post(client, group.id, STRANGER, "/pending", topic=topic)
    await post(client, group.id, COORD_A, "/help", topic=topic)  # not a staff command: ignored
    await post(client, group.id, COORD_A, "/pending", topic=topic)  # the bot is still there
    [after] = await wait_in_topic(
        client, group.id, topic, lambda m: "No mentor is waiting" in (m.text or "")
    )
    assert after.message_id > stranger.message_id
    texts = await topic_texts(client, group.id, topic)
    assert len(texts) == 3, texts  # the listing, the approval and the second answer
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        assert await uow.persons.get(STRANGER) is None
        coordinator = await uow.persons.get(COORD_A)
    assert coordinator is not None and coordinator.chat_id == COORD_A


async def test_the_core_asks_the_transport_about_the_group(
    world: World, client: SandboxClient
) -> None:
    group = await staff_group(client, [ADMIN_A], title="Staff inbox")
    assert world.bot.core is not None
    forums = world.bot.core.staff.forums
    rights = await forums.rights(group.id)
    assert rights == GroupRights(
        title="Staff inbox",
        is_forum=True,
        is_admin=True,
        can_manage_topics=True,
        can_pin_messages=True,
        can_delete_messages=True,
    )
    thread = await forums.open_topic(group.id, "Mia · report")
    assert [t.name for t in await client.topics(group.id) if t.thread_id == thread] == [
        "Mia · report"
    ]
    assert await forums.username() == "mentorbot_sandbox_bot"
    await client.remove_bot(group.id)
    assert await forums.rights(group.id) is None


async def test_in_webhook_mode_too(hooked: BotProcess, client: SandboxClient) -> None:
    await seed_staff(hooked, client, ADMIN_A, ORG_A, StaffRole.ADMIN)
    await client.send_text(ADMIN_A, "/help")
    await client.wait_for_messages(ADMIN_A, timeout=REPLY_TIMEOUT)  # known to the bot
    group = await staff_group(client, [ADMIN_A])
    await register(hooked, group.id, ADMIN_A)
    topic = (await client.create_topic(group.id, ADMIN_A, "Approvals")).message_id
    await post(client, group.id, ADMIN_A, "/pending", topic=topic)
    await wait_in_topic(
        client, group.id, topic, lambda m: "No mentor is waiting" in (m.text or "")
    )
    assert hooked.core is not None
    rights = await hooked.core.staff.forums.rights(group.id)
    assert rights is not None and rights.can_manage_topics
