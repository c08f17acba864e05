"""Issue 13, defect 2, for a button's label typed by a matched person, end to end on both
transports: while the /end flow waits for a rating (buttons 1-5 and Skip), a mentee who writes
"2" or "Skip" is writing to her mentor: it is relayed, the mentorship goes on, and the flow
stays where it was, its buttons still working."""

from __future__ import annotations

from bot.core.models import PairStatus
from bot.sandbox.client import SandboxClient
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess
from tests.e2e.test_trust_routing import ANA, BO, mentor_and_mentee, relayed_text, source_linked


async def test_a_typed_rating_is_a_message_to_the_mentor_not_a_press(
    client: SandboxClient, bot: BotProcess
) -> None:
    ana, _bo = await mentor_and_mentee(bot, client)
    await ana.say("/end")
    await ana.press("Not a good fit")  # the rating question: buttons only
    rating = await bot.flow(ANA)
    assert rating is not None
    assert "2" in [b.text for row in (await ana.keyboard()).buttons for b in row]
    for label in ("2", "Skip"):
        sent = await client.send_text(ANA, label)
        await relayed_text(client, BO, label)
        assert await source_linked(bot, ANA, sent.message_id, wait=True)
        said = await client.bot_messages(ANA, since=sent.message_id)
        assert not said, [m.content for m in said]
    assert await bot.flow(ANA) == rating, "the flow stays where it was"
    assert bot.core is not None
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(1)
    assert pair is not None and pair.status is PairStatus.ACTIVE, "not ended by a typed '2'"
    await ana.press("Skip", expect=2)  # its buttons still work: thanks, and the farewell
    await client.wait_for_messages(
        BO, lambda m: "come to an end" in m.content, timeout=REPLY_TIMEOUT
    )
    async with bot.core.conversations.uows() as uow:
        pair = await uow.pairs.get(1)
    assert pair is not None and pair.status is PairStatus.ENDED
