"""Who may use the data directory, and who may replace its database.

Every process that opens the installation holds a SHARED lock on ``<data dir>/.lock`` for its
whole life. Replacing the database file (a key rotation, a restore) needs the EXCLUSIVE lock, so
no process can go on writing to a file that was renamed away, and a process that starts while the
file is being replaced waits for the replacement to end instead of opening a half-made state.

Each holder also keeps ``<data dir>/.holders/<pid>`` locked, with a line saying who it is ("the
daemon", "stock-tracker sync"), so that a refusal can name it. A file left by a process that died
is not locked any more and is ignored (and removed).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from stock_tracker_desktop.security.files import ensure_private_dir, restrict
from stock_tracker_desktop.storage.database import DatabaseError

LOCK_FILE = ".lock"
HOLDERS_DIR = ".holders"
# A process that starts during a rotation or restore waits this long for it to end.
WAIT_SECONDS = 120.0
_POLL_SECONDS = 0.1
_COMMAND_WORD = re.compile(r"^[a-z][a-z-]{0,30}$")

_announced: str | None = None

# How many syncs process ``pid`` is running (0 when unknown).
Activity = Callable[[int], int]


@dataclass(frozen=True, slots=True)
class Holder:
    """Another process that has the installation open."""

    who: str
    pid: int
    syncing: int = 0


class InstallationBusy(DatabaseError):
    """Another process holds the installation; the message names it and says what to do.
    ``holders`` lets the window say the same in the user's language."""

    def __init__(self, message: str, holders: tuple[Holder, ...] = ()) -> None:
        super().__init__(message)
        self.holders = holders


def announce(who: str) -> None:
    """How this process names itself to others that find the installation held ("the daemon")."""
    global _announced
    _announced = who


def describe_this_process() -> str:
    """The announced name, else the command words of argv (never its values: those could be
    paths or names the user would not expect to see quoted)."""
    if _announced:
        return _announced
    words = []
    for arg in sys.argv[1:3]:
        if not _COMMAND_WORD.match(arg):
            break
        words.append(arg)
    return "stock-tracker " + " ".join(words) if words else "a Stock Tracker process"


# sys.platform rather than os.name: mypy knows the former, so it checks this branch as Windows
# code and the other as POSIX code, each against its own platform's stubs.
if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        _fields_ = (
            ("Internal", ctypes.c_void_p),
            ("InternalHigh", ctypes.c_void_p),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        )

    # The locked byte lies far beyond any content: Windows locks keep others from reading the
    # bytes they cover, and a holder file must stay readable.
    _LOCKED_OFFSET = 0x7FFFFFFF
    _LOCKFILE_FAIL_IMMEDIATELY = 0x1
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2
    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    # Handles are pointer-sized: without argtypes ctypes would pass them as 32-bit ints.
    _kernel32.LockFileEx.argtypes = (
        wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
        ctypes.POINTER(_Overlapped),
    )  # fmt: skip
    _kernel32.LockFileEx.restype = wintypes.BOOL
    _kernel32.UnlockFileEx.argtypes = (
        wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
        ctypes.POINTER(_Overlapped),
    )  # fmt: skip
    _kernel32.UnlockFileEx.restype = wintypes.BOOL

    def _try_lock(handle: IO[bytes], *, exclusive: bool) -> bool:
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        os_handle = msvcrt.get_osfhandle(handle.fileno())
        overlapped = _Overlapped(Offset=_LOCKED_OFFSET)
        return bool(_kernel32.LockFileEx(os_handle, flags, 0, 1, 0, ctypes.byref(overlapped)))

    def _unlock(handle: IO[bytes]) -> None:
        os_handle = msvcrt.get_osfhandle(handle.fileno())
        overlapped = _Overlapped(Offset=_LOCKED_OFFSET)
        _kernel32.UnlockFileEx(os_handle, 0, 1, 0, ctypes.byref(overlapped))

else:
    import fcntl

    def _try_lock(handle: IO[bytes], *, exclusive: bool) -> bool:
        try:
            fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)


def _open_locked(path: Path) -> IO[bytes]:
    handle = open(path, "a+b")  # noqa: SIM115 (held open for the life of the lock)
    restrict(path)
    return handle


class InstallationLock:
    """This process's hold on one data directory."""

    def __init__(
        self,
        home: Path,
        handle: IO[bytes] | None,
        holder: IO[bytes] | None,
        holder_path: Path | None,
    ):
        self.home = home
        self._handle = handle
        self._holder = holder
        self._holder_path = holder_path

    @classmethod
    def acquire(cls, home: Path, *, wait: float = WAIT_SECONDS) -> InstallationLock:
        """Hold ``home`` shared; wait up to ``wait`` seconds while a rotation or restore runs."""
        if home.is_dir() and not os.access(home, os.W_OK):
            # A read-only data directory: nobody can replace its database, there is nothing to
            # hold (and no lock file could be made); only reading will work.
            return cls(home, None, None, None)
        ensure_private_dir(home)
        holders = ensure_private_dir(home / HOLDERS_DIR)
        holder_path = holders / str(os.getpid())
        holder = _open_locked(holder_path)
        _try_lock(holder, exclusive=True)
        holder.truncate(0)
        # The line only names this process to others: a full disk must not stop reading.
        with contextlib.suppress(OSError):
            line = json.dumps({"who": describe_this_process(), "pid": os.getpid()}).encode()
            os.write(holder.fileno(), line)
        handle = _open_locked(home / LOCK_FILE)
        deadline = time.monotonic() + wait
        while not _try_lock(handle, exclusive=False):
            if time.monotonic() >= deadline:
                handle.close()
                cls._drop_holder(holder, holder_path)
                others = _holders(home, os.getpid())
                raise InstallationBusy(
                    f"{_names(others) or 'another process'} is replacing the database of "
                    f"{home} (a key rotation or a restore) and has not finished after "
                    f"{wait:.0f} s; try again when it has"
                )
            time.sleep(_POLL_SECONDS)
        return cls(home, handle, holder, holder_path)

    @contextlib.contextmanager
    def exclusive(self, verb: str, activity: Activity | None = None) -> Iterator[None]:
        """Hold the installation alone while the block runs (this process's own shared hold is
        upgraded); refuse, naming every other holder, when it is not alone."""
        handle = self._handle
        if handle is None:  # read-only: whatever the block writes fails on its own
            yield
            return
        _unlock(handle)  # an upgrade is not atomic on either platform: release first
        if not _try_lock(handle, exclusive=True):
            _reacquire_shared(handle)
            others = _holders(self.home, os.getpid())
            raise _refusal(others, verb, activity)
        try:
            yield
        finally:
            _unlock(handle)
            _reacquire_shared(handle)

    def release(self) -> None:
        if self._handle is None or self._holder is None or self._holder_path is None:
            return
        self._handle.close()
        self._drop_holder(self._holder, self._holder_path)

    @staticmethod
    def _drop_holder(holder: IO[bytes], holder_path: Path) -> None:
        holder.close()
        with contextlib.suppress(OSError):
            holder_path.unlink()


def _reacquire_shared(handle: IO[bytes]) -> None:
    # Only another exclusive holder can be in the way, and it ends soon: wait for it.
    deadline = time.monotonic() + WAIT_SECONDS
    while not _try_lock(handle, exclusive=False) and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)


def remove_lock_files(home: Path) -> None:
    """For a first start that failed: leave no trace of the lock behind."""
    with contextlib.suppress(OSError):
        (home / LOCK_FILE).unlink()
    with contextlib.suppress(OSError):
        (home / HOLDERS_DIR).rmdir()


def _holders(home: Path, own_pid: int) -> list[tuple[str, int]]:
    """(who, pid) of every live holder but this process; stale files of dead ones are removed."""
    found = []
    for path in sorted((home / HOLDERS_DIR).glob("*")):
        if path.name == str(own_pid):
            continue
        try:
            with open(path, "r+b") as probe:
                if _try_lock(probe, exclusive=True):  # nobody holds it: its process is gone
                    _unlock(probe)
                    path.unlink(missing_ok=True)
                    continue
                data = json.loads(probe.read() or b"{}")
        except (OSError, ValueError):
            continue
        found.append((str(data.get("who", "a Stock Tracker process")), int(path.name)))
    return found


def _names(holders: list[tuple[str, int]]) -> str:
    return " and ".join(f"{who}, pid {pid}," for who, pid in holders).rstrip(",")


def _refusal(
    holders: list[tuple[str, int]], verb: str, activity: Activity | None
) -> InstallationBusy:
    found = tuple(Holder(who, pid, activity(pid) if activity else 0) for who, pid in holders)
    parts = [f"{h.who}, pid {h.pid}, {_doing(h)}" for h in found] or ["another process has it open"]
    them = "it" if len(found) <= 1 else "them"
    return InstallationBusy(
        f"cannot {verb} while other processes use this installation: {'; '.join(parts)}: "
        f"stop {them} or wait, then {verb} again",
        found,
    )


def _doing(holder: Holder) -> str:
    if not holder.syncing:
        return "has it open"
    return f"is syncing {holder.syncing} seller{'s' if holder.syncing != 1 else ''}"
