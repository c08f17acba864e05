"""How the sender handles Telegram's refusals: 429, 403, 400, 5xx, crashes and its own bugs."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from bot.core import effects as fx
from bot.core.errors import RecipientBlocked, RejectedRequest, RetryLater, TemporaryFailure
from bot.delivery.limits import RateLimits
from bot.delivery.outcomes import backoff
from tests.delivery.support import (
    FakeChatApi,
    add,
    make_sender,
    statuses,
    texts,
    ticking,
    wait_until,
)
from tests.fakes import FakeClock, MemoryStore


async def test_429_pauses_every_send_then_retries_without_loss_or_duplicates() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(1, RetryLater(0.3))
    await add(store, clock, *texts(1, "a1", "a2"), *texts(2, "b1"))
    sender = make_sender(store, api, clock)
    started = time.monotonic()
    await sender.drain()
    assert api.texts(1) == ["a1", "a1", "a2"]  # the refused try, then the real one
    assert api.texts(2) == ["b1"]
    a1_times = [t for c, t in zip(api.calls, api.times, strict=True) if c == api.calls[0]]
    assert a1_times[1] - started >= 0.29  # the retry waited for retry_after
    assert statuses(store) == ["sent"] * 3
    assert sender.rate_limited_429 == 1 and sender.failed == 0
    assert [r.item.attempts for r in store.outbox] == [1, 1, 1]  # a 429 is not a failed attempt


async def test_403_fails_the_item_drops_the_chat_and_calls_back_once() -> None:
    blocked: list[int] = []

    async def on_blocked(chat_id: int) -> None:
        blocked.append(chat_id)

    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(1, RecipientBlocked("Forbidden: bot was blocked by the user"))
    await add(store, clock, *texts(1, "a1", "a2", "a3"), *texts(2, "b1", "b2"))
    sender = make_sender(store, api, clock, on_blocked=on_blocked)
    await sender.drain()
    assert blocked == [1]
    assert api.texts(1) == ["a1"]
    assert api.texts(2) == ["b1", "b2"]
    assert statuses(store) == ["failed", "dropped", "dropped", "sent", "sent"]
    assert sender.failed == 1 and sender.dropped == 2


async def test_a_failing_blocked_callback_does_not_stop_the_sender() -> None:
    async def on_blocked(chat_id: int) -> None:
        raise RuntimeError("core exploded")

    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(1, RecipientBlocked("Forbidden"))
    await add(store, clock, *texts(1, "a1"), *texts(2, "b1"))
    await make_sender(store, api, clock, on_blocked=on_blocked).drain()
    assert statuses(store) == ["failed", "sent"]


async def test_400_fails_the_item_and_the_next_one_still_goes() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(1, RejectedRequest("Bad Request: can't parse entities"))
    await add(store, clock, *texts(1, "bad", "good"))
    sender = make_sender(store, api, clock)
    await sender.drain()
    assert api.texts(1) == ["bad", "good"]
    assert statuses(store) == ["failed", "sent"]
    assert store.outbox[0].error == "rejected: Bad Request: can't parse entities"


async def test_an_answer_too_old_is_simply_failed() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(None, RejectedRequest("Bad Request: query is too old"))
    await add(store, clock, fx.AnswerButton(callback_id="cb1"), *texts(1, "next"))
    await make_sender(store, api, clock).drain()
    assert statuses(store) == ["failed", "sent"]


async def test_5xx_is_retried_with_backoff_and_keeps_the_chat_in_order() -> None:
    store, clock = MemoryStore(), FakeClock()
    api = FakeChatApi()
    api.fail(1, TemporaryFailure("Internal Server Error"), TemporaryFailure("timeout"))
    await add(store, clock, *texts(1, "a1", "a2", "a3"), *texts(2, "b1"))
    sender = make_sender(store, api, clock, lease_seconds=600)
    async with ticking(clock):  # back-off time passes quickly
        await sender.drain()
    assert api.texts(1) == ["a1", "a1", "a1", "a2", "a3"]
    assert api.texts(2) == ["b1"]
    assert statuses(store) == ["sent"] * 4
    assert sender.retried == 2 and sender.failed == 0
    assert store.outbox[0].item.attempts == 3


async def test_max_attempts_then_failed_and_the_chat_moves_on() -> None:
    store, clock = MemoryStore(), FakeClock()
    api = FakeChatApi()
    api.fail(1, *[TemporaryFailure("Bad Gateway") for _ in range(10)])
    await add(store, clock, *texts(1, "doomed"))
    sender = make_sender(store, api, clock, lease_seconds=600, max_attempts=3)
    async with ticking(clock):
        await sender.drain()
    assert api.texts(1) == ["doomed"] * 3
    assert statuses(store) == ["failed"]
    assert store.outbox[0].error is not None and "3 attempts" in store.outbox[0].error
    api._errors.clear()
    await add(store, clock, *texts(1, "fine"))
    await sender.drain()
    assert statuses(store) == ["failed", "sent"]


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n) for n in range(1, 6)] == [0.5, 1, 2, 4, 8]
    assert backoff(30) == 60


async def test_items_of_a_dead_sender_are_sent_once_its_lease_expires() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    await add(store, clock, *texts(1, "d1", "d2"))
    async with store.uow() as uow:  # a sender claims these and dies before sending
        assert len(await uow.outbox.claim_due(clock.now(), 10, 60)) == 2
        await uow.commit()
    await add(store, clock, *texts(2, "fresh"))
    sender = make_sender(store, api, clock)
    task = asyncio.create_task(sender.run())
    await wait_until(lambda: api.texts() == ["fresh"])
    await asyncio.sleep(0.1)
    assert api.texts() == ["fresh"]  # still leased by the dead sender
    clock.advance(61)
    await sender.drain()
    await sender.stop()
    await task
    assert Counter(api.texts()) == {"fresh": 1, "d1": 1, "d2": 1}
    assert api.texts(1) == ["d1", "d2"]
    assert statuses(store) == ["sent"] * 3


async def test_a_bug_in_one_item_fails_it_and_the_loop_goes_on() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(1, ValueError("adapter bug quoting a secret message"))
    await add(store, clock, *texts(1, "boom", "after"))
    async with store.uow() as uow:  # a payload no effect type matches
        await uow.outbox.add(texts(3, "x"), clock.now())
        await uow.commit()
    store.outbox[2].item.payload["type"] = "Teleport"
    sender = make_sender(store, api, clock)
    await sender.drain()
    assert statuses(store) == ["failed", "sent", "failed"]
    assert store.outbox[0].error == "unexpected ValueError"
    assert sender.failed == 2


async def test_a_broken_database_is_survived() -> None:
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    await add(store, clock, *texts(1, "eventually"))
    calls = {"n": 0}

    def flaky_uow():  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] <= 3:
            raise ConnectionError("database is down")
        return store.uow()

    sender = make_sender(store, api, clock)
    sender._uows = flaky_uow
    task = asyncio.create_task(sender.run())
    await wait_until(lambda: api.texts() == ["eventually"])
    await wait_until(lambda: statuses(store) == ["sent"])
    await sender.stop()
    await task


async def test_items_whose_lease_runs_out_while_queued_are_reclaimed_not_doubled() -> None:
    limits = RateLimits(private_rate=10.0, private_burst=1)  # 0.1 s between sends
    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    await add(store, clock, *texts(1, "q1", "q2", "q3", "q4", "q5"))
    sender = make_sender(store, api, clock, limits=limits, lease_seconds=8)
    async with ticking(clock, step=1.0, every=0.02):  # a lease lasts ~0.16 s of real time
        await sender.drain()
    assert api.texts(1) == ["q1", "q2", "q3", "q4", "q5"]
    assert statuses(store) == ["sent"] * 5
    assert max(r.item.attempts for r in store.outbox) > 1  # some were claimed again


async def test_whatever_fails_for_good_reaches_on_failed_and_nothing_else_does() -> None:
    failed: list[str] = []

    async def on_failed(effect: fx.Effect) -> None:
        assert isinstance(effect, fx.SendText)
        failed.append(effect.text)

    store, clock, api = MemoryStore(), FakeClock(), FakeChatApi()
    api.fail(1, *[TemporaryFailure("Bad Gateway") for _ in range(3)])  # out of attempts
    api.fail(2, RejectedRequest("Bad Request: chat not found"))
    api.fail(3, RecipientBlocked("Forbidden: bot was blocked by the user"))
    api.fail(4, TemporaryFailure("timeout"))  # passes on the second try
    await add(
        store,
        clock,
        *texts(1, "doomed"),
        *texts(2, "refused"),
        *texts(3, "blocked"),
        *texts(4, "late"),
        *texts(5, "fine"),
    )
    sender = make_sender(store, api, clock, lease_seconds=600, max_attempts=3, on_failed=on_failed)
    async with ticking(clock):
        await sender.drain()
    assert sorted(failed) == ["blocked", "doomed", "refused"]
    assert statuses(store) == ["failed", "failed", "failed", "sent", "sent"]
