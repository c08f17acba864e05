"""The sender's per-chat lanes: which claimed item of a chat goes next, and when a chat waits.

The claimed items of one chat form a *lane*, applied strictly in order by one task: the chat's
safety items (crisis alerts) first, then its routine ones, each in outbox order; so a crisis
alert claimed while the chat's routine items wait on its rate limit is the next message that
chat receives. An item sent back to the outbox for a later retry (or whose lease ran out)
*holds* its lane: the chat's later items wait until it comes back (or, if another sender took
it, until a deadline). Items addressed to no chat each have a lane of their own and never hold.

Bookkeeping only, no I/O and no tasks: `bot.delivery.sender` runs one task per lane and applies
its items.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.models import OutboxItem
from bot.delivery.outcomes import Outcome, backoff

__all__ = ["Entry", "Lane", "LaneKey", "Order", "lane_key", "order"]

LaneKey = int | str  # a chat id, or "answer:<item id>" for items addressed to no chat
Order = tuple[bool, int]  # an item's place in its chat's lane: safety first, then by id


def order(item: OutboxItem) -> Order:
    """The item's place in its chat's lane."""
    return (not item.safety, item.id)


def lane_key(item: OutboxItem) -> LaneKey:
    """The lane of an item: its chat's, or one of its own when it is addressed to no chat."""
    return item.chat_id if item.chat_id is not None else f"answer:{item.id}"


@dataclass
class Entry:
    """A claimed item and when its lease runs out."""

    item: OutboxItem
    lease_until: datetime


@dataclass
class Lane:
    """The claimed, not yet applied items of one chat, applied in lane order (safety items
    first, then by id) by one task."""

    chat_id: int | None
    items: dict[int, Entry] = field(default_factory=dict)
    hold: Order | None = None  # an earlier item that must come back from the outbox first
    hold_deadline: float = 0.0  # monotonic time after which the hold is abandoned
    task: asyncio.Task[None] | None = None
    applying: bool = False  # a request is under way: a graceful stop waits for it

    @property
    def ordered(self) -> bool:
        """Only a chat's lane keeps an order across claims (and so may hold)."""
        return self.chat_id is not None

    @property
    def finished(self) -> bool:
        """Nothing left to apply nor to wait for: the lane can be forgotten."""
        return not self.items and (self.hold is None or not self.ordered)

    def next_place(self, mono: float) -> Order | None:
        """The place of the item to apply next, or None while the lane waits for its held
        item to come back (a hold past its deadline, or reached, is lifted)."""
        place = min(order(e.item) for e in self.items.values())
        if self.hold is not None:
            if place == self.hold or mono >= self.hold_deadline:
                self.hold = None
            elif place > self.hold:
                return None
        return place

    def settle(
        self, outcome: Outcome, place: Order, entry: Entry, mono: float, lease: float
    ) -> None:
        """After applying the item at `place`: put it back (unsent), forget the lane's items
        (blocked: the outbox dropped them), or hold the lane behind it (sent back for a retry,
        or its lease ran out) until its back-off and a lease have passed."""
        if outcome is Outcome.UNSENT:
            self.items[place[1]] = entry
        elif outcome is Outcome.BLOCKED:
            self.items.clear()
            self.hold = None
        elif outcome in (Outcome.RETRY, Outcome.EXPIRED) and self.ordered:
            if self.hold is None or place < self.hold:
                self.hold = place
            delay = backoff(entry.item.attempts) if outcome is Outcome.RETRY else 0
            self.hold_deadline = mono + delay + lease

    def forget(self, expiring: list[Order], mono: float, lease: float) -> None:
        """Forget the items whose lease is running out (they will be claimed again, by this
        sender or another), holding the lane behind the earliest of them; lift an overdue
        hold."""
        for _, item_id in expiring:
            del self.items[item_id]
        if expiring and self.ordered and (self.hold is None or min(expiring) < self.hold):
            self.hold, self.hold_deadline = min(expiring), mono + lease
        if self.hold is not None and mono >= self.hold_deadline:
            self.hold = None
