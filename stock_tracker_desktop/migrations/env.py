"""Alembic environment: always runs on a connection the app hands over (the database is
encrypted, so Alembic never opens it by URL)."""

from __future__ import annotations

from alembic import context

from stock_tracker_desktop.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `stock-tracker db upgrade`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
