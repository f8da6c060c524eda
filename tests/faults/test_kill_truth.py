"""kill -9 of a sync at many moments: afterwards history and the snapshots tell one truth. A
published snapshot is always of a run recorded as succeeded; an interrupted run's snapshot is
never the one shown."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantChanges, TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from tests.fake_sheets import RunningGoogle
from tests.marketplaces.servers import serve_trickling_headers
from tests.support.cli import run_cli, start_cli
from tests.support.sellers import count_snapshots, simulated_sellers, snapshots_by_run_status

FINISHED = {"succeeded", "partly_succeeded"}


def _start_sync(env: dict[str, str]) -> subprocess.Popen[str]:
    return start_cli("sync", "--all", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_after(seconds: float, env: dict[str, str]) -> None:
    process = _start_sync(env)
    time.sleep(seconds)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_kill_9_at_many_moments_leaves_one_truth(
    make_simulator: Callable[..., RunningSimulator], isolated_home: Path, tmp_path: Path
) -> None:
    _, env, _ = simulated_sellers(make_simulator, tmp_path, seed=21, sellers=6, concurrency=3)
    moments = random.Random(21)
    for _ in range(6):
        # From the process's start-up to its last sellers' saving (about 1 to 3 s in).
        _kill_after(moments.uniform(0.8, 3.0), env)
        found = snapshots_by_run_status(isolated_home)  # start-up has cleaned up after the kill
        assert found <= {(1, status) for status in FINISHED}, found


def test_a_kill_after_publishing_keeps_the_run_succeeded(
    make_simulator: Callable[..., RunningSimulator],
    make_google: Callable[..., RunningGoogle],
    isolated_home: Path,
    tmp_path: Path,
) -> None:
    """Killed while exporting to a Google that never answers: the snapshot is published, so
    history says the run succeeded (not "interrupted, the previous snapshot was kept")."""
    _, env, names = simulated_sellers(make_simulator, tmp_path, seed=22, sellers=3, concurrency=3)
    _export_to_a_sheet(isolated_home, names, make_google(time_factor=0.01))
    with serve_trickling_headers(interval=5) as silent_google:
        process = _start_sync({**env, "STOCK_TRACKER_GOOGLE_BASE_URL": silent_google})
        try:
            deadline = time.monotonic() + 20
            while (
                count_snapshots(isolated_home, complete=True) < len(names)
                and time.monotonic() < deadline
            ):
                time.sleep(0.1)
            assert count_snapshots(isolated_home, complete=True) == len(names)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    assert snapshots_by_run_status(isolated_home) == {(1, "succeeded")}
    history = run_cli("history")
    assert "interrupted" not in history.stdout


def _export_to_a_sheet(home: Path, names: list[str], google: RunningGoogle) -> None:
    account = "exports@agency.iam.gserviceaccount.com"
    key = google.fake.add_account(account)
    book = google.fake.add_spreadsheet("Sellers", shared={account: "writer"})
    ctx = AppContext.open(lambda: None, home)
    try:
        for name in names:
            TenantService(ctx).edit(
                name,
                TenantChanges(
                    service_account_json=key,
                    overrides={"google_sheet": f"https://docs.google.com/spreadsheets/d/{book}"},
                ),
            )
    finally:
        ctx.close()
