"""A real small disk for the data directory: a tmpfs mounted for one test (CI runs as root),
an installation with sellers and a synced snapshot on it, then filled or made read-only."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.cli import run_cli
from tests.sync.test_cli_sync import _add_tenants

DISK_SIZE = "24m"
# Reading commands, and what each must print (a table, JSON, a file elsewhere).
READING = (
    ("tenants", "list"),
    ("tenants", "show", "Good"),
    ("history", "--json"),
    ("stock", "--tenant", "Good", "--json"),
    ("db", "status"),
    ("vault", "status"),
    ("settings", "show"),
)
WRITING = (
    ("sync", "--all"),
    ("tenants", "edit", "Good", "--tag", "vip"),
    ("tenants", "archive", "Good"),
    ("settings", "set", "concurrency", "3"),
    ("db", "backup"),
    ("daemon",),
)


@dataclass
class Installation:
    """The data directory on the small disk and the environment its commands run with."""

    mount: Path
    home: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=self.env)

    def fingerprint(self) -> dict[str, str]:
        """The files of the data directory that hold data (not the WAL index), by content."""
        names = ("stock-tracker.db", "stock-tracker.db-wal", "vault.json")
        return {
            name: hashlib.sha256((self.home / name).read_bytes()).hexdigest()
            for name in names
            if (self.home / name).is_file() and (self.home / name).stat().st_size
        }


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(mount))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True, timeout=10)


@pytest.fixture
def installation(
    small_disk: Path,
    make_simulator: Callable[..., RunningSimulator],
    monkeypatch: pytest.MonkeyPatch,
) -> Installation:
    """Three sellers (one with an expired token) on the small disk, synced once."""
    home = small_disk / "home"
    monkeypatch.setenv("STOCK_TRACKER_HOME", str(home))
    env = _add_tenants(make_simulator(seed=11, sellers=3, products=30))
    synced = run_cli("sync", "--all", env=env)
    assert "Good: succeeded" in synced.stderr, synced.stderr
    return Installation(small_disk, home, env)


def fill(mount: Path) -> None:
    """Write a file until the disk refuses another byte (unbuffered: nothing left to flush)."""
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)


def make_read_only(mount: Path) -> None:
    _mount("-o", "remount,ro", str(mount))


def remount_writable(mount: Path) -> None:
    _mount("-o", "remount,rw", str(mount))


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines a command printed on stderr, but for the one warning about its log file."""
    lines = result.stderr.splitlines()
    assert sum("cannot write the log file" in line for line in lines) <= 1, result.stderr
    return [line for line in lines if "cannot write the log file" not in line]


def readings(installation: Installation) -> dict[tuple[str, ...], str]:
    """What each reading command prints, having checked that it worked."""
    printed = {}
    for args in READING:
        result = installation.run(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert errors(result) == [], (args, result.stderr)
        printed[args] = result.stdout
    return printed


def assert_writing_refused(installation: Installation, message: str) -> None:
    """Every writing command fails with ``message`` (exit 1) and changes no file."""
    files = installation.fingerprint()
    for args in WRITING:
        result = installation.run(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert errors(result) == [f"stock-tracker: {message}"], (args, result.stderr)
    assert installation.fingerprint() == files


def assert_export_elsewhere_works(installation: Installation) -> None:
    out = installation.mount.parent / "good.csv"  # another disk
    exported = installation.run("export", "csv", "--tenant", "Good", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    rows = json.loads(installation.run("stock", "--tenant", "Good", "--json").stdout)["rows"]
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == len(rows) + 1 > 1


def assert_only_reading_works(
    installation: Installation, make_unwritable: Callable[[Path], None], message: str
) -> None:
    """Once ``make_unwritable(mount)`` ran: every reading command prints what it printed
    before, an export to another disk works, every writing command fails with ``message``."""
    before = readings(installation)
    make_unwritable(installation.mount)
    assert readings(installation) == before
    assert_export_elsewhere_works(installation)
    assert_writing_refused(installation, message)
