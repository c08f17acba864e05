"""Privacy: forgotten people, report retention clock (owned by the privacy work).

`persons.forgotten_at` marks the stand-in row that keeps the other side of a forgotten person's
pairs; `reports.erasure_requested_at` / `reports.erase_reporter` hold an open report that names a
forgotten person until its retention clock runs out.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 09:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("reports") as batch:
        batch.add_column(
            sa.Column("erasure_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("erase_reporter", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("erase_reporter")
        batch.drop_column("erasure_requested_at")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("forgotten_at")
