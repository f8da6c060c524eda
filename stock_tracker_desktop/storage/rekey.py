"""Re-keying the database without a window in which anything can be lost.

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


def discard_staging(db_path: Path) -> None:
    """Remove what an interrupted re-key left behind (the original was never touched)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(staging_path(db_path)) + suffix)


def rekey_database(
    db_path: Path, old_key: str, new_key: str, reencrypt: Callable[[bytes], bytes]
) -> None:
    """Replace ``db_path`` by a copy under ``new_key`` whose secrets went through ``reencrypt``."""
    discard_staging(db_path)
    staging = staging_path(db_path)
    source = connect_raw(db_path, old_key)
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy = connect_raw(staging, old_key)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    rekey_file(staging, old_key, new_key, reencrypt)
    restrict(staging)
    for side in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(db_path) + side)
    os.replace(staging, db_path)
    fsync_dir(db_path.parent)


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
