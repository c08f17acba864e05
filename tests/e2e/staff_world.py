"""A small world for the staff end-to-end tests: two organisations (the sample programs belong
to different ones), their staff, a super-admin, and people in both programs.

college (organisation college-mentors): Mia (mentee), Ned (mentor, approved), Ona (mentor who
passed the training, waiting for approval). rebuild (organisation new-roots): Rex (mentee), Sol
(mentor). Staff: a super-admin, an admin and a coordinator of college-mentors, an admin of
new-roots.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.models import Role
from bot.core.staff import AuditEntry, StaffMember, StaffRole
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import RunningSandbox
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, seed_person, sqlite_url

SUPER, ADMIN_A, COORD_A, ADMIN_B = 9000, 9101, 9102, 9201
MIA, NED, ONA, REX, SOL = 1501, 1502, 1503, 1601, 1602
START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)  # 12:00 in Rome: not quiet hours
ORG_A, ORG_B = "college-mentors", "new-roots"


async def seed_staff(
    bot: BotProcess, client: SandboxClient, user_id: int, organisation: str, role: StaffRole
) -> None:
    """A staff member, stored through the repository (as `/staff add` would)."""
    assert bot.core is not None
    await client.create_user(f"Staff{user_id}", id=user_id)
    async with bot.core.conversations.uows() as uow:
        await uow.staff.save_member(
            StaffMember(user_id=user_id, organisation=organisation, role=role, added_at=START)
        )
        await uow.commit()


@dataclass
class World:
    bot: BotProcess
    client: SandboxClient

    async def ask(self, user_id: int, text: str) -> str:
        """Send a message; the text of the first reply."""
        sent = await self.client.send_text(user_id, text)
        replies = await self.client.wait_for_messages(
            user_id, count=1, since=sent.message_id, timeout=REPLY_TIMEOUT
        )
        return replies[0].text or replies[0].caption or ""

    async def audit(self) -> list[AuditEntry]:
        assert self.bot.core is not None
        async with self.bot.core.conversations.uows() as uow:
            return await uow.staff.audit(None, 1000)

    async def actions(self) -> list[str]:
        return [e.action for e in await self.audit()]


async def build_world(bot: BotProcess, client: SandboxClient) -> World:
    """Everyone above, stored; the sandbox clock at START."""
    await client.set_clock(START)
    await client.create_user("Super", id=SUPER)
    await seed_staff(bot, client, ADMIN_A, ORG_A, StaffRole.ADMIN)
    await seed_staff(bot, client, COORD_A, ORG_A, StaffRole.COORDINATOR)
    await seed_staff(bot, client, ADMIN_B, ORG_B, StaffRole.ADMIN)
    await seed_person(bot, client, MIA, role=Role.MENTEE, program="college", name="Mia")
    await seed_person(bot, client, NED, role=Role.MENTOR, program="college", name="Ned")
    await seed_person(bot, client, ONA, role=Role.MENTOR, program="college", name="Ona")
    await seed_person(bot, client, REX, role=Role.MENTEE, program="rebuild", name="Rex")
    await seed_person(bot, client, SOL, role=Role.MENTOR, program="rebuild", name="Sol")
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:  # Ona passed training, not yet approved
        ona = await uow.persons.get(ONA)
        assert ona is not None
        await uow.persons.update(replace(ona, approved_at=None))
        await uow.commit()
    return World(bot, client)


@pytest.fixture
async def staff_bot(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot with a super-admin and a username for join links."""
    process = BotProcess(
        sandbox,
        sqlite_url(tmp_path),
        {"superadmin_ids": str(SUPER), "bot_username": "mentorbot_sandbox_bot"},
    )
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


@pytest.fixture
async def world(staff_bot: BotProcess, client: SandboxClient) -> World:
    """The world above, built in the running bot."""
    return await build_world(staff_bot, client)
