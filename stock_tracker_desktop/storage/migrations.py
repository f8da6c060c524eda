"""Applying the Alembic migrations (the package's ``migrations/``) at start-up, after a backup.

SQLite runs DDL inside the transaction (see database._on_begin), so a migration that fails rolls
back completely and the previous database stays as it was; the backup is a second safety net
whose path the error names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from stock_tracker_desktop.package_data import migrations_dir
from stock_tracker_desktop.storage.backups import backup_database


class MigrationFailed(Exception):
    """A migration failed; the database was left at its previous revision."""


def alembic_config(script_location: Path | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location or migrations_dir()))
    return config


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: str | None
    head: str | None
    pending: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def schema_status(engine: Engine, script_location: Path | None = None) -> SchemaStatus:
    script = ScriptDirectory.from_config(alembic_config(script_location))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    head = script.get_current_head()
    pending = tuple(rev.revision for rev in reversed(list(script.iterate_revisions(head, current))))
    return SchemaStatus(current=current, head=head, pending=pending)


def upgrade(
    engine: Engine,
    db_path: Path,
    key: str,
    backups: Path,
    *,
    target: str = "head",
    script_location: Path | None = None,
) -> Path | None:
    """Bring the schema to ``target``; returns the backup taken first (None if nothing to do)."""
    status = schema_status(engine, script_location)
    if status.up_to_date and target == "head":
        return None
    backup = None
    if status.current is not None:  # a brand-new file has nothing worth a backup
        backup = backup_database(db_path, key, backups, f"before-{status.head}", auto=True)
    config = alembic_config(script_location)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
    except Exception as exc:
        where = f"; if anything looks wrong, restore {backup}" if backup else ""
        raise MigrationFailed(
            f"upgrading the database failed ({type(exc).__name__}: {exc}); it was left at "
            f"revision {status.current or 'empty'}{where}"
        ) from exc
    return backup
