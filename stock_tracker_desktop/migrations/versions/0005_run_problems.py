"""A run's problem as a code and its parameters, so history reads in the reader's language.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # JSON of domain.problems.Problem; "" for runs without one (and those recorded before,
    # which keep their English error_message).
    op.add_column(
        "sync_runs", sa.Column("error_problem", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.drop_column("error_problem")
