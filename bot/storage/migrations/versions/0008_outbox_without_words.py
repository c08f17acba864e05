"""Delivery records keep no words: strip the payloads of outbox items already finished.

From this revision on the outbox removes an item's words in the statement that marks it sent,
failed or dropped (`bot.core.privacy.without_words`). This data migration does the same, once,
for the items finished before it, in batches by id, so an upgraded installation does not keep
the words of the last `RELAY_RETENTION_DAYS` until the retention round deletes them. The rule is
copied here as it is today (a migration must not change when the code does). No schema change;
the downgrade cannot bring words back and does nothing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 16:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
FINISHED = ("sent", "failed", "dropped")
KEPT = frozenset(
    {
        "type",
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_ids",
        "reply_to_message_id",
        "relay",
        "tag",
        "callback_id",
        "alert",
        "buttons",
    }
)
RELAY_IDS = ("pair_id", "sender_id", "source_chat_id", "source_message_ids", "album")

outbox = sa.table(
    "outbox",
    sa.column("id", sa.BigInteger()),
    sa.column("status", sa.String()),
    sa.column("payload", sa.JSON().with_variant(JSONB(), "postgresql")),
)


def _without_words(payload: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in payload.items():
        if key not in KEPT:
            continue
        if key == "buttons":
            value = [
                [
                    {"data": b["data"]}
                    for b in row
                    if isinstance(b, dict) and isinstance(b.get("data"), str)
                ]
                for row in (value if isinstance(value, list) else [])
                if isinstance(row, list)
            ]
        elif key == "relay" and isinstance(value, Mapping):
            value = {k: value[k] for k in RELAY_IDS if k in value}
        elif isinstance(value, str) and key not in ("type", "tag", "callback_id"):
            continue
        kept[key] = value
    return kept


def upgrade() -> None:
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(outbox.c.id, outbox.c.payload)
            .where(outbox.c.id > last, outbox.c.status.in_(FINISHED))
            .order_by(outbox.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        changed = [
            {"item_id": row.id, "scrubbed": _without_words(row.payload)}
            for row in rows
            if isinstance(row.payload, dict) and _without_words(row.payload) != row.payload
        ]
        if changed:
            connection.execute(
                outbox.update()
                .where(outbox.c.id == sa.bindparam("item_id"))
                .values(payload=sa.bindparam("scrubbed", type_=outbox.c.payload.type)),
                changed,
            )


def downgrade() -> None:
    pass
