"""Opening an installation: the vault, then the database under its key, then migrations.

The CLI, the daemon and the window all start through ``AppContext.open`` so they share one
order of operations and one set of error messages.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from stock_tracker_desktop.config import data_dir
from stock_tracker_desktop.package_data import migrations_dir
from stock_tracker_desktop.security.files import ensure_private_dir
from stock_tracker_desktop.security.vault import PassphraseProvider, Vault
from stock_tracker_desktop.storage import migrations
from stock_tracker_desktop.storage.backups import backups_dir
from stock_tracker_desktop.storage.database import (
    WrongDatabaseKey,
    database_files,
    database_path,
    open_engine,
)
from stock_tracker_desktop.storage.rekey import discard_staging
from stock_tracker_desktop.storage.snapshot_writer import remove_abandoned_snapshots
from stock_tracker_desktop.storage.sync_runs import SyncRunRepository

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    home: Path
    vault: Vault
    engine: Engine
    sessions: sessionmaker[Session]
    passphrase: PassphraseProvider
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

        Nothing is written before the vault is unlocked, so a wrong passphrase leaves every
        file as it was.
        """
        home = home or data_dir()
        migrations_dir()  # a broken install says so before anything is written
        new_home = not home.exists()
        new_installation = not Vault.exists(home)
        vault = Vault.open(home, passphrase)
        try:
            return cls._open_unlocked(home, vault, passphrase, migrate=migrate)
        except BaseException:
            if new_installation:
                _discard_new_installation(home, vault, remove_home=new_home)
            raise

    @classmethod
    def _open_unlocked(
        cls, home: Path, vault: Vault, passphrase: PassphraseProvider, *, migrate: bool
    ) -> AppContext:
        ensure_private_dir(home)
        db_path = database_path(home)
        engine = cls._open_engine_finishing_rotation(vault, db_path, passphrase)
        upgrade_backup = None
        try:
            if migrate:
                upgrade_backup = migrations.upgrade(
                    engine, db_path, vault.keys.database_key, backups_dir(home)
                )
                # A run left "running" by a process that died (crash, kill -9) is interrupted,
                # and the snapshot it was writing goes.
                SyncRunRepository(engine).mark_interrupted()
                remove_abandoned_snapshots(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(
            home=home,
            vault=vault,
            engine=engine,
            sessions=sessionmaker(engine, expire_on_commit=False),
            passphrase=passphrase,
            upgrade_backup=upgrade_backup,
        )

    @staticmethod
    def _open_engine_finishing_rotation(
        vault: Vault, db_path: Path, passphrase: PassphraseProvider
    ) -> Engine:
        """Open the database; settle a key rotation that a crash interrupted."""
        pending = vault.load_pending(passphrase)
        if pending is None:
            return open_engine(db_path, vault.keys.database_key)
        discard_staging(db_path)
        try:
            engine = open_engine(db_path, vault.keys.database_key)
        except WrongDatabaseKey:
            # The re-keyed copy had replaced the database: the new key is the live one.
            engine = open_engine(db_path, pending.database_key)
            vault.commit_rotation()
            log.info("finished a key rotation that was interrupted after the database was re-keyed")
            return engine
        vault.abandon_rotation()
        log.info("abandoned a key rotation that was interrupted before the database was re-keyed")
        return engine

    def close(self) -> None:
        self.engine.dispose()

    def reopen_engine(self) -> None:
        """After the file was replaced (restore, rotation): a fresh engine on the current key."""
        self.engine.dispose()
        self.engine = open_engine(self.db_path, self.vault.keys.database_key)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)


def _discard_new_installation(home: Path, vault: Vault, *, remove_home: bool) -> None:
    """Undo what a failed first start created: the database, its side files, the vault (and its
    key in the keyring), and the data directory itself when this start made it."""
    for path in database_files(database_path(home)):
        path.unlink(missing_ok=True)
    vault.discard()
    if remove_home:
        shutil.rmtree(home, ignore_errors=True)
