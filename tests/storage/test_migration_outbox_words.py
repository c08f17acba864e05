"""Migration 0008 (SQLite and PostgreSQL): delivery records finished before the upgrade lose
their words too; items still to be sent keep them. Its frozen copy of the rule agrees with
`bot.core.privacy.without_words` today."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import cast

from sqlalchemy import Table, insert, select

from bot.core import effects as fx
from bot.core.effects import Button, CopyMessage, RelayTag, SendDocument, SendText
from bot.core.privacy import without_words
from bot.storage import migrate
from bot.storage.db import create_engine
from bot.storage.tables import OutboxRow

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
WORD = "Quillfeather"
MIGRATION = (
    Path(__file__).resolve().parents[2]
    / "bot/storage/migrations/versions/0008_outbox_without_words.py"
)


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("outbox_without_words", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def samples() -> list[fx.Effect]:
    tag = RelayTag(pair_id=1, sender_id=2, source_chat_id=2, source_message_ids=(3,))
    return [
        SendText(
            chat_id=5, text=f"<b>Ana</b>: {WORD}", relay=tag, buttons=((Button(WORD, "x"),),)
        ),
        CopyMessage(chat_id=5, from_chat_id=2, message_id=3, caption=WORD),
        SendDocument(chat_id=5, filename=f"{WORD}.json", content=WORD.encode()),
    ]


def test_the_migrations_rule_is_todays() -> None:
    frozen = migration()._without_words
    for effect in samples():
        payload = fx.to_json(effect)
        assert frozen(payload) == without_words(payload)


async def test_finished_items_lose_their_words_on_upgrade(db_url: str) -> None:
    await migrate.upgrade(db_url, "0007")
    table = cast(Table, OutboxRow.__table__)
    statuses = ["sent", "failed", "dropped", "pending", "sending"]
    engine = create_engine(db_url)
    try:
        async with engine.begin() as connection:
            for status, effect in zip(statuses, [*samples(), *samples()], strict=False):
                await connection.execute(
                    insert(table).values(
                        chat_id=5, payload=fx.to_json(effect), status=status, created_at=T0
                    )
                )
        await migrate.upgrade(db_url)
        async with engine.connect() as connection:
            rows = (await connection.execute(select(table).order_by(table.c.id))).mappings().all()
    finally:
        await engine.dispose()
    words = {row["status"]: WORD in json.dumps(row["payload"]) for row in rows}
    assert words == {
        "sent": False,
        "failed": False,
        "dropped": False,
        "pending": True,
        "sending": True,
    }
    assert rows[0]["payload"]["relay"]["pair_id"] == 1 and rows[0]["payload"]["type"] == "SendText"
