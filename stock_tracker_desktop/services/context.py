"""Opening an installation: the vault, then the database under its key, then migrations.

The CLI, the daemon and the window all start through ``AppContext.open`` so they share one
order of operations and one set of error messages.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from stock_tracker_desktop.config import data_dir
from stock_tracker_desktop.package_data import migrations_dir
from stock_tracker_desktop.security.files import ensure_private_dir
from stock_tracker_desktop.security.vault import PassphraseProvider, Vault, VaultError
from stock_tracker_desktop.storage import migrations
from stock_tracker_desktop.storage.backups import backups_dir, newest_good_backup
from stock_tracker_desktop.storage.database import (
    CIPHER_PAGE_SIZE,
    DatabaseError,
    WrongDatabaseKey,
    database_files,
    database_path,
    is_read_only,
    open_database,
)
from stock_tracker_desktop.storage.installation_lock import InstallationLock, remove_lock_files
from stock_tracker_desktop.storage.rekey import discard_staging
from stock_tracker_desktop.storage.snapshot_writer import remove_abandoned_snapshots
from stock_tracker_desktop.storage.sync_runs import SyncRunRepository
from stock_tracker_desktop.storage.unwritable import describe_unwritable, unwritable_reason

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    home: Path
    vault: Vault
    database: Engine
    sessions: sessionmaker[Session]
    passphrase: PassphraseProvider
    lock: InstallationLock
    upgrade_backup: Path | None = field(default=None)

    @property
    def db_path(self) -> Path:
        return database_path(self.home)

    @classmethod
    def open(
        cls,
        passphrase: PassphraseProvider,
        home: Path | None = None,
        *,
        migrate: bool = True,
    ) -> AppContext:
        """Unlock and open the installation in ``home`` (default: the data directory).

        Nothing but the lock (``installation_lock``) is written before the vault is unlocked,
        so a wrong passphrase leaves every file as it was. The process holds the installation
        shared until ``close``: a rotation or a restore cannot replace the file under it.
        """
        home = home or data_dir()
        migrations_dir()  # a broken install says so before anything is written
        new_home = not home.exists()
        lock = InstallationLock.acquire(home)
        try:
            new_installation = not Vault.exists(home)
            if new_installation:
                _refuse_database_without_vault(home)
            vault = Vault.open(home, passphrase)
        except BaseException:
            _release_lock(lock, remove_home=new_home)
            raise
        try:
            if not new_installation:
                _refuse_missing_database(home, vault)
                _refuse_truncated_database(home, vault)
            return cls._open_unlocked(home, vault, passphrase, lock, migrate=migrate)
        except BaseException:
            if new_installation:
                _discard_new_installation(home, vault)
            _release_lock(lock, remove_home=new_home and new_installation)
            raise

    @classmethod
    def _open_unlocked(
        cls,
        home: Path,
        vault: Vault,
        passphrase: PassphraseProvider,
        lock: InstallationLock,
        *,
        migrate: bool,
    ) -> AppContext:
        _prepare_home(home)
        db_path = database_path(home)
        try:
            engine = cls._open_database_finishing_rotation(vault, db_path, passphrase)
        except WrongDatabaseKey as exc:
            raise _unopenable(home, vault, exc) from None
        upgrade_backup = None
        try:
            if migrate:
                upgrade_backup = migrations.upgrade(
                    engine, db_path, vault.keys.database_key, backups_dir(home)
                )
                _tidy_after_crashes(engine, home)
        except SQLAlchemyDatabaseError as exc:
            engine.dispose()
            if _is_damage(exc):
                raise damaged(home, vault) from None
            raise
        except BaseException:
            engine.dispose()
            raise
        return cls(
            home=home,
            vault=vault,
            database=engine,
            sessions=sessionmaker(engine, expire_on_commit=False),
            passphrase=passphrase,
            lock=lock,
            upgrade_backup=upgrade_backup,
        )

    @staticmethod
    def _open_database_finishing_rotation(
        vault: Vault, db_path: Path, passphrase: PassphraseProvider
    ) -> Engine:
        """Open the database; settle a key rotation that a crash interrupted."""
        pending = vault.load_pending(passphrase)
        if pending is None:
            return open_database(db_path, vault.keys.database_key)
        discard_staging(db_path)
        try:
            engine = open_database(db_path, vault.keys.database_key)
        except WrongDatabaseKey:
            # The re-keyed copy had replaced the database: the new key is the live one.
            engine = open_database(db_path, pending.database_key)
            vault.commit_rotation()
            log.info("finished a key rotation that was interrupted after the database was re-keyed")
            return engine
        vault.abandon_rotation()
        log.info("abandoned a key rotation that was interrupted before the database was re-keyed")
        return engine

    def close(self) -> None:
        self.database.dispose()
        self.lock.release()

    @contextlib.contextmanager
    def exclusive(self, verb: str) -> Iterator[None]:
        """Hold the installation alone (for replacing the database file); refused with a
        message naming every other process that has it open, and what it is doing."""
        with self.lock.exclusive(verb, self._activity):
            yield

    def _activity(self, pid: int) -> int:
        """How many syncs process ``pid`` runs, as far as the database tells."""
        try:
            return SyncRunRepository(self.database).running_in(pid)
        except SQLAlchemyError:
            return 0

    def reopen_database(self) -> None:
        """After the file was replaced (restore, rotation): a fresh engine on the current key."""
        self.database.dispose()
        self.database = open_database(self.db_path, self.vault.keys.database_key)
        self.sessions = sessionmaker(self.database, expire_on_commit=False)


def _prepare_home(home: Path) -> None:
    """Make the data directory private; an existing one that cannot be written (a read-only
    mount, a full disk) is opened as it is, for reading."""
    try:
        ensure_private_dir(home)
    except OSError as exc:
        if not home.is_dir() or unwritable_reason(home) is None:
            raise
        # Info, not a warning: logging is not set up yet, and a write says it when it fails.
        log.info("the data directory %s cannot be written (%s); reading only", home, exc)


def _tidy_after_crashes(engine: Engine, home: Path) -> None:
    """A run left "running" by a process that died (crash, kill -9) is interrupted, and the
    snapshot it was writing goes. Where nothing can be written this waits for a later start:
    reading must still work."""
    if is_read_only(engine):
        return
    try:
        SyncRunRepository(engine).mark_interrupted()
        remove_abandoned_snapshots(engine)
    except SQLAlchemyError as exc:
        reason = describe_unwritable(exc, home)
        if reason is None:
            raise
        log.info("could not tidy after an earlier crash: %s", reason)


def _discard_new_installation(home: Path, vault: Vault) -> None:
    """Undo what a failed first start created: the database, its side files, the vault (and its
    key in the keyring)."""
    for path in database_files(database_path(home)):
        path.unlink(missing_ok=True)
    vault.discard()


def _release_lock(lock: InstallationLock, *, remove_home: bool) -> None:
    """Let go of a start that failed; remove the data directory when this start made it."""
    lock.release()
    if remove_home:
        remove_lock_files(lock.home)
        shutil.rmtree(lock.home, ignore_errors=True)


def _has_content(db_path: Path) -> bool:
    return any(path.is_file() and path.stat().st_size > 0 for path in database_files(db_path))


def _restore_hint(home: Path, vault: Vault) -> str:
    keys = [vault.keys.database_key, *(old.database_key for old in vault.previous_keys())]
    backup = newest_good_backup(home, keys)
    if backup is None:
        return "no backup of it opens either; restore the data directory from a copy of it"
    return f"restore the newest good backup: `stock-tracker db restore {backup}`"


def _refuse_database_without_vault(home: Path) -> None:
    """A new vault (a new key) beside an existing database would lock its data away for good."""
    if _has_content(database_path(home)):
        raise VaultError(
            f"{Vault.meta_path(home)} is missing, but the database beside it exists; a new vault "
            "would not open it: get back in with the recovery file "
            "(`stock-tracker vault import-recovery FILE`)"
        )


def _refuse_missing_database(home: Path, vault: Vault) -> None:
    """The vault says an installation exists: never recreate its database empty."""
    db_path = database_path(home)
    if _has_content(db_path):
        return
    state = "empty (0 bytes)" if db_path.exists() else "missing"
    raise DatabaseError(
        f"the database {db_path} is {state}, though this data directory's vault says it had "
        f"one; nothing was recreated over it: {_restore_hint(home, vault)}"
    )


def _refuse_truncated_database(home: Path, vault: Vault) -> None:
    """A file cut short still opens (its first page is whole) but has lost what came after."""
    db_path = database_path(home)
    if db_path.exists() and db_path.stat().st_size % CIPHER_PAGE_SIZE:
        raise DatabaseError(
            f"the database {db_path} is cut short (truncated): {_restore_hint(home, vault)}"
        )


def _is_damage(exc: SQLAlchemyDatabaseError) -> bool:
    """SQLCipher's words for a page that fails its check (not a lock or a full disk)."""
    text_of = str(exc.orig).lower()
    return "malformed" in text_of or "not a database" in text_of


def damaged(home: Path, vault: Vault) -> DatabaseError:
    """The message for a database whose pages fail SQLCipher's check."""
    return DatabaseError(
        f"the database {database_path(home)} is damaged (a page fails its check): "
        f"{_restore_hint(home, vault)}"
    )


def _unopenable(home: Path, vault: Vault, exc: WrongDatabaseKey) -> DatabaseError:
    """Tell a damaged or cut-short database from one under another key."""
    db_path = database_path(home)
    hint = _restore_hint(home, vault)
    if "restore the newest" in hint:
        return DatabaseError(
            f"the database {db_path} is damaged: it does not open although its backups open "
            f"with this installation's key: {hint}"
        )
    return DatabaseError(f"{exc}; or {hint}")
