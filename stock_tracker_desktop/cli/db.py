"""`stock-tracker db status|upgrade|backup|restore FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    opened_context,
    print_json,
    translated_errors,
)


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
    from stock_tracker_desktop.storage.backups import list_backups
    from stock_tracker_desktop.storage.database import integrity_check
    from stock_tracker_desktop.storage.migrations import schema_status

    with opened_context(migrate=False) as ctx:
        schema = schema_status(ctx.engine)
        integrity = integrity_check(ctx.engine) if args.check else None
        data = {
            "path": str(ctx.db_path),
            "size_bytes": ctx.db_path.stat().st_size,
            "revision": schema.current,
            "head": schema.head,
            "pending": list(schema.pending),
            "integrity": integrity,
            "backups": [str(p) for p in list_backups(ctx.home)],
        }
    if args.json:
        print_json(data)
    else:
        print(f"Database:  {data['path']} ({data['size_bytes']:,} bytes, encrypted)")
        state = (
            "up to date" if not schema.pending else f"{len(schema.pending)} migration(s) pending"
        )
        print(f"Schema:    revision {schema.current or 'none'} of {schema.head} ({state})")
        if integrity is not None:
            print(f"Integrity: {integrity}")
        print(f"Backups:   {len(data['backups'])} in {ctx.home / 'backups'}")
    return EXIT_OK if integrity in (None, "ok") else EXIT_FAILED


def cmd_upgrade(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.storage import migrations
    from stock_tracker_desktop.storage.backups import backups_dir

    with opened_context(migrate=False) as ctx:
        before = migrations.schema_status(ctx.engine)
        if before.up_to_date:
            print(f"already at revision {before.current}")
            return EXIT_OK
        try:
            backup = migrations.upgrade(
                ctx.engine, ctx.db_path, ctx.vault.keys.database_key, backups_dir(ctx.home)
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
    from stock_tracker_desktop.storage.backups import (
        backup_database,
        backups_dir,
        replace_database,
    )

    if not args.file.exists():
        fail(f"{args.file} does not exist; `db status` lists the backups")
    if not args.file.is_file():  # a folder, a device, a pipe: never waited on
        fail(f"{args.file} is not a regular file; give the path of a backup (`db status`)")
    with opened_context(migrate=False) as ctx, translated_errors():
        key = ctx.vault.keys.database_key
        safety = backup_database(
            ctx.db_path, key, backups_dir(ctx.home), "before-restore", auto=True
        )
        ctx.engine.dispose()
        replace_database(ctx.db_path, key, args.file.resolve())
    print(f"restored {args.file.name}; the database as it was is in {safety}")
    return EXIT_OK
