"""staff_notes: the program team's notes about a person (`/note`), shown in their case file.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 23:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UtcDateTime = sa.DateTime(timezone=True)
SerialId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_notes",
        sa.Column("id", SerialId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("author_name", sa.String(128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_notes")),
    )
    op.create_index(op.f("ix_staff_notes_person_id"), "staff_notes", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_notes_person_id"), table_name="staff_notes")
    op.drop_table("staff_notes")
