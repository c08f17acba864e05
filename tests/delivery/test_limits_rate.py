"""The overall rate: fractional SEND_RATE values, even pacing at 98% of the limit, and the window
counted from the answers that keeps latency jitter or a stall from bunching arrivals up."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.delivery.limits import AnswerWindow, RateLimits, SendLimits


def test_the_rate_aims_below_the_limit_by_the_safety_margin() -> None:
    assert RateLimits().overall_rate == pytest.approx(29.4)
    assert RateLimits(overall_limit=1000).overall_rate == pytest.approx(980)
    assert RateLimits(overall_limit=12.5).overall_rate == pytest.approx(12.25)
    assert RateLimits(overall_limit=3, overall_period=2, safety_margin=1).overall_rate == 1.5


@pytest.mark.parametrize(
    "bad",
    [{"overall_limit": 0}, {"overall_period": 0}, {"safety_margin": 0}, {"safety_margin": 1.5}],
)
def test_nonsense_limits_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RateLimits(**bad)  # type: ignore[arg-type]


async def test_a_send_waits_a_period_after_the_answer_limit_sends_ago() -> None:
    window = AnswerWindow(limit=2, period=0.2)
    first = await window.enter(time.monotonic)
    await window.enter(time.monotonic)  # the second needs no wait
    third = asyncio.create_task(window.enter(time.monotonic))
    await asyncio.sleep(0.1)
    assert not third.done()  # the first is still unanswered
    first.finish(answered := time.monotonic())
    await third
    assert time.monotonic() - answered >= 0.19


async def test_a_ticket_never_finished_is_counted_as_answered_after_a_while() -> None:
    window = AnswerWindow(limit=1, period=0.05, stale=0.1)
    await window.enter(time.monotonic)  # lost by a bug
    started = time.monotonic()
    await asyncio.wait_for(window.enter(time.monotonic), timeout=1)
    assert 0.14 <= time.monotonic() - started < 0.5


async def test_sends_are_evenly_paced_at_a_fractional_rate() -> None:
    limits = SendLimits(RateLimits(overall_limit=40.5, private_rate=1000, private_burst=10))
    times: list[float] = []

    async def send(chat: int) -> None:
        limits.done(await limits.acquire(chat))
        times.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(send(chat) for chat in range(1, 21)))
    interval = 1 / (40.5 * 0.98)
    # A busy machine can only make a send leave late, never early: every send leaves at or after
    # its slot (no bursts), the first at once, and the last not much after its own slot.
    assert times[0] - started < 0.1
    early = [i for i, at in enumerate(times) if at - started < i * interval * 0.99]
    assert early == []
    assert times[-1] - times[0] < 19 * interval + 0.5


async def test_slow_answers_hold_back_the_sends_a_limit_later() -> None:
    """Some requests take long to be answered (they may have *arrived* late): the send `limit`
    places after each leaves a full period after its answer, so no period sees more than
    `limit` arrivals however late each arrived."""
    limit, period = 10, 0.3
    limits = SendLimits(
        RateLimits(overall_limit=limit, overall_period=period, private_rate=1000, private_burst=9)
    )
    left: dict[int, float] = {}
    answered: dict[int, float] = {}

    async def send(n: int) -> None:
        ticket = await limits.acquire(n + 1)
        left[n] = time.monotonic()
        await asyncio.sleep(0.15 if n % 7 == 0 else 0.001)  # the request under way
        limits.done(ticket)
        answered[n] = time.monotonic()

    tasks = []
    for n in range(30):  # sends in the order they are asked for, as lanes do
        tasks.append(asyncio.create_task(send(n)))
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    order = sorted(left, key=left.__getitem__)
    for i in range(len(order) - limit):
        assert left[order[i + limit]] >= answered[order[i]] + period - 0.002


async def test_a_stall_cannot_put_more_than_the_limit_into_a_period() -> None:
    """Sends held up by a stall of the event loop leave together; the sends after them are
    held back, so no period ever sees more than the limit."""
    limit, period = 10, 0.5
    limits = SendLimits(
        RateLimits(overall_limit=limit, overall_period=period, private_rate=1000, private_burst=10)
    )
    times: list[float] = []

    async def send(chat: int) -> None:
        limits.done(await limits.acquire(chat))
        times.append(time.monotonic())

    tasks = [asyncio.create_task(send(chat)) for chat in range(1, 31)]
    await asyncio.sleep(0.01)
    time.sleep(0.2)  # noqa: ASYNC251 (a stall: the sends due meanwhile wake up late, at once)
    await asyncio.gather(*tasks)
    for i in range(len(times) - limit):
        assert times[i + limit] - times[i] >= period - 0.002
