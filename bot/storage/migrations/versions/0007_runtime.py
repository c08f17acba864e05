"""Production runtime (webhooks, several replicas): no schema change.

Everything the replicas coordinate with already exists or lives outside tables: the worker is
elected with a session advisory lock, woken with LISTEN/NOTIFY, and the outbox's leases
(`lease_until`) let a new worker take over a dead one's messages. The revision stays so the
chain is stable.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 09:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
