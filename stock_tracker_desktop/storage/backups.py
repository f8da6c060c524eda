"""Consistent copies of the encrypted database, taken with SQLite's online backup API.

A backup is encrypted with the same key as the database, so it is as safe as the original and
opens with the same vault.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from stock_tracker_desktop.security.files import ensure_private_dir, fsync_dir, restrict
from stock_tracker_desktop.storage.database import DatabaseError, connect_raw

BACKUP_DIR = "backups"
KEEP_AUTOMATIC = 10
_AUTO_PREFIX = "auto-"


def backups_dir(home: Path) -> Path:
    return home / BACKUP_DIR


def _safe_label(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "manual"


def backup_database(db_path: Path, key: str, dest_dir: Path, label: str, *, auto: bool) -> Path:
    """Copy ``db_path`` into ``dest_dir`` as a timestamped file and return its path.

    Automatic backups (before migrations, restores, rotations) are pruned to the newest
    ``KEEP_AUTOMATIC``; manual ones are kept until the user deletes them.
    """
    ensure_private_dir(dest_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    prefix = _AUTO_PREFIX if auto else ""
    target = dest_dir / f"{prefix}stock-tracker-{stamp}-{_safe_label(label)}.db"
    source = connect_raw(db_path, key)
    try:
        dest = connect_raw(target, key)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    for side in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target.with_name(target.name + side))
    restrict(target)
    if auto:
        _prune_automatic(dest_dir)
    return target


def _prune_automatic(dest_dir: Path) -> None:
    automatic = sorted(dest_dir.glob(f"{_AUTO_PREFIX}stock-tracker-*.db"))
    for old in automatic[:-KEEP_AUTOMATIC]:
        old.unlink()


def list_backups(home: Path) -> list[Path]:
    folder = backups_dir(home)
    return sorted(folder.glob("*stock-tracker-*.db"), key=lambda p: p.stat().st_mtime)


def replace_database(db_path: Path, key: str, source: Path) -> None:
    """Put a copy of ``source`` in place of ``db_path`` atomically.

    The current file's WAL is folded in and removed first, so that no stale WAL is replayed
    onto the restored file.
    """
    check = connect_raw(source, key)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()
    finally:
        check.close()
    if not result or result[0] != "ok":
        raise DatabaseError(f"{source.name} fails the integrity check; it was not restored")
    staging = db_path.with_name(f".{db_path.name}.restore")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    src = connect_raw(source, key)
    try:
        dest = connect_raw(staging, key)
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    finally:
        src.close()
    if db_path.exists():
        current = connect_raw(db_path, key)
        try:
            current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            current.close()
    for side in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(db_path.with_name(db_path.name + side))
    restrict(staging)
    os.replace(staging, db_path)
    fsync_dir(db_path.parent)
