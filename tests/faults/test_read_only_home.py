"""A read-only data directory (a read-only mount: chmod is no barrier for root): reading works,
writing says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.faults.small_disk import (
    Installation,
    assert_only_reading_works,
    make_read_only,
    remount_writable,
)
from tests.support.cli import REPO_ROOT

# A process that renames a seller and dies (kill -9) before closing: the rename sits in the
# WAL, which only a reader of the WAL sees.
_RENAME_AND_DIE = """
import os, signal
from stock_tracker_desktop.services.context import AppContext
ctx = AppContext.open(lambda: None)
with ctx.database.begin() as conn:
    conn.exec_driver_sql("UPDATE tenants SET name = 'Renamed' WHERE name = 'Good'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_read_only_folder(installation: Installation) -> None:
    assert_only_reading_works(
        installation,
        make_read_only,
        f"the data directory {installation.home} is read-only; make it writable and try again",
    )
    remount_writable(installation.mount)
    assert installation.run("tenants", "edit", "Good", "--tag", "vip").returncode == 0
    assert "vip" in installation.run("tenants", "list").stdout


def test_what_a_killed_process_left_in_the_wal_is_read(installation: Installation) -> None:
    died = subprocess.run(
        [sys.executable, "-c", _RENAME_AND_DIE],
        env={**os.environ, **installation.env, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert died.returncode == -9, died.stderr
    assert (installation.home / "stock-tracker.db-wal").stat().st_size > 0
    make_read_only(installation.mount)
    listed = json.loads(installation.run("tenants", "list", "--json").stdout)
    assert "Renamed" in [tenant["name"] for tenant in listed]
    runs = installation.run("history", "--json")
    assert runs.returncode == 0, runs.stderr
    assert "Renamed" in [run["tenant"] for run in json.loads(runs.stdout)]
