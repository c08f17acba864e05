"""SQL implementation of the core's Outbox port: adding items and recording their outcomes.

Effects are stored with the state change that produced them and applied later by the sender.
How a sender claims due items, in per-chat lane order and across crashes and replicas, is
`bot.storage.outbox_claim`; `SqlOutbox.claim_due` delegates to it.

Outcomes are recorded only on an item still `sending`, and a retry or a failure (given the
claim's `attempt`) only on that same claim: a sender whose lease ran out and whose item another
sender has since claimed, or which was dropped meanwhile, must not put it back to `pending` (it
would be sent twice) nor overwrite `dropped`. Such a late outcome is logged ("claim lost", ids
only) and changes nothing.

Words do not outlive delivery: the statement that marks an item sent, failed or dropped also
replaces its payload by `without_words(payload)` (ids, type and button data only), so texts,
captions, labels and documents are gone the moment the item is finished; ids, status and times
stay for the retention period. `without_words` is a rule of the core written in Python, and the
port passes only ids, so marking items sent or failed first reads their payloads back
(`_without_words`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import (
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import UserDefinedType

from bot.core import effects as fx
from bot.core.effects import Effect
from bot.core.models import OutboxItem
from bot.core.privacy import without_words
from bot.storage.outbox_claim import OPEN, ROUTINE, SAFETY, claim_due
from bot.storage.repositories import rowcount
from bot.storage.tables import OutboxRow

__all__ = ["SqlOutbox"]

log = logging.getLogger(__name__)

_outbox = cast(Table, OutboxRow.__table__)
_c = _outbox.c
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
        """Lease due items, each chat's in lane order (see `bot.storage.outbox_claim`)."""
        return await claim_due(self._session, now, limit, lease_seconds, safety_limit=safety_limit)

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
            .where(_c.chat_id == chat_id, _c.status.in_(OPEN))
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
            select(func.count()).select_from(_outbox).where(_c.status.in_(OPEN))
        )
        return int(result.scalar_one())

    async def tag_of(self, chat_id: int, message_id: int) -> str | None:
        """The tag of the effect sent as message `message_id` of `chat_id`, if any."""
        result = await self._session.execute(
            select(_c.payload)
            .where(_c.chat_id == chat_id, _c.status == "sent", _c.message_id == message_id)
            .limit(1)
        )
        payload = result.scalar_one_or_none()
        tag = payload.get("tag") if isinstance(payload, dict) else None
        return tag if isinstance(tag, str) else None

    async def _set(self, item_id: int, attempt: int | None, what: str, **values: Any) -> None:
        """Record an outcome on the item if it is still claimed (by the claim that counted
        `attempt`, when given)."""
        claimed = [_c.id == item_id, _c.status == "sending"]
        if attempt is not None:
            claimed.append(_c.attempts == attempt)
        result = await self._session.execute(update(_outbox).where(*claimed).values(**values))
        if rowcount(result) != 1:
            log.warning("outbox item %s: claim lost, %s not recorded", item_id, what)
