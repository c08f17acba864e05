"""Contract tests of the outbox additions the relay's albums use: items held until `not_before`,
reading a chat's unclaimed items, and rewriting one before any sender claims it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core import effects as fx
from bot.core.effects import CopyMessages, RelayTag, SendText
from bot.core.ports import UnitOfWorkFactory

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TAG = RelayTag(pair_id=1, sender_id=7, source_chat_id=7, source_message_ids=(5,), album="g")


def album(*ids: int) -> CopyMessages:
    return CopyMessages(
        chat_id=8,
        from_chat_id=7,
        message_ids=ids,
        relay=replace(TAG, source_message_ids=ids),
    )


async def test_held_items_wait_and_can_grow_until_claimed(any_uow: UnitOfWorkFactory) -> None:
    async with any_uow() as tx:
        await tx.outbox.add([SendText(chat_id=8, text="now")], T0)
        await tx.outbox.add([album(5)], T0, not_before=T0 + timedelta(seconds=2))
        await tx.commit()
    async with any_uow() as tx:
        pending = await tx.outbox.pending_for_chat(8)
        assert [fx.from_json(i.payload) for i in pending] == [
            SendText(chat_id=8, text="now"),
            album(5),
        ]
        assert await tx.outbox.pending_for_chat(7) == []
        assert await tx.outbox.replace_pending(pending[1].id, album(5, 6))
        claimed = await tx.outbox.claim_due(T0, 10, 30)
        await tx.commit()
    assert [i.id for i in claimed] == [pending[0].id], "the album is held"
    async with any_uow() as tx:
        assert [i.id for i in await tx.outbox.pending_for_chat(8)] == [pending[1].id]
        # the chat's earlier message is sent first: until then it holds the album back
        assert await tx.outbox.claim_due(T0 + timedelta(seconds=3), 10, 30) == []
        await tx.outbox.mark_sent_many([(pending[0].id, 1, T0)])
        claimed = await tx.outbox.claim_due(T0 + timedelta(seconds=3), 10, 30)
        assert not await tx.outbox.replace_pending(pending[1].id, album(5, 6, 7))
        await tx.commit()
    assert [fx.from_json(i.payload) for i in claimed] == [album(5, 6)]
    async with any_uow() as tx:
        assert await tx.outbox.pending_for_chat(8) == []
        assert not await tx.outbox.replace_pending(999, album(1))
