"""Search a whole database for personal values: every table, every column (texts, JSON, ids).

Used by the privacy tests to show that after /forgetme nothing of the person is left."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.tables import Base


@dataclass(frozen=True)
class Found:
    """One place a value was found."""

    table: str
    column: str
    value: str


def _ints(value: Any) -> Iterable[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _ints(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ints(item)


def matches(value: Any, texts: Iterable[str], ids: Iterable[int]) -> bool:
    """True when `value` (a column's value) contains one of `texts` or equals one of `ids`
    (anywhere inside JSON too)."""
    if value is None:
        return False
    ids = set(ids)
    if ids & set(_ints(value)):
        return True
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, str):
        text = value
    else:
        return False
    return any(needle in text for needle in texts)


async def search(engine: AsyncEngine, texts: Iterable[str], ids: Iterable[int]) -> list[Found]:
    """Every (table, column) holding one of `texts` (as a substring) or `ids` (exactly)."""
    texts, ids = list(texts), list(ids)
    found: list[Found] = []
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = await connection.execute(select(table))
            for row in rows.mappings():
                for column, value in row.items():
                    if matches(value, texts, ids):
                        found.append(Found(table.name, column, repr(value)[:200]))
    return found
