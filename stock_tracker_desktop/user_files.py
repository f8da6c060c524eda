"""Reading a file the user hands the app: a list of sellers to import, a secrets file, the
predecessor's ``.env``, a Google service-account key.

Every such file goes through ``read_user_file``. It opens without blocking (a FIFO would wait
for a writer forever), checks the type and size of what it opened before reading a byte
(``/dev/zero`` never ends), reads no more than the size allowed, refuses binary content and
decodes text as Russian Windows users produce it: a byte-order mark first (Notepad's "UTF-8",
Excel's "Unicode text"), then UTF-8, then Windows-1251 (Russian Excel's "CSV", Notepad's
"ANSI"). Whatever is wrong is a ``UserFileError`` whose message says what to do.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

KB = 1024
FALLBACK_ENCODING = "cp1251"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer. Windows has
# neither flag nor FIFOs, and needs O_BINARY so that nothing is translated.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True, slots=True)
class FileKind:
    """What a file is for: named in messages, with the largest size that is plausible for it."""

    what: str
    max_bytes: int
    private: bool = False  # holds secrets: refused when other users may read it (POSIX)


TENANTS_CSV = FileKind("list of sellers (CSV)", 5 * KB * KB)
SECRETS_JSON = FileKind("secrets file", 1 * KB * KB, private=True)
ENV_FILE = FileKind(".env file", 64 * KB)
SERVICE_ACCOUNT_KEY = FileKind("service-account key (JSON)", 64 * KB)
# Protected by its own passphrase, so it may travel (a USB stick) with any permissions.
RECOVERY_FILE = FileKind("recovery file", 64 * KB)
# Encrypted for one licence key on one machine: of no use to whoever else reads it.
MACHINE_FILE = FileKind("licence machine file", 256 * KB)


class FileProblem(Enum):
    MISSING = "missing"
    FOLDER = "folder"
    NOT_REGULAR = "not regular"  # a device, a FIFO, a socket
    UNREADABLE = "unreadable"
    TOO_LARGE = "too large"
    SHARED = "shared"
    BINARY = "binary"
    ENCODING = "encoding"


class UserFileError(ValueError):
    """A file the user gave cannot be used; nothing was read from it. ``problem`` lets the
    window say the same in the user's language."""

    def __init__(self, path: Path, kind: FileKind, problem: FileProblem, detail: str = "") -> None:
        self.path = path
        self.kind = kind
        self.problem = problem
        super().__init__(_message(path, kind, problem, detail))


def _message(path: Path, kind: FileKind, problem: FileProblem, detail: str) -> str:
    what = kind.what
    messages = {
        FileProblem.MISSING: f"{path} does not exist; check the path of the {what}",
        FileProblem.FOLDER: f"{path} is a folder; give the path of the {what} itself",
        FileProblem.NOT_REGULAR: (
            f"{path} is not a regular file (a device or a pipe); give the path of the {what}"
        ),
        FileProblem.UNREADABLE: f"{path} cannot be read ({detail}); check its permissions",
        FileProblem.TOO_LARGE: (
            f"{path} is larger than {kind.max_bytes // KB} KB, too large for a {what}; "
            "check that it is the right file"
        ),
        FileProblem.SHARED: (
            f"{path} can be read by other users; protect it first: chmod 600 {path}"
        ),
        FileProblem.BINARY: (
            f"{path} is not a text file; give the {what} as text "
            "(from a spreadsheet: save it as CSV)"
        ),
        FileProblem.ENCODING: (
            f"{path} is neither UTF-8 nor Windows-1251 text; save it as UTF-8 and try again"
        ),
    }
    return messages[problem]


def read_user_file(path: Path, kind: FileKind) -> str:
    """The text of ``path``, checked and decoded as the module docstring says."""
    data = _read_bytes(path, kind)
    text = decode_text(data)
    if text is None:
        problem = FileProblem.BINARY if b"\x00" in data else FileProblem.ENCODING
        raise UserFileError(path, kind, problem)
    if "\x00" in text:
        raise UserFileError(path, kind, FileProblem.BINARY)
    return text


def decode_text(data: bytes) -> str | None:
    """Text by its byte-order mark, else UTF-8, else Windows-1251; None for binary data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:  # no text encoding without a BOM puts NUL bytes in text
        return None
    for codec in ("utf-8", FALLBACK_ENCODING):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _read_bytes(path: Path, kind: FileKind) -> bytes:
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise UserFileError(path, kind, FileProblem.MISSING) from None
    except OSError as exc:
        if path.is_dir():  # Windows refuses to open a folder at all
            raise UserFileError(path, kind, FileProblem.FOLDER) from None
        raise UserFileError(path, kind, FileProblem.UNREADABLE, exc.strerror or "") from None
    try:
        _check_opened(path, kind, os.fstat(fd))
        data = _read_at_most(fd, kind.max_bytes + 1)
    except OSError as exc:
        raise UserFileError(path, kind, FileProblem.UNREADABLE, exc.strerror or "") from None
    finally:
        os.close(fd)
    if len(data) > kind.max_bytes:  # it grew after fstat
        raise UserFileError(path, kind, FileProblem.TOO_LARGE)
    return data


def _check_opened(path: Path, kind: FileKind, info: os.stat_result) -> None:
    """Type, size and permissions of what was opened (not of what the path names now)."""
    if stat.S_ISDIR(info.st_mode):
        raise UserFileError(path, kind, FileProblem.FOLDER)
    if not stat.S_ISREG(info.st_mode):
        raise UserFileError(path, kind, FileProblem.NOT_REGULAR)
    if info.st_size > kind.max_bytes:
        raise UserFileError(path, kind, FileProblem.TOO_LARGE)
    if kind.private and os.name == "posix" and stat.S_IMODE(info.st_mode) & 0o077:
        raise UserFileError(path, kind, FileProblem.SHARED)


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 256 * KB))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
