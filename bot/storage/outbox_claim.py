"""How senders claim due outbox items: in per-chat lane order, across crashes and replicas.

An item is `pending` until a sender claims it: `claim_due` marks it `sending` with a lease and
counts the attempt. If the sender dies before its outcome is recorded, the lease expires and
the item is claimable again, so a crash re-sends at most the messages that were in flight. On
PostgreSQL claimers skip rows another transaction has locked (`FOR UPDATE SKIP LOCKED`), so
several replicas never take the same item; on SQLite the whole transaction holds the write lock
(`BEGIN IMMEDIATE`), which serialises claimers.

Per-chat order holds across crashes, restarts and replicas, in the database rather than in a
sender's memory: an item is claimed only with every earlier item of its chat, in lane order,
already finished or taken by the same claim. "Earlier in lane order": a chat's `safety` items
(crisis alerts) come before its `routine` ones, each lane by id; so a safety item overtakes the
routine items of its chat that are not yet leased, and a routine item waits behind a leased,
held (`not_before` in the future) or still unclaimed earlier item. Two guards make it so: the
claim skips items with such a blocker that is not due (leased, or held), and on PostgreSQL a
check after the claim gives back every item whose chat has an earlier open item outside this
claim (a row another claimer holds is skipped, not seen, by `SKIP LOCKED`). Items addressed to
no chat have no order.

The rest of the outbox (adding items, recording outcomes) is `bot.storage.outbox`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Exists,
    Integer,
    Select,
    Table,
    TextClause,
    and_,
    bindparam,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import OutboxItem
from bot.storage.tables import SAFETY_LANE, OutboxRow

__all__ = ["OPEN", "ROUTINE", "SAFETY", "claim_due"]

_outbox = cast(Table, OutboxRow.__table__)
_c = _outbox.c
_earlier = _outbox.alias("earlier")
_e = _earlier.c
OPEN = ("pending", "sending")
SAFETY, ROUTINE = "safety", "routine"


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    lease_seconds: float,
    *,
    safety_limit: int | None = None,
) -> list[OutboxItem]:
    """Lease due items, each chat's in lane order: first up to `safety_limit` (default:
    `limit`) safety items, then routine ones up to what is left of `limit`; due means
    pending with `not_before` passed, or `sending` with its lease expired. An item whose
    chat has an earlier item (in lane order) still open and not in this claim stays where
    it is. Each claim counts as an attempt. Returned in lane order, then id order."""
    safety_limit = limit if safety_limit is None else safety_limit
    if session.get_bind().dialect.name == "postgresql":
        rows = await _locked_due(session, now, SAFETY, safety_limit)
        if len(rows) < safety_limit:  # else more may wait: no routine item goes before them
            rows += await _locked_due(session, now, ROUTINE, limit - len(rows))
    else:
        rows = await _due_at_once(session, now, limit, safety_limit)
    ids = _in_chat_order(rows, await _behind_others(session, rows))
    if not ids:
        return []
    result = await session.execute(
        update(_outbox)
        .where(_c.id.in_(ids))
        .values(
            status="sending",
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=_c.attempts + 1,
        )
        .returning(_c.id, _c.chat_id, _c.payload, _c.attempts, _c.created_at, _c.lane)
    )
    items = [
        OutboxItem(
            id=row.id,
            chat_id=row.chat_id,
            payload=dict(row.payload),
            attempts=row.attempts,
            created_at=row.created_at,
            safety=row.lane == SAFETY,
        )
        for row in result
    ]
    return sorted(items, key=lambda item: (not item.safety, item.id))


async def _due_at_once(
    session: AsyncSession, now: datetime, limit: int, safety_limit: int
) -> list[Any]:
    """SQLite: the due items of both lanes and both statuses in one statement (each part
    walks its index in id order up to its limit), then the lanes' limits: up to
    `safety_limit` safety items; routine ones up to what is left of `limit`, and only when
    the safety lane had room (else more safety items may wait, and none may be passed)."""
    if limit <= 0 and safety_limit <= 0:
        return []
    rooms = {"now": now, "safety_room": max(0, safety_limit), "routine_room": max(0, limit)}
    found = (await session.execute(_DUE_AT_ONCE, rooms)).all()
    safety = sorted((r for r in found if r.lane == SAFETY), key=lambda r: r.id)
    routine = sorted((r for r in found if r.lane != SAFETY), key=lambda r: r.id)
    rows = safety[:safety_limit]
    if len(safety) < safety_limit:
        rows += routine[: max(0, limit - len(rows))]
    return rows


async def _locked_due(session: AsyncSession, now: datetime, lane: str, limit: int) -> list[Any]:
    """PostgreSQL: up to `limit` due items of a lane, in id order, locked (`SKIP LOCKED`).
    A UNION cannot be locked: one statement per status, each walking the index in id order
    up to the limit."""
    if limit <= 0:
        return []
    rows: list[Any] = []
    for status in OPEN:
        due = _LOCKED_DUE[(lane, status)]
        rows += (await session.execute(due, {"now": now, f"{lane}_room": limit})).all()
    return sorted(rows, key=lambda row: row.id)[:limit]


async def _behind_others(session: AsyncSession, rows: Sequence[Any]) -> set[int]:
    """Of the rows about to be claimed, those whose chat has an earlier item (in lane order)
    still open that is not among them: on PostgreSQL, one another claimer holds (`SKIP
    LOCKED` hid it). On SQLite claimers take turns, and each lane is taken in id order up
    to the limit (routine items only when the safety lane had room), so none can be left
    behind."""
    chatted = [row.id for row in rows if row.chat_id is not None]
    if not chatted or session.get_bind().dialect.name != "postgresql":
        return set()  # SQLite: claimers take turns (BEGIN IMMEDIATE), nothing is hidden
    ours = [row.id for row in rows]
    check = select(_c.id).where(
        _c.id.in_(chatted),
        _probe(
            _e.chat_id == _c.chat_id,
            _e.status.in_(OPEN),
            _before(_earlier, _outbox),
            _e.id.not_in(ours),
        ),
    )
    return set((await session.execute(check)).scalars())


def _probe(*conditions: ColumnElement[bool]) -> Exists:
    """EXISTS (an earlier item of the same chat such that ...), as a lookup per row through the
    `(chat_id, status)` index: the OFFSET keeps PostgreSQL from turning it into an anti-join
    that scans the whole outbox once per claim (SQLite looks it up per row anyway)."""
    return select(literal(1)).where(*conditions).limit(1).offset(0).exists()


def _before(one: Any, other: Any) -> ColumnElement[bool]:
    """`one` comes before `other` in their chat's lane order: safety items first, each lane
    by id."""
    return or_(
        and_(one.c.lane == other.c.lane, one.c.id < other.c.id),
        and_(one.c.lane == SAFETY, other.c.lane == ROUTINE),
    )


def _due(lane: str, status: str) -> Select[Any]:
    """The due items of one lane and status (pending ones whose `not_before` has passed, or
    `sending` ones whose lease expired), in id order, without those held back by an earlier item
    of their chat (in lane order) that cannot go now: leased, or pending with `not_before` ahead.

    One status at a time, so that both databases walk an index in id order and stop at the
    limit; the lane is written literally for the safety lane's partial index. Built once (the
    time is the bound parameter `now`): a claim runs every second or so."""
    now = bindparam("now", type_=_c.not_before.type)
    waiting = or_(
        and_(_e.status == "sending", _e.lease_until > now),
        and_(_e.status == "pending", _e.not_before > now),
    )
    if lane == SAFETY:
        mine: ColumnElement[bool] | TextClause = text(SAFETY_LANE)
        earlier = and_(_e.lane == SAFETY, _e.id < _c.id)
    else:
        mine = _c.lane == ROUTINE
        earlier = or_(_e.lane == SAFETY, _e.id < _c.id)
    if status == "pending":
        ready = or_(_c.not_before.is_(None), _c.not_before <= now)
    else:
        ready = or_(_c.lease_until.is_(None), _c.lease_until <= now)
    return (
        select(_c.id, _c.chat_id, _c.lane)
        .where(
            _c.status == status,
            mine,
            ready,
            ~_probe(_e.chat_id == _c.chat_id, _e.status.in_(OPEN), earlier, waiting),
        )
        .order_by(_c.id)
    )


def _in_chat_order(rows: Sequence[Any], behind: set[int]) -> list[int]:
    """The ids of `rows` to claim: per chat, those before its first item in `behind` (once one
    of a chat's items stays, every later one of that chat stays too)."""
    stopped: set[int] = set()
    kept: list[int] = []
    for row in sorted(rows, key=lambda r: (r.lane != SAFETY, r.id)):
        if row.chat_id is not None and (row.chat_id in stopped or row.id in behind):
            stopped.add(row.chat_id)
            continue
        kept.append(row.id)
    return kept


def _room(lane: str) -> BindParameter[int]:
    return bindparam(f"{lane}_room", type_=Integer)


# SQLite: both lanes and both statuses in one statement (each part up to its lane's room)
_DUE_AT_ONCE = union_all(
    *(
        select(_due(lane, status).limit(_room(lane)).subquery())
        for lane in (SAFETY, ROUTINE)
        for status in OPEN
    )
)
# PostgreSQL: a UNION cannot be locked; one statement per lane and status
_LOCKED_DUE = {
    (lane, status): _due(lane, status).limit(_room(lane)).with_for_update(skip_locked=True)
    for lane in (SAFETY, ROUTINE)
    for status in OPEN
}
