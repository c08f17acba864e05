"""outbox.lane (safety or routine) and the indexes of the per-chat claim order.

A chat's items are claimed in lane order, never while an earlier one is leased or waiting: the
claim looks up a chat's open items (`chat_id`, `status`), and the few safety items through a
partial index. The plain `chat_id` index is covered by the new one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAFETY_LANE = "lane = 'safety'"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("lane", sa.String(length=8), server_default="routine", nullable=False)
        )
        batch.create_check_constraint("lane", "lane IN ('safety', 'routine')")
        batch.drop_index("ix_outbox_chat_id")
        batch.create_index("ix_outbox_chat_id_status", ["chat_id", "status"])
    op.create_index(
        "ix_outbox_safety_status_id",
        "outbox",
        ["status", "id"],
        sqlite_where=sa.text(SAFETY_LANE),
        postgresql_where=sa.text(SAFETY_LANE),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_safety_status_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_chat_id_status")
        batch.create_index("ix_outbox_chat_id", ["chat_id"])
        batch.drop_constraint("lane", type_="check")
        batch.drop_column("lane")
