"""A chat's lane in the sender: safety items first, then by id; a retried or expiring item
holds the chat's later items until it comes back or its deadline passes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.models import OutboxItem
from bot.delivery.lanes import Entry, Lane, lane_key, order
from bot.delivery.outcomes import Outcome, backoff

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def entry(
    item_id: int, chat_id: int | None = 7, *, safety: bool = False, attempts: int = 1
) -> Entry:
    item = OutboxItem(
        id=item_id, chat_id=chat_id, payload={}, attempts=attempts, created_at=T0, safety=safety
    )
    return Entry(item, T0)


def lane_of(*entries: Entry) -> Lane:
    lane = Lane(entries[0].item.chat_id)
    lane.items = {e.item.id: e for e in entries}
    return lane


def test_safety_items_go_first_then_by_id() -> None:
    lane = lane_of(entry(3), entry(9, safety=True), entry(1))
    assert lane.next_place(0.0) == (False, 9)
    del lane.items[9]
    assert lane.next_place(0.0) == (True, 1)


def test_items_addressed_to_no_chat_have_a_lane_each() -> None:
    assert lane_key(entry(5).item) == 7
    assert lane_key(entry(5, None).item) == "answer:5"
    assert not Lane(None).ordered


def test_a_retry_holds_the_lane_until_the_item_comes_back_or_the_deadline() -> None:
    first, second = entry(1, attempts=2), entry(2)
    lane = lane_of(second)
    lane.settle(Outcome.RETRY, order(first.item), first, mono=100.0, lease=60.0)
    assert lane.hold == (True, 1)
    assert lane.hold_deadline == 100.0 + backoff(2) + 60.0
    assert lane.next_place(101.0) is None  # the later item waits
    assert not lane.finished
    assert lane.next_place(lane.hold_deadline) == (True, 2)  # deadline passed: hold lifted
    assert lane.hold is None
    lane.settle(Outcome.EXPIRED, order(first.item), first, mono=0.0, lease=60.0)
    lane.items[1] = first  # claimed again
    assert lane.next_place(1.0) == (True, 1)  # it came back: the hold is lifted
    assert lane.hold is None


def test_unsent_goes_back_and_blocked_clears_the_lane() -> None:
    one, two = entry(1), entry(2)
    lane = lane_of(two)
    lane.settle(Outcome.UNSENT, order(one.item), one, mono=0.0, lease=60.0)
    assert set(lane.items) == {1, 2}
    lane.hold = (True, 1)
    lane.settle(Outcome.BLOCKED, order(one.item), one, mono=0.0, lease=60.0)
    assert lane.items == {} and lane.hold is None and lane.finished


def test_a_lane_with_no_chat_never_holds() -> None:
    lone = entry(4, None)
    lane = lane_of(lone)
    lane.settle(Outcome.RETRY, order(lone.item), lone, mono=0.0, lease=60.0)
    lane.forget([order(lone.item)], mono=0.0, lease=60.0)
    assert lane.hold is None and lane.finished


def test_expiring_items_are_forgotten_and_hold_the_lane_behind_the_earliest() -> None:
    lane = lane_of(entry(1), entry(2), entry(3))
    lane.forget([(True, 3), (True, 2)], mono=10.0, lease=60.0)
    assert set(lane.items) == {1}
    assert (lane.hold, lane.hold_deadline) == ((True, 2), 70.0)
    lane.forget([], mono=70.0, lease=60.0)  # overdue: lifted
    assert lane.hold is None
