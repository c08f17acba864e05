"""The sender's hooks. `on_sent`: called once per success with the chat app's answer; a failing
hook is logged and changes nothing else. `record_sent`: writes with the batch of successes, in
its unit of work (the relay links its copies there); when it fails, the successes are recorded
anyway and it is tried again for each on its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, cast

import pytest

from bot.core import effects as fx
from bot.core.effects import CopyMessage, CopyMessages, RelayTag
from bot.core.errors import RejectedRequest
from bot.core.ports import UnitOfWork
from bot.delivery.outcomes import Counters, OutcomeRecorder
from bot.services.relay_links import RelayLinks
from tests.delivery.support import FakeChatApi, add, make_sender, statuses, texts
from tests.fakes import FakeClock, MemoryStore


async def test_the_hook_sees_every_success_and_only_successes() -> None:
    seen: list[tuple[fx.Effect, fx.Sent]] = []

    async def on_sent(effect: fx.Effect, sent: fx.Sent) -> None:
        seen.append((effect, sent))

    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(2, RejectedRequest("Bad Request: chat not found"))
    await add(store, clock, *texts(1, "a"), *texts(2, "b"))
    await make_sender(store, api, clock, on_sent=on_sent).drain()
    assert [(e.text, s.message_id) for e, s in seen if isinstance(e, fx.SendText)] == [("a", 1001)]
    assert statuses(store) == ["sent", "failed"]


async def test_a_failing_hook_is_logged_and_the_item_is_still_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def on_sent(effect: fx.Effect, sent: fx.Sent) -> None:
        raise RuntimeError(getattr(effect, "text", ""))  # an error quoting a message

    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    await add(store, clock, *texts(1, "secret body a", "secret body b"))
    with caplog.at_level(logging.ERROR):
        await make_sender(store, api, clock, on_sent=on_sent).drain()
    assert statuses(store) == ["sent", "sent"]
    assert "on_sent hook failed: RuntimeError" in caplog.text
    assert "secret body" not in caplog.text


class AlbumApi(FakeChatApi):
    """Answers copyMessages with one id per copied message."""

    async def apply(self, effect: fx.Effect) -> fx.Sent:
        sent = await super().apply(effect)
        if isinstance(effect, CopyMessages):
            ids = [sent.message_id or 0, *range(2001, 2000 + len(effect.message_ids))]
            return fx.Sent(message_id=ids[0], extra={"message_ids": ids})
        return sent


async def test_relay_links_are_stored_for_copies_and_albums() -> None:
    store, clock, api = MemoryStore(), FakeClock(), AlbumApi()
    tag = RelayTag(pair_id=3, sender_id=7, source_chat_id=7, source_message_ids=(11,))
    album_tag = RelayTag(pair_id=3, sender_id=7, source_chat_id=7, source_message_ids=(12, 13))
    await add(
        store,
        clock,
        CopyMessage(chat_id=8, from_chat_id=7, message_id=11, relay=tag),
        CopyMessages(chat_id=8, from_chat_id=7, message_ids=(12, 13), relay=album_tag),
        CopyMessage(chat_id=9, from_chat_id=7, message_id=14),  # a staff copy: no tag
    )
    links = RelayLinks(clock)
    await make_sender(store, api, clock, record_sent=links).drain()
    linked = {k.source_message_id: (k.target_chat_id, k.target_message_id) for k in store.relay}
    # ids come from the fake in the order lanes apply: chat 8's copy first, its album next
    first, album = linked[11][1], linked[12][1]
    assert linked == {11: (8, first), 12: (8, album), 13: (8, 2001)} and first < album
    assert {k.pair_id for k in store.relay} == {3} and links.stored == 3
    assert statuses(store) == ["sent", "sent", "sent"]


async def test_links_are_written_in_the_unit_of_work_that_records_the_copies_as_sent() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    tags = [
        RelayTag(pair_id=3, sender_id=7, source_chat_id=7, source_message_ids=(20 + i,))
        for i in range(5)
    ]
    await add(
        store,
        clock,
        *(
            CopyMessage(chat_id=8 + i, from_chat_id=7, message_id=20 + i, relay=t)
            for i, t in enumerate(tags)
        ),
    )
    calls: list[int] = []
    links = RelayLinks(clock)

    async def record(uow: UnitOfWork, sent: Sequence[tuple[fx.Effect, fx.Sent]]) -> None:
        calls.append(len(sent))
        chats = {fx.chat_of(effect) for effect, _ in sent}
        rows = [r for r in cast(Any, uow.outbox).rows if r.item.chat_id in chats]
        assert rows and all(r.status == "sent" for r in rows)  # in the same unit of work
        await links(uow, sent)

    await make_sender(store, api, clock, record_sent=record).drain()
    assert sum(calls) == 5  # each success once, with the batch it was recorded in
    assert sorted(k.source_message_id for k in store.relay) == [20, 21, 22, 23, 24]


async def test_a_failing_record_sent_still_records_the_successes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    tag = RelayTag(pair_id=3, sender_id=7, source_chat_id=7, source_message_ids=(11,))
    bad = RelayTag(pair_id=4, sender_id=7, source_chat_id=7, source_message_ids=(12,))
    await add(
        store,
        clock,
        CopyMessage(chat_id=8, from_chat_id=7, message_id=11, relay=tag),
        CopyMessage(chat_id=9, from_chat_id=7, message_id=12, relay=bad),  # its pair is gone
    )
    links = RelayLinks(clock)

    async def record(uow: UnitOfWork, sent: Sequence[tuple[fx.Effect, fx.Sent]]) -> None:
        await links(uow, sent)
        if any(getattr(e, "relay", None) == bad for e, _ in sent):
            raise RuntimeError("FOREIGN KEY constraint failed")

    with caplog.at_level(logging.ERROR):
        await make_sender(store, api, clock, record_sent=record).drain()
    assert statuses(store) == ["sent", "sent"]
    assert [k.source_message_id for k in store.relay] == [11]  # the other link is not half-kept
    assert "the record_sent hook failed: RuntimeError" in caplog.text


async def test_a_partial_album_answer_is_not_linked_wrongly() -> None:
    store, clock = MemoryStore(), FakeClock()
    tag = RelayTag(pair_id=3, sender_id=7, source_chat_id=7, source_message_ids=(12, 13))
    effect = CopyMessages(chat_id=8, from_chat_id=7, message_ids=(12, 13), relay=tag)
    async with store.uow() as uow:
        await RelayLinks(clock)(uow, [(effect, fx.Sent(message_id=5, extra={"message_ids": [5]}))])
        await uow.commit()
    assert store.relay == []


def test_new_effects_survive_the_outbox_json() -> None:
    tag = RelayTag(pair_id=1, sender_id=2, source_chat_id=2, source_message_ids=(4, 5), album="g")
    for effect in (
        CopyMessages(chat_id=1, from_chat_id=2, message_ids=(4, 5), relay=tag),
        fx.EditCaption(chat_id=1, message_id=9, caption="<b>x</b>"),
        fx.EditCaption(chat_id=1, message_id=9),
        fx.SendText(chat_id=1, text="t", reply_to_message_id=3, relay=tag),
        CopyMessage(chat_id=1, from_chat_id=2, message_id=4, caption="c", relay=tag),
    ):
        assert fx.from_json(fx.to_json(effect)) == effect
    old = {"type": "CopyMessage", "chat_id": 1, "from_chat_id": 2, "message_id": 3}
    assert fx.from_json(old) == CopyMessage(chat_id=1, from_chat_id=2, message_id=3)
    assert fx.is_send(CopyMessages(chat_id=1, from_chat_id=2, message_ids=(1,)))
    assert not fx.is_send(fx.EditCaption(chat_id=1, message_id=1))


async def test_a_flush_waits_for_a_batch_another_flush_is_still_writing() -> None:
    """The sender flushes before it claims: returning while the timed flush still writes its
    batch would let an item whose lease ran out be claimed and sent a second time."""
    store, clock = MemoryStore(), FakeClock()
    await add(store, clock, *texts(1, "a"))
    entered, gate = asyncio.Event(), asyncio.Event()

    async def slow_record(uow: UnitOfWork, sent: Sequence[tuple[fx.Effect, fx.Sent]]) -> None:
        entered.set()
        await gate.wait()

    recorder = OutcomeRecorder(
        store.uow,
        clock,
        Counters(),
        max_attempts=3,
        on_blocked=None,
        wake=lambda: None,
        record_sent=slow_record,
    )
    async with store.uow() as uow:
        (item,) = await uow.outbox.claim_due(clock.now(), 10, 30.0)
        await uow.commit()
    await recorder.settle(item, fx.SendText(chat_id=1, text="a"), fx.Sent(message_id=5), None)
    await asyncio.wait_for(entered.wait(), timeout=2)  # the timed flush is writing the batch
    second = asyncio.create_task(recorder.flush())
    await asyncio.sleep(0.05)
    assert not second.done() and statuses(store) == ["sending"]
    gate.set()
    await asyncio.wait_for(second, timeout=2)
    assert statuses(store) == ["sent"]
    await recorder.close()
