"""Re-keying the database without a window in which anything can be lost, and the copy
sequence that re-keying, backups and restores share (``copy_into_place``).

The work happens on a copy: the copy is re-keyed (``PRAGMA rekey``), its secrets re-encrypted,
and only then renamed over the original. Until the rename the original is untouched; after it
the new file is complete. The vault keeps the new master as "pending" across that moment, so
that whichever file survives a crash, a key for it exists.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from stock_tracker_desktop.security.files import fsync_dir, restrict
from stock_tracker_desktop.storage.database import connect_raw

# Tables and columns holding vault-encrypted secrets.
SECRET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tenants", "credentials"),
    ("agency_secrets", "value"),
)


def staging_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.rekey")


def remove_with_side_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path.with_name(path.name + suffix))


def discard_staging(db_path: Path) -> None:
    """Remove what an interrupted re-key left behind (the original was never touched)."""
    remove_with_side_files(staging_path(db_path))


def copy_into_place(
    source: Path, key: str, target: Path, staging: Path, prepare: Callable[[Path], None]
) -> None:
    """Put a consistent copy of the database ``source`` (open under ``key``) at ``target``.

    The copy is written at ``staging`` with SQLite's online backup API as one self-contained
    file (no WAL), made private, and handed to ``prepare``, which re-keys or checks it and
    raises to refuse it; only then is it renamed over ``target``, so until the rename
    ``target`` is untouched and after it the new file is complete. Whatever ``staging`` held
    before, or holds after a failure, is removed.
    """
    remove_with_side_files(staging)
    try:
        origin = connect_raw(source, key)
        try:
            if source == target:
                # Its WAL goes just before the rename: folded into the file first, a crash
                # in between loses nothing.
                origin.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            copy = connect_raw(staging, key)
            try:
                origin.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        finally:
            origin.close()
        restrict(staging)
        prepare(staging)
        for side in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target.with_name(target.name + side))
        os.replace(staging, target)
    finally:
        remove_with_side_files(staging)
    fsync_dir(target.parent)


def rekey_database(
    db_path: Path, old_key: str, new_key: str, reencrypt: Callable[[bytes], bytes]
) -> None:
    """Replace ``db_path`` by a copy under ``new_key`` whose secrets went through ``reencrypt``."""

    def rekey(copy: Path) -> None:
        rekey_file(copy, old_key, new_key, reencrypt)

    copy_into_place(db_path, old_key, db_path, staging_path(db_path), rekey)


def rekey_file(path: Path, old_key: str, new_key: str, reencrypt: Callable[[bytes], bytes]) -> None:
    """Switch the copy at ``path`` from ``old_key`` to ``new_key`` and pass every secret through
    ``reencrypt``, in one transaction. Only for a copy no other connection has open."""
    copy = connect_raw(path, old_key)
    try:
        copy.execute("PRAGMA journal_mode = DELETE")
        copy.execute(f'PRAGMA rekey = "{new_key}"')
        copy.execute("BEGIN")
        for table, column in SECRET_COLUMNS:
            rows = copy.execute(f"SELECT id, {column} FROM {table}").fetchall()  # noqa: S608
            copy.executemany(
                f"UPDATE {table} SET {column} = ? WHERE id = ?",  # noqa: S608
                [(reencrypt(bytes(value)), row_id) for row_id, value in rows],
            )
        copy.execute("COMMIT")
        copy.execute("PRAGMA journal_mode = WAL")
    finally:
        copy.close()
