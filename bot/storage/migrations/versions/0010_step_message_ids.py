"""scheduled_steps.message_id: the delivered message of each step, so that a reply to a step
decides its pair (looked up through the `(person_id, message_id)` index).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 17:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scheduled_steps") as batch:
        batch.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
    op.create_index(
        "ix_scheduled_steps_person_id_message_id", "scheduled_steps", ["person_id", "message_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_scheduled_steps_person_id_message_id", table_name="scheduled_steps")
    with op.batch_alter_table("scheduled_steps") as batch:
        batch.drop_column("message_id")
