"""`stock-tracker db status|upgrade|backup|restore FILE`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    opened_context,
    print_json,
    translated_errors,
    vault_passphrase,
)

if TYPE_CHECKING:
    from stock_tracker_desktop.security.vault import Vault
    from stock_tracker_desktop.services.context import AppContext
    from stock_tracker_desktop.storage.migrations import SchemaStatus

DAMAGED = "damaged: a page of the file fails its check"


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="the local database: status, migrations, backups")
    commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    status = commands.add_parser("status", help="schema revision, size, backups")
    status.add_argument("--check", action="store_true", help="also run PRAGMA integrity_check")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)
    commands.add_parser("upgrade", help="apply pending migrations (after a backup)").set_defaults(
        handler=cmd_upgrade
    )
    backup = commands.add_parser("backup", help="write a backup copy now")
    backup.add_argument("--label", default="manual")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the database by a backup")
    restore.add_argument("file", type=Path)
    restore.set_defaults(handler=cmd_restore)


def cmd_status(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from stock_tracker_desktop.storage.backups import list_backups
    from stock_tracker_desktop.storage.migrations import schema_status

    with opened_context(migrate=False) as ctx:
        try:
            schema = schema_status(ctx.database)
            integrity = _integrity(ctx) if args.check else None
        except SQLAlchemyError:  # a damaged page on the way: an answer, never a traceback
            schema, integrity = None, DAMAGED
        keys = _database_keys(ctx.vault)
        backups = [(p, _which_key(p, keys)) for p in list_backups(ctx.home)]
        hint = _restore_hint(ctx) if integrity not in (None, "ok") else None
        data = {
            "path": str(ctx.db_path),
            "size_bytes": ctx.db_path.stat().st_size,
            "revision": schema.current if schema else None,
            "head": schema.head if schema else None,
            "pending": list(schema.pending) if schema else [],
            "integrity": integrity,
            "restore_hint": hint,
            "backups": [str(p) for p, _ in backups],
            "backup_keys": {str(p): key for p, key in backups},
        }
    if args.json:
        print_json(data)
    else:
        _print_status(data, schema, ctx.home / "backups", backups)
    return EXIT_OK if integrity in (None, "ok") else EXIT_FAILED


def _print_status(
    data: dict[str, Any],
    schema: SchemaStatus | None,
    folder: Path,
    backups: list[tuple[Path, str]],
) -> None:
    print(f"Database:  {data['path']} ({data['size_bytes']:,} bytes, encrypted)")
    if schema is not None:
        state = (
            "up to date" if not schema.pending else f"{len(schema.pending)} migration(s) pending"
        )
        print(f"Schema:    revision {schema.current or 'none'} of {schema.head} ({state})")
    if data["integrity"] is not None:
        print(f"Integrity: {data['integrity']}")
    if data["restore_hint"]:
        print(f"           {data['restore_hint']}")
    print(f"Backups:   {len(backups)} in {folder}")
    for path, key in backups:
        print(f"  {path.name}  ({key})")


def _integrity(ctx: AppContext) -> str:
    """PRAGMA integrity_check; a page that fails SQLCipher's check is an answer, not a crash."""
    from sqlalchemy.exc import SQLAlchemyError

    from stock_tracker_desktop.storage.database import integrity_check

    try:
        return integrity_check(ctx.database)
    except SQLAlchemyError:
        return DAMAGED


def _database_keys(vault: Vault) -> list[str]:
    """The current database key first, then those from before each rotation (newest first)."""
    return [vault.keys.database_key, *(old.database_key for old in vault.previous_keys())]


def _which_key(path: Path, keys: list[str]) -> str:
    from stock_tracker_desktop.storage.backups import key_opening
    from stock_tracker_desktop.storage.database import DatabaseError

    try:
        key = key_opening(path, keys)
    except DatabaseError as exc:
        return f"unusable: {exc}"
    return "current key" if key == keys[0] else "key from before a rotation"


def _restore_hint(ctx: AppContext) -> str:
    from stock_tracker_desktop.storage.backups import newest_good_backup

    backup = newest_good_backup(ctx.home, _database_keys(ctx.vault))
    if backup is None:
        return "no backup opens; keep the file and a copy of the data directory"
    return f"restore the newest good backup: `stock-tracker db restore {backup}`"


def cmd_upgrade(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.storage import migrations
    from stock_tracker_desktop.storage.backups import backups_dir

    with opened_context(migrate=False) as ctx:
        before = migrations.schema_status(ctx.database)
        if before.up_to_date:
            print(f"already at revision {before.current}")
            return EXIT_OK
        try:
            backup = migrations.upgrade(
                ctx.database, ctx.db_path, ctx.vault.keys.database_key, backups_dir(ctx.home)
            )
        except migrations.MigrationFailed as exc:
            fail(str(exc), EXIT_FAILED)
    print(f"upgraded from {before.current or 'empty'} to {before.head}")
    if backup:
        print(f"backup taken first: {backup}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.storage.backups import backup_database, backups_dir

    with opened_context() as ctx, translated_errors():
        path = backup_database(
            ctx.db_path, ctx.vault.keys.database_key, backups_dir(ctx.home), args.label, auto=False
        )
    print(path)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database by a backup, holding the installation alone; the database need
    not open (it may be missing or damaged: that is when a restore is needed)."""
    from stock_tracker_desktop.config import data_dir
    from stock_tracker_desktop.security.vault import Vault
    from stock_tracker_desktop.storage.installation_lock import InstallationLock

    if not args.file.exists():
        fail(f"{args.file} does not exist; `db status` lists the backups")
    if not args.file.is_file():  # a folder, a device, a pipe: never waited on
        fail(f"{args.file} is not a regular file; give the path of a backup (`db status`)")
    home = data_dir()
    if not Vault.exists(home):
        fail(f"{home} holds no installation (no vault.json); restore needs its vault")
    with translated_errors():
        lock = InstallationLock.acquire(home)
        try:
            vault = Vault.open(home, vault_passphrase)
            with lock.exclusive("restore"):
                kept = _restore(home, vault, args.file.resolve())
        finally:
            lock.release()
    print(f"restored {args.file.name}; the database as it was is in {kept}")
    return EXIT_OK


def _restore(home: Path, vault: Vault, source: Path) -> Path | str:
    """Check ``source``, keep the current database aside, put ``source`` in its place."""
    from cryptography.fernet import MultiFernet

    from stock_tracker_desktop.storage.backups import key_opening, replace_database
    from stock_tracker_desktop.storage.database import database_path

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
    from datetime import UTC, datetime

    from stock_tracker_desktop.storage.backups import backup_database, backups_dir
    from stock_tracker_desktop.storage.database import DatabaseError, check_database_file

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
