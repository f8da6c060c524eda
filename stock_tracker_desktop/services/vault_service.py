"""Vault use cases: status, key rotation, recovery files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stock_tracker_desktop.domain.problems import Problem
from stock_tracker_desktop.security.keystore import keyring_status
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage.backups import backup_database, backups_dir
from stock_tracker_desktop.storage.rekey import rekey_database


@dataclass(frozen=True, slots=True)
class VaultStatus:
    store: str
    description: str  # in English, for the CLI and diagnostics; the window words store_problem
    store_problem: Problem
    keyring_backend: str
    keyring_usable: bool
    install_id: str


def status(ctx: AppContext) -> VaultStatus:
    keyring = keyring_status()
    return VaultStatus(
        store=ctx.vault.store,
        description=ctx.vault.describe_store(),
        store_problem=ctx.vault.store_problem(),
        keyring_backend=keyring.backend,
        keyring_usable=keyring.usable,
        install_id=ctx.vault.install_id,
    )


def rotate(ctx: AppContext) -> Path:
    """New master, database re-keyed, every secret re-encrypted; returns the backup taken first.

    Order matters for crash safety: the next master is stored (pending) before the database
    starts using it, and becomes current only after the re-keyed file is in place. The whole of
    it holds the installation exclusively: it is refused while another process has it open,
    since that process would go on writing to the file renamed away. The old master stays in
    the vault (``previous_keys``), so the backups taken before still restore.
    """
    with ctx.exclusive("rotate"):
        old_key = ctx.vault.keys.database_key
        backup = backup_database(
            ctx.db_path, old_key, backups_dir(ctx.home), "before-rotation", auto=True
        )
        pending = ctx.vault.begin_rotation(ctx.passphrase)
        rotating = ctx.vault.rotating_fernet()
        ctx.database.dispose()
        rekey_database(ctx.db_path, old_key, pending.database_key, rotating.rotate)
        ctx.vault.commit_rotation()
        ctx.reopen_database()
    return backup


def export_recovery(ctx: AppContext, path: Path, passphrase: str) -> None:
    ctx.vault.export_recovery(path, passphrase)
