"""Issue 13, defect 1, through /forgetme and the retention purge, end to end on both
transports: once the record of a relayed message is gone (erased with the partner, or purged
after RELAY_RETENTION_DAYS), a reply to it is never guessed onto the mentor's other mentee; the
mentor is asked to send it again without replying, and nothing is relayed or linked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.bootstrap import retention_of
from bot.core.models import PairStatus
from bot.sandbox.client import SandboxClient
from bot.services.privacy import retention_round
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess
from tests.e2e.test_trust_routing import (
    BO,
    CY,
    cy_has_written,
    reached_no_one,
    staff_end_pair_of_cy,
)
from tests.fakes.clock import FakeClock

CANNOT_TELL = "I can't tell which of your conversations the message you replied to belongs to"


@pytest.mark.parametrize("how", ["forgetme", "purge"])
async def test_a_reply_whose_record_is_gone_never_reaches_the_other_mentee(
    client: SandboxClient, bot: BotProcess, how: str
) -> None:
    cy, from_cy = await cy_has_written(bot, client)
    assert bot.core is not None
    if how == "forgetme":
        await cy.say("/forgetme")
        await cy.press("Yes, erase my data")
        await client.wait_for_messages(BO, lambda m: "ended" in m.content, timeout=REPLY_TIMEOUT)
    else:
        await staff_end_pair_of_cy(bot)
        retention = retention_of(bot.core.settings)
        later = FakeClock(bot.core.clock.now() + timedelta(days=retention.relay_days + 1))
        purged = await retention_round(bot.core.conversations.uows, later, retention)
        assert purged.relay_links >= 1
    async with bot.core.conversations.uows() as uow:
        assert await uow.relay.original_of(BO, from_cy.message_id) is None, "no record left"
    reply = await client.send_text(
        BO, "Cy, secret-for-cy-only", reply_to_message_id=from_cy.message_id
    )
    [told] = await client.wait_for_messages(BO, since=reply.message_id, timeout=REPLY_TIMEOUT)
    assert told.content.startswith(CANNOT_TELL), told.content
    assert "without replying" in told.content
    await reached_no_one(bot, client, reply)
    async with bot.core.conversations.uows() as uow:
        pairs = [await uow.pairs.get(i) for i in (1, 2)]
        gone = await uow.persons.get(CY) is None
    assert [p.status for p in pairs if p] == [PairStatus.ACTIVE, PairStatus.ENDED]
    assert gone is (how == "forgetme")
