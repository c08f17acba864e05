"""The safety lane in the sender: a crisis alert is the next message its chat receives, ahead of
the routine items already claimed for that chat, and it is claimed even when the sender's
backlog is full."""

from __future__ import annotations

import asyncio

from bot.core import effects as fx
from bot.delivery.limits import RateLimits
from tests.delivery.support import FakeChatApi, add, make_sender, texts, wait_until
from tests.fakes import FakeClock, MemoryStore

PACED = RateLimits(private_rate=10.0, private_burst=1)  # one message per 0.1 s and chat


async def test_a_safety_item_goes_next_in_a_chat_with_a_claimed_backlog() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    await add(store, clock, *texts(9, *[f"copy {i}" for i in range(8)]))
    sender = make_sender(store, api, clock, limits=PACED)
    task = asyncio.create_task(sender.run())
    await wait_until(lambda: len(api.calls) == 2)
    before = len(api.calls)
    await add(store, clock, fx.SendText(chat_id=9, text="ALERT", safety=True))
    sender.wake()
    await wait_until(lambda: "ALERT" in api.texts(9))
    sent = api.texts(9)
    # the copy waiting for the chat's next slot yields it: the alert is the next message
    assert sent.index("ALERT") <= before + 1, sent
    await wait_until(lambda: len(api.calls) == 9)
    await sender.stop()
    await task
    assert [t for t in api.texts(9) if t != "ALERT"] == [f"copy {i}" for i in range(8)]


async def test_safety_items_are_claimed_when_the_backlog_is_full() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    await add(store, clock, *texts(5, *[f"step {i}" for i in range(6)]))
    sender = make_sender(store, api, clock, limits=PACED, batch_size=3)
    task = asyncio.create_task(sender.run())
    await wait_until(lambda: len(api.calls) == 1)
    await add(store, clock, fx.SendText(chat_id=6, text="ALERT", safety=True))
    sender.wake()
    await wait_until(lambda: api.texts(6) == ["ALERT"], within=1.0)
    assert len(api.texts(5)) < 6, "the alert did not wait for the backlog"
    await wait_until(lambda: len(api.texts(5)) == 6)
    await sender.stop()
    await task
    assert api.texts(5) == [f"step {i}" for i in range(6)]
