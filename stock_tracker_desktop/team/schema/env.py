"""Alembic environment of the shared schema: it runs on the connection ``team.schema_upgrade``
hands over (as the schema's owner role), never from a URL of its own."""

from __future__ import annotations

from alembic import context

from stock_tracker_desktop.team.names import SCHEMA

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the shared schema's migrations through `stock-tracker team init`")

context.configure(connection=connection, target_metadata=None, version_table_schema=SCHEMA)
with context.begin_transaction():
    context.run_migrations()
