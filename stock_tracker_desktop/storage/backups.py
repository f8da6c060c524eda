"""Consistent copies of the encrypted database, taken with SQLite's online backup API.

A backup is encrypted with the same key as the database, so it is as safe as the original and
opens with the same vault.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from stock_tracker_desktop.security.files import ensure_private_dir
from stock_tracker_desktop.storage.database import (
    DamagedDatabaseFile,
    DatabaseError,
    check_database_file,
)
from stock_tracker_desktop.storage.rekey import copy_into_place, rekey_file

BACKUP_DIR = "backups"
KEEP_AUTOMATIC = 10
_AUTO_PREFIX = "auto-"
# A backup being written; never listed, never restored.
PARTIAL_SUFFIX = ".partial"


def backups_dir(home: Path) -> Path:
    return home / BACKUP_DIR


def _safe_label(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "manual"


def backup_database(db_path: Path, key: str, dest_dir: Path, label: str, *, auto: bool) -> Path:
    """Copy ``db_path`` into ``dest_dir`` as a timestamped file and return its path.

    The copy is written under a temporary name, checked (it opens, passes the integrity check,
    holds the schema) and only then renamed: a backup killed half-way never shows up as one.
    Automatic backups (before migrations, restores, rotations) are pruned to the newest
    ``KEEP_AUTOMATIC``; manual ones are kept until the user deletes them.
    """
    ensure_private_dir(dest_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    prefix = _AUTO_PREFIX if auto else ""
    target = dest_dir / f"{prefix}stock-tracker-{stamp}-{_safe_label(label)}.db"
    partial = target.with_name(f".{target.name}{PARTIAL_SUFFIX}")

    def check(copy: Path) -> None:
        check_database_file(copy, key)

    copy_into_place(db_path, key, target, partial, check)
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


def key_opening(path: Path, keys: Sequence[str]) -> str:
    """The first of ``keys`` (the current one first) under which ``path`` is a sound backup
    (cheap checks only: it opens and holds the schema); the refusal says what is wrong."""
    problem: DatabaseError | None = None
    for key in keys:
        try:
            check_database_file(path, key, integrity=False)
        except DamagedDatabaseFile as exc:
            raise DatabaseError(f"{exc}; it cannot be restored") from None
        except DatabaseError as exc:
            problem = exc
            continue
        return key
    raise DatabaseError(
        f"{path.name} does not open with this installation's key nor with any key it had "
        "before a rotation; it belongs to another installation or is damaged"
    ) from problem


def newest_good_backup(home: Path, keys: Sequence[str]) -> Path | None:
    """The newest backup that opens with one of ``keys`` and holds the schema."""
    for path in reversed(list_backups(home)):
        with contextlib.suppress(DatabaseError):
            key_opening(path, keys)
            return path
    return None


def replace_database(
    db_path: Path,
    key: str,
    source: Path,
    source_key: str | None = None,
    reencrypt: Callable[[bytes], bytes] | None = None,
) -> None:
    """Put a copy of ``source`` in place of ``db_path`` atomically, under ``key``.

    ``source`` is checked in full first (it opens, passes the integrity check, holds the schema),
    so a bad file changes nothing. A backup from before a rotation (``source_key`` differs) is
    re-keyed on the copy and its secrets go through ``reencrypt``. The caller holds the
    installation exclusively, so no process still has the replaced file open.
    """
    from_key = source_key or key
    check_database_file(source, from_key)

    def rekey_and_check(copy: Path) -> None:
        if from_key != key:
            rekey_file(copy, from_key, key, reencrypt or (lambda token: token))
        check_database_file(copy, key)

    staging = db_path.with_name(f".{db_path.name}.restore")
    copy_into_place(source, from_key, db_path, staging, rekey_and_check)
