"""/stats and /export end to end: the chart arrives as a real PNG photo (opened and measured
here), the CSV arrives as a document that parses and matches the database, and staff see only
their own organisation's pairs."""

from __future__ import annotations

import csv
import io

from PIL import Image

from bot.core.models import Role, StepStatus
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.harness import REPLY_TIMEOUT, seed_pair, seed_person
from tests.e2e.staff_world import (
    ADMIN_A,
    COORD_A,
    MIA,
    NED,
    REX,
    SOL,
    World,
    staff_bot,
    world,
)

__all__ = ["staff_bot", "world"]  # the fixtures


async def file_of(sandbox: RunningSandbox, client: SandboxClient, chat: int, kind: str) -> bytes:
    [message] = await client.wait_for_messages(
        chat, lambda m: m.kind == kind, timeout=REPLY_TIMEOUT
    )
    assert message.file_id is not None
    stored = sandbox.sandbox.files.get(message.file_id)
    assert stored is not None
    return stored.data


async def test_stats_sends_a_summary_and_a_png_chart(
    world: World, client: SandboxClient, sandbox: RunningSandbox
) -> None:
    await seed_pair(world.bot, MIA, NED, "college")
    await seed_person(world.bot, client, 1504, role=Role.MENTEE, program="college")
    summary = await world.ask(COORD_A, "/stats")
    assert "Figures for College First Year" in summary  # the program's name, not its code
    assert "signed up: 4 (mentees: 2, mentors: 2, approved: 1)" in summary
    assert "Match rate: 50% (1 of 2 mentees)" in summary
    assert "Pairs: 1 active, 0 paused, 0 ended" in summary
    png = await file_of(sandbox, client, COORD_A, "photo")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] >= 1200  # readable at phone size
    assert len(png) > 10_000  # a drawn chart, not an empty canvas
    assert "stats" in await world.actions()


async def test_export_sends_a_csv_that_matches_the_database(
    world: World, client: SandboxClient, sandbox: RunningSandbox
) -> None:
    first = await seed_pair(world.bot, MIA, NED, "college")
    await seed_pair(world.bot, REX, SOL, "rebuild")  # another organisation's
    await seed_person(world.bot, client, 1505, role=Role.MENTEE, program="college", name="=cmd")
    second = await seed_pair(world.bot, 1505, NED, "college")
    await world.ask(COORD_A, f"/push #{first.id}")  # step 1 now
    await client.wait_for_messages(MIA, lambda m: "Step 1 of 24" in (m.text or ""))
    assert "needs the admin role" in await world.ask(COORD_A, "/export")
    await client.send_text(ADMIN_A, "/export")
    content = await file_of(sandbox, client, ADMIN_A, "document")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert world.bot.core is not None
    async with world.bot.core.conversations.uows() as uow:
        stored = await uow.staff.pairs_of(["college"])
        sent = {
            p.id: sum(
                1
                for r in await uow.schedule.of_pair(p.id)
                if r.status is StepStatus.SENT and r.role is Role.MENTEE
            )
            for p in stored
        }
    assert [int(r["pair_id"]) for r in rows] == [p.id for p in stored] == [first.id, second.id]
    for row, pair in zip(rows, stored, strict=True):
        assert row["program"] == "college" and row["status"] == pair.status.value
        assert int(row["mentee_id"]) == pair.mentee_id and int(row["mentor_id"]) == pair.mentor_id
        assert int(row["steps_sent"]) == sent[pair.id] and row["steps_total"] == "24"
        assert row["started_at"] == pair.started_at.isoformat(timespec="seconds")
    assert rows[0]["steps_sent"] == "1" and rows[0]["mentee_name"] == "Mia"
    assert rows[1]["mentee_name"] == "'=cmd"  # never a spreadsheet formula
    assert "export" in await world.actions()
