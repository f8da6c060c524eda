"""What is done to an installation without a session of it: ``core.AppCore`` is one opened,
migrated installation; these work on the files as they are (front ends reach them through
``core.installation``).

``Installation`` unlocks the vault and opens the database without migrating it, so that
``db status`` can report a pending migration and ``db upgrade`` apply it. ``restore_backup``
never opens the database at all (it may be missing or damaged: that is when a restore is
needed), ``import_recovery`` installs a master key before anything can be opened, and the rest
are checks and readers a command runs before it opens anything, so that bad input changes
nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import MultiFernet
from sqlalchemy.exc import SQLAlchemyError

from stock_tracker_desktop.config import data_dir
from stock_tracker_desktop.security.vault import PassphraseProvider, Vault
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage import migrations
from stock_tracker_desktop.storage.backups import (
    backup_database,
    backups_dir,
    key_opening,
    list_backups,
    newest_good_backup,
    replace_database,
)
from stock_tracker_desktop.storage.database import (
    DatabaseError,
    check_database_file,
    database_path,
    integrity_check,
)
from stock_tracker_desktop.storage.installation_lock import InstallationLock
from stock_tracker_desktop.storage.migrations import SchemaStatus

# The integrity check's answer for a file whose pages fail SQLCipher's check.
DAMAGED = "damaged: a page of the file fails its check"


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    path: Path
    size_bytes: int
    schema: SchemaStatus | None  # None: the file is damaged before its schema could be read
    integrity: str | None  # PRAGMA integrity_check's answer, DAMAGED, or None: not checked
    backups_folder: Path
    backups: list[tuple[Path, str]]  # oldest first, each with which key opens it, in words

    @property
    def healthy(self) -> bool:
        return self.integrity in (None, "ok")


class Installation:
    """The installation with its vault unlocked and its database open but not migrated."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    @classmethod
    def open(cls, passphrase: PassphraseProvider, home: Path | None = None) -> Installation:
        """Unlock and open without migrating; raises the vault's and the database's errors."""
        return cls(AppContext.open(passphrase, home, migrate=False))

    @property
    def home(self) -> Path:
        return self._ctx.home

    def close(self) -> None:
        self._ctx.close()

    def status(self, *, check: bool = False) -> DatabaseStatus:
        """Revision, size and backups; ``check`` runs PRAGMA integrity_check too. A damaged
        file is an answer (``DAMAGED``), never an exception."""
        try:
            schema: SchemaStatus | None = migrations.schema_status(self._ctx.database)
            integrity = self._integrity() if check else None
        except SQLAlchemyError:
            schema, integrity = None, DAMAGED
        keys = self._database_keys()
        return DatabaseStatus(
            path=self._ctx.db_path,
            size_bytes=self._ctx.db_path.stat().st_size,
            schema=schema,
            integrity=integrity,
            backups_folder=backups_dir(self.home),
            backups=[(path, _which_key(path, keys)) for path in list_backups(self.home)],
        )

    def newest_good_backup(self) -> Path | None:
        """The newest backup that opens with this installation's key or one it had before."""
        return newest_good_backup(self.home, self._database_keys())

    def schema_status(self) -> SchemaStatus:
        return migrations.schema_status(self._ctx.database)

    def upgrade(self) -> Path | None:
        """Apply the pending migrations; returns the backup taken first. Raises
        ``MigrationFailed`` (the database stays at its revision)."""
        ctx = self._ctx
        return migrations.upgrade(
            ctx.database, ctx.db_path, ctx.vault.keys.database_key, backups_dir(ctx.home)
        )

    def _integrity(self) -> str:
        try:
            return integrity_check(self._ctx.database)
        except SQLAlchemyError:
            return DAMAGED

    def _database_keys(self) -> list[str]:
        return _database_keys(self._ctx.vault)


def import_recovery(
    path: Path,
    recovery_passphrase: str,
    passphrase: PassphraseProvider,
    home: Path | None = None,
) -> str:
    """Install the master key from a recovery file; returns where it is kept now, in words."""
    vault = Vault.import_recovery(home or data_dir(), path, recovery_passphrase, passphrase)
    return vault.describe_store()


def restore_backup(
    source: Path, passphrase: PassphraseProvider, home: Path | None = None
) -> Path | str:
    """Replace the database by the backup ``source``, holding the installation alone.

    The database is never opened: it may be missing or damaged. ``source`` is checked before
    anything changes; one from before a key rotation is re-keyed and its secrets re-encrypted.
    Returns where the database as it was is kept (a backup, the damaged file moved aside, or
    words saying there was none). Raises ``InstallationBusy`` naming who else has it open.
    """
    home = home or data_dir()
    lock = InstallationLock.acquire(home)
    try:
        vault = Vault.open(home, passphrase)
        with lock.exclusive("restore"):
            return _restore(home, vault, source)
    finally:
        lock.release()


def _restore(home: Path, vault: Vault, source: Path) -> Path | str:
    """Check ``source``, keep the current database aside, put ``source`` in its place."""
    keys = [vault.keys, *vault.previous_keys()]
    source_key = key_opening(source, [k.database_key for k in keys])
    old = next(k for k in keys if k.database_key == source_key)
    db_path = database_path(home)
    kept = _keep_current(home, vault, db_path)
    rotating = MultiFernet([vault.keys.fernet, old.fernet])
    replace_database(db_path, vault.keys.database_key, source, source_key, rotating.rotate)
    return kept


def _keep_current(home: Path, vault: Vault, db_path: Path) -> Path | str:
    """A backup of the current database; a damaged one is moved aside as it is (never listed
    as a backup, never lost)."""
    key = vault.keys.database_key
    if not db_path.exists() or db_path.stat().st_size == 0:
        return "nowhere: there was none"
    try:
        check_database_file(db_path, key, integrity=False)
        return backup_database(db_path, key, backups_dir(home), "before-restore", auto=True)
    except DatabaseError:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = backups_dir(home) / f"stock-tracker-{stamp}.damaged"
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.replace(db_path, aside)
        return aside


def _database_keys(vault: Vault) -> list[str]:
    """The current database key first, then those from before each rotation (newest first)."""
    return [vault.keys.database_key, *(old.database_key for old in vault.previous_keys())]


def _which_key(path: Path, keys: list[str]) -> str:
    try:
        key = key_opening(path, keys)
    except DatabaseError as exc:
        return f"unusable: {exc}"
    return "current key" if key == keys[0] else "key from before a rotation"
