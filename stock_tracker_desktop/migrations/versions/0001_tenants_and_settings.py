"""Tenants and settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings")),
        sa.UniqueConstraint("key", name=op.f("uq_settings_key")),
    )
    op.create_table(
        "tenants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("marketplace", sa.String(length=20), nullable=False),
        sa.Column("credentials", sa.LargeBinary(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("token_expires_at", sa.String(length=32), nullable=True),
        sa.Column("seller_name", sa.String(length=300), nullable=False),
        sa.Column("service_account_email", sa.String(length=300), nullable=False),
        sa.Column("sandbox", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sa.String(length=32), nullable=True),
        sa.Column("overrides", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name_key", name=op.f("uq_tenants_name_key")),
    )


def downgrade() -> None:
    op.drop_table("tenants")
    op.drop_table("settings")
