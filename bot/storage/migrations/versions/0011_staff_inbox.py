"""The staff inbox: cases (a person's conversation with the program team), case_messages (the
person-side ids of team messages, so that a reply goes to its case) and staff_groups (a
program's supergroup with topics).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 23:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UtcDateTime = sa.DateTime(timezone=True)
SerialId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", SerialId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("program", sa.String(64), nullable=True),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        sa.Column("closed_at", UtcDateTime, nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("staff_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('crisis', 'report', 'team', 'approval')", name=op.f("ck_cases_kind")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_cases_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index(
        op.f("ix_cases_person_id_kind_status"), "cases", ["person_id", "kind", "status"]
    )
    op.create_index(
        op.f("ix_cases_staff_chat_id_thread_id"), "cases", ["staff_chat_id", "thread_id"]
    )
    op.create_table(
        "case_messages",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name=op.f("pk_case_messages")),
    )
    op.create_index(op.f("ix_case_messages_case_id"), "case_messages", ["case_id"])
    op.create_table(
        "staff_groups",
        sa.Column("program", sa.String(64), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.BigInteger(), nullable=False),
        sa.Column("set_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("program", name=op.f("pk_staff_groups")),
    )
    op.create_index(op.f("ix_staff_groups_chat_id"), "staff_groups", ["chat_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_groups_chat_id"), table_name="staff_groups")
    op.drop_table("staff_groups")
    op.drop_index(op.f("ix_case_messages_case_id"), table_name="case_messages")
    op.drop_table("case_messages")
    op.drop_index(op.f("ix_cases_staff_chat_id_thread_id"), table_name="cases")
    op.drop_index(op.f("ix_cases_person_id_kind_status"), table_name="cases")
    op.drop_table("cases")
