"""`stock-tracker db status|upgrade|backup|restore FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    opened_installation,
    print_json,
    run_in_core,
    translated_errors,
    vault_passphrase,
)

if TYPE_CHECKING:
    from stock_tracker_desktop.core.installation import DatabaseStatus


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
    with opened_installation() as installation:
        status = installation.status(check=args.check)
        hint = None if status.healthy else _restore_hint(installation.newest_good_backup())
    schema = status.schema
    data = {
        "path": str(status.path),
        "size_bytes": status.size_bytes,
        "revision": schema.current if schema else None,
        "head": schema.head if schema else None,
        "pending": list(schema.pending) if schema else [],
        "integrity": status.integrity,
        "restore_hint": hint,
        "backups": [str(p) for p, _ in status.backups],
        "backup_keys": {str(p): key for p, key in status.backups},
    }
    if args.json:
        print_json(data)
    else:
        _print_status(data, status)
    return EXIT_OK if status.healthy else EXIT_FAILED


def _print_status(data: dict[str, Any], status: DatabaseStatus) -> None:
    schema = status.schema
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
    print(f"Backups:   {len(status.backups)} in {status.backups_folder}")
    for path, key in status.backups:
        print(f"  {path.name}  ({key})")


def _restore_hint(backup: Path | None) -> str:
    if backup is None:
        return "no backup opens; keep the file and a copy of the data directory"
    return f"restore the newest good backup: `stock-tracker db restore {backup}`"


def cmd_upgrade(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import MigrationFailed

    with opened_installation() as installation:
        before = installation.schema_status()
        if before.up_to_date:
            print(f"already at revision {before.current}")
            return EXIT_OK
        try:
            backup = installation.upgrade()
        except MigrationFailed as exc:
            fail(str(exc), EXIT_FAILED)
    print(f"upgraded from {before.current or 'empty'} to {before.head}")
    if backup:
        print(f"backup taken first: {backup}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    print(run_in_core(lambda core: core.backup(args.label)))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database by a backup, holding the installation alone; the database need
    not open (it may be missing or damaged: that is when a restore is needed)."""
    from stock_tracker_desktop.config import data_dir
    from stock_tracker_desktop.core import vault_exists
    from stock_tracker_desktop.core.installation import restore_backup

    if not args.file.exists():
        fail(f"{args.file} does not exist; `db status` lists the backups")
    if not args.file.is_file():  # a folder, a device, a pipe: never waited on
        fail(f"{args.file} is not a regular file; give the path of a backup (`db status`)")
    home = data_dir()
    if not vault_exists(home):
        fail(f"{home} holds no installation (no vault.json); restore needs its vault")
    with translated_errors():
        kept = restore_backup(args.file.resolve(), vault_passphrase, home)
    print(f"restored {args.file.name}; the database as it was is in {kept}")
    return EXIT_OK
