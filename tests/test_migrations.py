"""Migrations: applied at start-up after a backup; a failed one leaves the database as it was."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from stock_tracker_desktop import package_data
from stock_tracker_desktop.security.vault import Vault
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage import migrations
from stock_tracker_desktop.storage.backups import backups_dir
from stock_tracker_desktop.storage.database import database_path, open_database
from stock_tracker_desktop.storage.models import Base
from tests.support.file_keyring import ENV as TEST_KEYRING_ENV

# A revision that changes the schema, then fails: all of it must be rolled back.
BROKEN_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tenants", sa.Column("extra", sa.Integer(), nullable=True))
    op.execute("INSERT INTO no_such_table VALUES (1)")


def downgrade():
    pass
"""


def _first_revision_database(home: Path) -> tuple[Vault, Path]:
    """A database as the first revision made it, holding one tenant."""
    vault = Vault.open(home, lambda: None)
    path = database_path(home)
    engine = open_database(path, vault.keys.database_key)
    migrations.upgrade(engine, path, vault.keys.database_key, backups_dir(home), target="0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tenants (id, name, name_key, marketplace, credentials, account_id,"
                " seller_name, service_account_email, sandbox, notes, tags, enabled, overrides,"
                " created_at, updated_at) VALUES (:id, 'Old', 'old', 'ozon', :c, '1', '', '',"
                " 0, '', '', 1, '{}', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
            ),
            {"id": uuid.uuid4().hex, "c": vault.encrypt({"api_key": "k"})},
        )
    engine.dispose()
    return vault, path


def _broken_scripts(tmp_path: Path) -> Path:
    """A copy of the app's migrations with a broken revision on top of the head."""
    scripts = tmp_path / "scripts"
    shutil.copytree(package_data.migrations_dir(), scripts)
    head = ScriptDirectory.from_config(migrations.alembic_config()).get_current_head()
    (scripts / "versions" / "9999_broken.py").write_text(BROKEN_MIGRATION.replace("HEAD", head))
    return scripts


def test_start_up_upgrades_a_first_revision_database(isolated_home: Path) -> None:
    _first_revision_database(isolated_home)
    ctx = AppContext.open(lambda: None, isolated_home)
    try:
        status = migrations.schema_status(ctx.database)
        assert status.up_to_date
        assert status.current == status.head != "0001"
        with ctx.database.connect() as conn:
            assert conn.execute(text("SELECT name FROM tenants")).scalar() == "Old"
            assert conn.execute(text("SELECT count(*) FROM snapshots")).scalar() == 0
        assert ctx.upgrade_backup is not None
        assert ctx.upgrade_backup.exists()
        assert ctx.upgrade_backup.parent == backups_dir(isolated_home)
    finally:
        ctx.close()


def test_migrations_build_exactly_the_models_schema(ctx: AppContext) -> None:
    with ctx.database.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_failed_migration_leaves_the_previous_database(
    isolated_home: Path, tmp_path: Path
) -> None:
    vault, path = _first_revision_database(isolated_home)
    scripts = _broken_scripts(tmp_path)
    engine = open_database(path, vault.keys.database_key)
    with pytest.raises(migrations.MigrationFailed, match=r"restore .*auto-stock-tracker-") as info:
        migrations.upgrade(
            engine,
            path,
            vault.keys.database_key,
            backups_dir(isolated_home),
            script_location=scripts,
        )
    assert "left at revision 0001" in str(info.value)
    with engine.connect() as conn:
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(tenants)"))]
        assert "extra" not in columns
        assert conn.execute(text("SELECT name FROM tenants")).scalar() == "Old"
    assert migrations.schema_status(engine).current == "0001"
    engine.dispose()


def test_a_failed_first_start_leaves_no_data_directory(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vault and the database a first start made go again when its migrations fail."""
    scripts = _broken_scripts(tmp_path)
    # The fault: the install's scripts include a broken revision.
    monkeypatch.setattr(migrations, "migrations_dir", lambda: scripts)
    keyring_file = Path(os.environ[TEST_KEYRING_ENV])

    with pytest.raises(migrations.MigrationFailed):
        AppContext.open(lambda: None, isolated_home)

    assert not isolated_home.exists()
    assert "master:" not in (keyring_file.read_text() if keyring_file.exists() else "")


def test_a_failed_start_of_an_existing_installation_keeps_it(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, path = _first_revision_database(isolated_home)
    scripts = _broken_scripts(tmp_path)
    monkeypatch.setattr(migrations, "migrations_dir", lambda: scripts)

    with pytest.raises(migrations.MigrationFailed):
        AppContext.open(lambda: None, isolated_home)

    assert Vault.exists(isolated_home) and path.exists()
    assert Vault.open(isolated_home, lambda: None).keys.check == vault.keys.check
