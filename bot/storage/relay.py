"""SQL implementation of the core's RelayRepository: which copy belongs to which original.

Only ids are stored, never content. Every relayed message adds a row, so this is the busiest
table after the outbox: lookups read the `(source_chat_id, source_message_id)` and
`(target_chat_id, target_message_id)` indexes, `recent` the `(pair_id, id)` index backwards, and
`purge` deletes by the `created_at` index in one statement. Rows go with their pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.models import RelayLink
from bot.storage.repositories import rowcount
from bot.storage.tables import RelayLinkRow

__all__ = ["SqlRelayRepository"]

_links = cast(Table, RelayLinkRow.__table__)
_c = _links.c
_COLUMNS = (
    "pair_id",
    "sender_id",
    "source_chat_id",
    "source_message_id",
    "target_chat_id",
    "target_message_id",
    "created_at",
)


class SqlRelayRepository:
    """Which copy belongs to which original (ids only, never content)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, links: Sequence[RelayLink]) -> None:
        """Store links in one executemany. Their pairs must be stored (foreign key)."""
        if not links:
            return
        rows = [{name: getattr(link, name) for name in _COLUMNS} for link in links]
        await self._session.execute(_links.insert(), rows)

    async def copies_of(self, source_chat_id: int, source_message_id: int) -> list[RelayLink]:
        """The copies of a message someone sent, in the order they were stored."""
        result = await self._session.execute(
            _select_links()
            .where(_c.source_chat_id == source_chat_id, _c.source_message_id == source_message_id)
            .order_by(_c.id)
        )
        return [_link_from_row(row) for row in result]

    async def original_of(self, target_chat_id: int, target_message_id: int) -> RelayLink | None:
        """The original of a copy someone received (the latest stored, should there be two)."""
        result = await self._session.execute(
            _select_links()
            .where(_c.target_chat_id == target_chat_id, _c.target_message_id == target_message_id)
            .order_by(_c.id.desc())
            .limit(1)
        )
        row = result.one_or_none()
        return None if row is None else _link_from_row(row)

    async def recent(self, pair_id: int, limit: int) -> list[RelayLink]:
        """The pair's latest `limit` relayed messages, the last stored first."""
        if limit <= 0:
            return []
        result = await self._session.execute(
            _select_links().where(_c.pair_id == pair_id).order_by(_c.id.desc()).limit(limit)
        )
        return [_link_from_row(row) for row in result]

    async def purge(self, before: datetime) -> int:
        """Delete the links created before `before`; returns how many."""
        result = await self._session.execute(delete(_links).where(_c.created_at < before))
        return rowcount(result)


def _select_links() -> Select[Any]:
    return select(*(_c[name] for name in _COLUMNS))


def _link_from_row(row: Any) -> RelayLink:
    return RelayLink(**dict(zip(_COLUMNS, row, strict=True)))
