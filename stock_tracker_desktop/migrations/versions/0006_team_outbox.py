"""Team mode's local side: the team link and the transactional outbox (docs/team.md).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_link",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=300), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=200), nullable=False),
        sa.Column("login", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("desktop_id", sa.Uuid(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=True),
        sa.Column("pull_cursor", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("joined_at", sa.String(length=32), nullable=False),
        sa.Column("last_push_at", sa.String(length=32), nullable=True),
        sa.Column("last_pull_at", sa.String(length=32), nullable=True),
        sa.Column("server_away_since", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.CheckConstraint("id = 1", name=op.f("ck_team_link_single_row")),
        sa.CheckConstraint(
            "role IN ('viewer', 'user', 'admin', 'owner')", name=op.f("ck_team_link_known_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_link")),
    )
    # A solo desktop, and every desktop before this revision, is in no team: the outbox starts
    # empty and stays so until the desktop joins one.
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("failed_at", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("outbox") as batch:
        batch.create_index("ix_outbox_failed_seq", ["failed_at", "seq"], unique=False)
        batch.create_index(
            "ix_outbox_run", ["entity_id"], unique=True, sqlite_where=sa.text("kind = 'run'")
        )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("team_link")
