"""Files and folders only the user can read, written so that a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it readable by the user only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    restrict(path, PRIVATE_DIR_MODE)
    return path


def restrict(path: Path, mode: int = PRIVATE_FILE_MODE) -> None:
    """chmod where the platform honours it (Windows keeps the per-user ACL of the profile)."""
    if os.name == "posix":
        os.chmod(path, mode)


def write_private_file(path: Path, data: bytes, *, private_folder: bool = True) -> None:
    """Atomically replace ``path`` with ``data``, mode 0600, fsynced before the rename.

    The folder is made the user's alone too, unless ``private_folder=False``: a file handed to
    someone else (an invitation) goes where its owner chose, their Desktop or a USB stick, and
    that folder's mode is theirs.
    """
    if private_folder:
        ensure_private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        restrict(Path(tmp_name))
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename durable; directories cannot be opened for fsync on Windows."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
