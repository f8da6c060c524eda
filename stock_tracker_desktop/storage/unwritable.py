"""A data directory that cannot be written: a read-only mount (or folder) or a full disk.

Reading must still work there, so the layers ask these questions instead of failing: the
database opens read-only, the log goes quiet, and a write fails with one of these messages.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

# Below this much free space, a failure to open or grow a file is the disk being full: SQLite
# needs 32 KiB for the WAL index and a 16 KiB page at a time for the log.
FULL_BELOW_BYTES = 1 << 20
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_UNWRITABLE_ERRNOS = _FULL_ERRNOS | {errno.EROFS, errno.EACCES, errno.EPERM}
# SQLite's own words (sqlite3_errstr) for the two conditions; its error has no errno.
_SQLITE_FULL = "database or disk is full"
_SQLITE_READ_ONLY = "attempt to write a readonly database"
# What opening gives when the WAL index (-shm) cannot be created or grown.
_SQLITE_CANNOT_OPEN = ("disk i/o error", "unable to open database file")


def full_message(folder: Path) -> str:
    return f"the disk holding {folder} is full; free some space and try again"


def read_only_message(folder: Path) -> str:
    return f"the data directory {folder} is read-only; make it writable and try again"


def unwritable_reason(folder: Path) -> str | None:
    """The message for ``folder`` when it cannot be written at all now, else None."""
    try:
        if not os.access(folder, os.W_OK):
            return read_only_message(folder)
        if shutil.disk_usage(folder).free < FULL_BELOW_BYTES:
            return full_message(folder)
    except OSError:
        return None
    return None


def describe_unwritable(exc: BaseException, folder: Path) -> str | None:
    """The message when ``exc`` comes from ``folder`` (the data directory) being read-only or
    its disk full; None for any other failure."""
    if isinstance(exc, OSError):
        return _describe_os_error(exc, folder)
    text = str(getattr(exc, "orig", None) or exc).lower()
    if _SQLITE_FULL in text:
        return full_message(folder)
    if _SQLITE_READ_ONLY in text:
        # The database was opened read-only because the folder could not be written.
        return unwritable_reason(folder) or read_only_message(folder)
    if any(words in text for words in _SQLITE_CANNOT_OPEN):
        return unwritable_reason(folder)
    return None


def _describe_os_error(exc: OSError, folder: Path) -> str | None:
    if exc.errno not in _UNWRITABLE_ERRNOS:
        return None
    if exc.filename is None:
        # A failed write() names no file: ours only if the data directory is the one stuck.
        return unwritable_reason(folder)
    if not _inside(exc.filename, folder):
        return None  # another place (an export's target): the caller's usual message
    if exc.errno in _FULL_ERRNOS:
        return full_message(folder)
    if exc.errno == errno.EROFS:
        return read_only_message(folder)
    return unwritable_reason(folder)


def _inside(filename: object, folder: Path) -> bool:
    if not isinstance(filename, str | bytes):
        return False
    path = Path(os.path.abspath(os.fsdecode(filename)))
    return path == Path(os.path.abspath(folder)) or Path(os.path.abspath(folder)) in path.parents
