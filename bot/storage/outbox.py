"""SQL implementation of the core's Outbox port.

An item is `pending` until a sender claims it: `claim_due` marks it `sending` with a lease and
counts the attempt. If the sender dies before `mark_sent_many`, the lease expires and the item is
claimable again, so a crash re-sends at most the messages that were in flight. On PostgreSQL
claimers skip rows another transaction has locked (`FOR UPDATE SKIP LOCKED`), so several
replicas never take the same item; on SQLite the whole transaction holds the write lock
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

Outcomes are recorded only on an item still `sending`, and a retry or a failure (given the
claim's `attempt`) only on that same claim: a sender whose lease ran out and whose item another
sender has since claimed, or which was dropped meanwhile, must not put it back to `pending` (it
would be sent twice) nor overwrite `dropped`. Such a late outcome is logged ("claim lost", ids
only) and changes nothing.

Words do not outlive delivery: the statement that marks an item sent, failed or dropped also
replaces its payload by `without_words(payload)` (ids, type and button data only), so texts,
captions, labels and documents are gone the moment the item is finished; ids, status and times
stay for the retention period.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import orjson
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
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import UserDefinedType

from bot.core import effects as fx
from bot.core.effects import Effect
from bot.core.models import OutboxItem
from bot.core.privacy import without_words
from bot.storage.repositories import rowcount
from bot.storage.tables import SAFETY_LANE, OutboxRow

__all__ = ["SqlOutbox"]

log = logging.getLogger(__name__)

_outbox = cast(Table, OutboxRow.__table__)
_c = _outbox.c
_earlier = _outbox.alias("earlier")
_e = _earlier.c
_OPEN = ("pending", "sending")
SAFETY, ROUTINE = "safety", "routine"
PENDING_SCAN = 20  # how far back `pending_for_chat` looks


class _AsIs(UserDefinedType[Any]):
    """A parameter bound exactly as given: for values prepared before the insert (payloads
    serialised as JSON text, which the JSON/JSONB column and asyncpg's jsonb codec take as
    is; a timestamp already run through its column's bind processor once per batch), so that
    a large batch does not process the same kind of value again for every row."""

    cache_ok = True


# status, attempts and not_before take the columns' defaults ("pending", 0, NULL)
_INSERT = insert(_outbox).values(
    payload=bindparam("payload", type_=_AsIs()), created_at=bindparam("created", type_=_AsIs())
)
_INSERT_HELD = _INSERT.values(not_before=bindparam("held_until"), lane=bindparam("lane"))
# an outcome that finishes an item also strips its payload of words (`without_words`)
_MARK_SENT = (
    update(_outbox)
    .where(_c.id == bindparam("item_id"), _c.status == "sending")
    .values(
        status="sent",
        message_id=bindparam("sent_message_id"),
        sent_at=bindparam("at"),
        finished_at=bindparam("at"),
        lease_until=None,
        payload=bindparam("scrubbed", type_=_AsIs()),
    )
)
_SCRUB = (
    update(_outbox)
    .where(_c.id == bindparam("item_id"))
    .values(payload=bindparam("scrubbed", type_=_AsIs()))
)
_BULK = f"INSERT INTO {_outbox.name} (chat_id, payload, created_at) VALUES "
# by dialect: its driver's parameter style
_BULK_INSERT = {"sqlite": _BULK + "(?, ?, ?)", "postgresql": _BULK + "($1, $2, $3)"}


class SqlOutbox:
    """Effects stored with the state change that produced them, applied later by the sender."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, effects: Sequence[Effect], at: datetime, not_before: datetime | None = None
    ) -> None:
        """Append effects in order (ids grow in the order given), in one executemany; with
        `not_before` no sender claims them before then."""
        items = [(fx.chat_of(e), orjson.dumps(fx.to_json(e)).decode()) for e in effects]
        safety = [fx.is_safety(e) for e in effects]
        await self._insert(items, at, not_before, safety if any(safety) else None)

    async def add_serialised(self, items: Sequence[tuple[int | None, str]], at: datetime) -> None:
        """Append effects already serialised, (chat id, `to_json` of the effect as JSON text),
        in order, in one executemany."""
        await self._insert(items, at, None)

    async def _insert(
        self,
        items: Sequence[tuple[int | None, str]],
        at: datetime,
        not_before: datetime | None,
        safety: Sequence[bool] | None = None,
    ) -> None:
        """`safety`: which items go in the safety lane (None: none of them)."""
        if not items:
            return
        dialect = self._session.get_bind().dialect
        process = _c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
        created = process(at) if process else at
        if not_before is None and safety is None:
            # The bulk path (a curriculum round queues thousands): every value is prepared, so
            # the rows go to the driver as they are, without per-row parameter processing.
            connection = await self._session.connection()
            rows = [(c, p, created) for c, p in items]
            await connection.exec_driver_sql(_BULK_INSERT[dialect.name], rows)
            return
        lanes = [SAFETY if safe else ROUTINE for safe in safety or [False] * len(items)]
        held = [
            {"chat_id": c, "payload": p, "created": created, "held_until": not_before, "lane": a}
            for (c, p), a in zip(items, lanes, strict=True)
        ]
        await self._session.execute(_INSERT_HELD, held)

    async def pending_for_chat(self, chat_id: int) -> list[OutboxItem]:
        """The chat's latest unclaimed items (at most `PENDING_SCAN`), in id order."""
        result = await self._session.execute(
            select(_c.id, _c.chat_id, _c.payload, _c.attempts, _c.created_at)
            .where(_c.chat_id == chat_id, _c.status == "pending")
            .order_by(_c.id.desc())
            .limit(PENDING_SCAN)
        )
        items = [
            OutboxItem(
                id=row.id,
                chat_id=row.chat_id,
                payload=dict(row.payload),
                attempts=row.attempts,
                created_at=row.created_at,
            )
            for row in result
        ]
        return items[::-1]

    async def replace_pending(self, item_id: int, effect: Effect) -> bool:
        """Rewrite an unclaimed item in place (a claimed one is left alone: False)."""
        result = await self._session.execute(
            update(_outbox)
            .where(_c.id == item_id, _c.status == "pending")
            .values(payload=fx.to_json(effect), chat_id=fx.chat_of(effect))
        )
        return rowcount(result) == 1

    async def claim_due(
        self, now: datetime, limit: int, lease_seconds: float, *, safety_limit: int | None = None
    ) -> list[OutboxItem]:
        """Lease due items, each chat's in lane order: first up to `safety_limit` (default:
        `limit`) safety items, then routine ones up to what is left of `limit`; due means
        pending with `not_before` passed, or `sending` with its lease expired. An item whose
        chat has an earlier item (in lane order) still open and not in this claim stays where
        it is. Each claim counts as an attempt. Returned in lane order, then id order."""
        safety_limit = limit if safety_limit is None else safety_limit
        if self._session.get_bind().dialect.name == "postgresql":
            rows = await self._locked_due(now, SAFETY, safety_limit)
            if len(rows) < safety_limit:  # else more may wait: no routine item goes before them
                rows += await self._locked_due(now, ROUTINE, limit - len(rows))
        else:
            rows = await self._due_at_once(now, limit, safety_limit)
        ids = _in_chat_order(rows, await self._behind_others(rows))
        if not ids:
            return []
        result = await self._session.execute(
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

    async def _due_at_once(self, now: datetime, limit: int, safety_limit: int) -> list[Any]:
        """SQLite: the due items of both lanes and both statuses in one statement (each part
        walks its index in id order up to its limit), then the lanes' limits: up to
        `safety_limit` safety items; routine ones up to what is left of `limit`, and only when
        the safety lane had room (else more safety items may wait, and none may be passed)."""
        if limit <= 0 and safety_limit <= 0:
            return []
        rooms = {"now": now, "safety_room": max(0, safety_limit), "routine_room": max(0, limit)}
        found = (await self._session.execute(_DUE_AT_ONCE, rooms)).all()
        safety = sorted((r for r in found if r.lane == SAFETY), key=lambda r: r.id)
        routine = sorted((r for r in found if r.lane != SAFETY), key=lambda r: r.id)
        rows = safety[:safety_limit]
        if len(safety) < safety_limit:
            rows += routine[: max(0, limit - len(rows))]
        return rows

    async def _locked_due(self, now: datetime, lane: str, limit: int) -> list[Any]:
        """PostgreSQL: up to `limit` due items of a lane, in id order, locked (`SKIP LOCKED`).
        A UNION cannot be locked: one statement per status, each walking the index in id order
        up to the limit."""
        if limit <= 0:
            return []
        rows: list[Any] = []
        for status in _OPEN:
            due = _LOCKED_DUE[(lane, status)]
            rows += (await self._session.execute(due, {"now": now, f"{lane}_room": limit})).all()
        return sorted(rows, key=lambda row: row.id)[:limit]

    async def _behind_others(self, rows: Sequence[Any]) -> set[int]:
        """Of the rows about to be claimed, those whose chat has an earlier item (in lane order)
        still open that is not among them: on PostgreSQL, one another claimer holds (`SKIP
        LOCKED` hid it). On SQLite claimers take turns, and each lane is taken in id order up
        to the limit (routine items only when the safety lane had room), so none can be left
        behind."""
        chatted = [row.id for row in rows if row.chat_id is not None]
        if not chatted or self._session.get_bind().dialect.name != "postgresql":
            return set()  # SQLite: claimers take turns (BEGIN IMMEDIATE), nothing is hidden
        ours = [row.id for row in rows]
        check = select(_c.id).where(
            _c.id.in_(chatted),
            _probe(
                _e.chat_id == _c.chat_id,
                _e.status.in_(_OPEN),
                _before(_earlier, _outbox),
                _e.id.not_in(ours),
            ),
        )
        return set((await self._session.execute(check)).scalars())

    async def mark_sent_many(self, sent: Sequence[tuple[int, int | None, datetime]]) -> None:
        """Record many successes (item id, message id, when) in one executemany UPDATE, each
        payload stripped of its words (`without_words`)."""
        if not sent:
            return
        scrubbed = await self._without_words([i for i, _, _ in sent])
        result = await self._session.execute(
            _MARK_SENT,
            [
                {"item_id": i, "sent_message_id": m, "at": at, "scrubbed": scrubbed.get(i, "{}")}
                for i, m, at in sent
            ],
        )
        matched = rowcount(result)
        if 0 <= matched < len(sent):
            log.warning(
                "outbox: claim lost on %d of %d items sent (first id %s)",
                len(sent) - matched,
                len(sent),
                sent[0][0],
            )

    async def retry_later(
        self, item_id: int, not_before: datetime, error: str, *, attempt: int | None = None
    ) -> None:
        await self._set(
            item_id,
            attempt,
            "retry",
            status="pending",
            not_before=not_before,
            error=error,
            lease_until=None,
        )

    async def mark_failed(
        self, item_id: int, error: str, at: datetime, *, attempt: int | None = None
    ) -> None:
        """Fail an item for good; its payload loses its words (`without_words`)."""
        scrubbed = await self._without_words([item_id])
        await self._set(
            item_id,
            attempt,
            "failure",
            status="failed",
            error=error,
            finished_at=at,
            lease_until=None,
            payload=bindparam("scrubbed", scrubbed.get(item_id, "{}"), type_=_AsIs()),
        )

    async def drop_pending_for_chat(self, chat_id: int, reason: str, at: datetime) -> int:
        """Drop every unsent item for `chat_id` (e.g. the person blocked the bot); their
        payloads lose their words (`without_words`)."""
        result = await self._session.execute(
            update(_outbox)
            .where(_c.chat_id == chat_id, _c.status.in_(_OPEN))
            .values(status="dropped", error=reason, finished_at=at, lease_until=None)
            .returning(_c.id, _c.payload)
        )
        dropped = [
            {"item_id": row.id, "scrubbed": orjson.dumps(without_words(row.payload)).decode()}
            for row in result
        ]
        if dropped:
            await self._session.execute(_SCRUB, dropped)
        return len(dropped)

    async def _without_words(self, ids: Sequence[int]) -> dict[int, str]:
        """The payloads of `ids` without their words, as JSON text, by item id."""
        result = await self._session.execute(
            select(_c.id, _c.payload).where(_c.id.in_(sorted(set(ids))))
        )
        return {row.id: orjson.dumps(without_words(row.payload)).decode() for row in result}

    async def pending_count(self) -> int:
        """Items not yet sent, failed or dropped (including those being sent)."""
        result = await self._session.execute(
            select(func.count()).select_from(_outbox).where(_c.status.in_(_OPEN))
        )
        return int(result.scalar_one())

    async def _set(self, item_id: int, attempt: int | None, what: str, **values: Any) -> None:
        """Record an outcome on the item if it is still claimed (by the claim that counted
        `attempt`, when given)."""
        claimed = [_c.id == item_id, _c.status == "sending"]
        if attempt is not None:
            claimed.append(_c.attempts == attempt)
        result = await self._session.execute(update(_outbox).where(*claimed).values(**values))
        if rowcount(result) != 1:
            log.warning("outbox item %s: claim lost, %s not recorded", item_id, what)


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
            ~_probe(_e.chat_id == _c.chat_id, _e.status.in_(_OPEN), earlier, waiting),
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
        for status in _OPEN
    )
)
# PostgreSQL: a UNION cannot be locked; one statement per lane and status
_LOCKED_DUE = {
    (lane, status): _due(lane, status).limit(_room(lane)).with_for_update(skip_locked=True)
    for lane in (SAFETY, ROUTINE)
    for status in _OPEN
}
