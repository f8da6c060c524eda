"""kill -9 in the middle of syncing 20 tenants: nothing half-written, runs shown as interrupted."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from stock_tracker_desktop.marketplaces.settings import REQUEST_DEADLINE_ENV
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.database import integrity_check
from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository
from tests.support.cli import REPO_ROOT, run_cli
from tests.support.sellers import count_snapshots, import_wb_sellers, simulator_env


def test_kill_9_during_a_sync_of_20_tenants(
    make_simulator: Callable[..., RunningSimulator], isolated_home: Path, tmp_path: Path
) -> None:
    sim = make_simulator(seed=5, sellers=20, products=15, time_factor=0.01)
    # The hanging orders below must outlast the killing: no request deadline cuts them first.
    env = {**simulator_env(sim), REQUEST_DEADLINE_ENV: "9000"}
    import_wb_sellers(sim, tmp_path, concurrency=20)
    assert run_cli("sync", "--all", env=env).returncode == 0
    ctx = AppContext.open(lambda: None, isolated_home)
    previous = {
        t.name: snapshots.current_snapshot(ctx.database, t.id) for t in TenantService(ctx).all()
    }
    ctx.close()
    # The second sync hangs in the orders of half the sellers and is killed mid-flight.
    for seller in sim.world.sellers[::2]:
        sim.world.faults.add(
            Fault(
                kind="slow",
                path_prefix="/api/v1/supplier/orders",
                seller_id=seller.seller_id,
                count=1,
                delay=60,
            )
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "stock_tracker_desktop", "sync", "--all"],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    threading.Thread(target=lambda: [lines.put(x) for x in process.stderr], daemon=True).start()
    try:
        finished = 0
        while finished < 10:  # the ten healthy sellers are done; the others hang
            finished += lines.get(timeout=30).endswith(": succeeded\n")
        # ... with their snapshots begun (products and stock are in, orders hang).
        deadline = time.monotonic() + 30
        while count_snapshots(isolated_home, complete=False) < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert count_snapshots(isolated_home, complete=False) == 10
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    ctx = AppContext.open(lambda: None, isolated_home)
    try:
        assert integrity_check(ctx.database) == "ok"
        assert count_snapshots(isolated_home, complete=False) == 0  # removed at start-up
        runs = SyncRunRepository(ctx.database).history(limit=None)
        second = [r for r in runs if r.started_at > max(p.taken_at for p in previous.values())]
        statuses = sorted(r.status.value for r in second)
        assert statuses == ["interrupted"] * 10 + ["succeeded"] * 10
        for run in second:
            if run.status is RunStatus.INTERRUPTED:
                assert "stopped while this sync was running" in run.error_message
        for tenant in TenantService(ctx).all():
            current = snapshots.current_snapshot(ctx.database, tenant.id)
            assert current is not None
            run_of_tenant = next(r for r in second if r.tenant == tenant.name)
            if run_of_tenant.status is RunStatus.INTERRUPTED:
                assert current == previous[tenant.name]  # the previous complete snapshot
            else:
                assert current.taken_at > previous[tenant.name].taken_at
            assert snapshots.stock_levels(ctx.database, current.id)
    finally:
        ctx.close()
