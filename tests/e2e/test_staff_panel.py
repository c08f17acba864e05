"""The staff home and the figures' period buttons end to end, on each transport: a coordinator
opens /panel, taps "waiting for approval" and reads the list under the card; Refresh edits the
card in place; /stats with a period button sends new phone-sized charts, and /stats typed in a
staff group is answered there, charts included."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image

from bot.core.cases import StaffGroup
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.forum import post, staff_group, wait_in_topic
from tests.e2e.harness import REPLY_TIMEOUT, User, seed_pair
from tests.e2e.staff_world import COORD_A, MIA, NED, World, staff_bot, world

__all__ = ["staff_bot", "world"]  # the fixtures
T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


async def test_the_panel_opens_the_approval_list(world: World, client: SandboxClient) -> None:
    coordinator = User(client, COORD_A)
    [card] = await coordinator.say("/panel")
    text = card.text or ""
    assert "Today · College First Year" in text and "1 mentor waiting for approval" in text
    assert "0 open reports or alerts" in text
    labels = [b.text for row in card.buttons for b in row]
    assert labels[0] == "⏳ Waiting for approval (1)" and "🔄 Refresh" in labels
    [listed] = await coordinator.press("Waiting for approval")
    assert "Mentors waiting for approval</b> (1)" in (listed.text or "")  # the /pending list
    assert "Ona — College First Year" in (listed.text or "") and "training passed" in (
        listed.text or ""
    )
    await coordinator.press("Approve Ona")
    await client.press(COORD_A, card.message_id, button_text="🔄 Refresh")
    [edited] = await client.wait_for_messages(
        COORD_A,
        lambda m: m.message_id == card.message_id and "0 mentors waiting" in (m.text or ""),
        timeout=REPLY_TIMEOUT,
    )
    assert "⏳ Waiting for approval (0)" in [b.text for row in edited.buttons for b in row]


async def test_a_stats_period_button_sends_new_charts(
    world: World, client: SandboxClient, sandbox: RunningSandbox
) -> None:
    await seed_pair(world.bot, MIA, NED, "college")
    coordinator = User(client, COORD_A)
    first = await coordinator.say("/stats", expect=4)  # the summary, then three charts
    assert "Figures for College First Year" in (first[0].text or "")
    assert [m.kind for m in first[1:]] == ["photo"] * 3
    photos = await coordinator.press("90 days", expect=3)
    assert [m.kind for m in photos] == ["photo"] * 3
    for photo in photos:
        assert photo.file_id is not None
        stored = sandbox.sandbox.files.get(photo.file_id)
        assert stored is not None
        assert Image.open(io.BytesIO(stored.data)).size[0] >= 1200
    [summary] = await client.wait_for_messages(
        COORD_A,
        lambda m: m.message_id == first[0].message_id and "Last 90 days" in (m.text or ""),
        timeout=REPLY_TIMEOUT,
    )
    assert "• 90 days" in [b.text for row in summary.buttons for b in row]


async def test_stats_typed_in_a_staff_group_answers_there_with_its_charts(
    world: World, client: SandboxClient
) -> None:
    await world.ask(COORD_A, "/panel")  # known to the bot (a group alone creates nobody)
    group = await staff_group(client, [COORD_A])
    assert world.bot.core is not None  # staff commands run only in a registered staff group
    async with world.bot.core.conversations.uows() as uow:
        await uow.cases.set_staff_group(StaffGroup("college", group.id, COORD_A, T0))
        await uow.commit()
    await post(client, group.id, COORD_A, "/stats")
    summary, *charts = await wait_in_topic(client, group.id, None, count=4)
    assert "Figures for College First Year" in summary.content
    assert [m.kind for m in charts] == ["photo"] * 3
    assert not [m for m in await client.bot_messages(COORD_A) if m.kind == "photo"]
