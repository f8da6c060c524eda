"""Snapshots written while their sync runs: a snapshot counts once complete.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every snapshot written before this revision was written whole: complete. (SQLite adds
    # a column with a constant default in place, without copying the table.)
    op.add_column(
        "snapshots", sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade() -> None:
    op.execute("DELETE FROM snapshots WHERE complete = 0")
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("complete")
