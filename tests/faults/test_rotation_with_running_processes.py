"""Key rotation beside running processes: refused while a sync or the daemon has the installation
open (their work would go to a file renamed away), and a process starting mid-rotation waits."""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop.services import vault_service
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage.installation_lock import HOLDERS_DIR, InstallationBusy
from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository
from stock_tracker_desktop.ui.settings_dialog import rotation_refusal
from tests.support.cli import run_cli, start_cli

SELLERS = 3


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def slow_env(
    make_simulator: Callable[..., RunningSimulator], isolated_home: Path, tmp_path: Path
) -> dict[str, str]:
    """Three WB sellers whose orders answer only after 3 s: a sync that runs long enough."""
    sim = make_simulator(seed=3, sellers=SELLERS, products=5, time_factor=0.01)
    env = {
        "STOCK_TRACKER_WB_BASE_URL": sim.base_url,
        "STOCK_TRACKER_OZON_BASE_URL": sim.base_url,
        "STOCK_TRACKER_TIME_FACTOR": "0.01",
    }
    sellers = tmp_path / "sellers.csv"
    sellers.write_text(
        "name,marketplace,token_env\n"
        + "".join(f"Seller {i},wildberries,T{i}\n" for i in range(SELLERS))
    )
    tokens = {f"T{i}": seller.wb_token for i, seller in enumerate(sim.world.sellers)}
    imported = run_cli("tenants", "import", str(sellers), env={**env, **tokens})
    assert imported.returncode == 0, imported.stderr
    # The first orders call of each seller (one each) is slow.
    slow = Fault(kind="slow", path_prefix="/api/v1/supplier/orders", count=SELLERS, delay=3)
    sim.world.faults.add(slow)
    return env


def _running_runs(home: Path) -> int:
    ctx = AppContext.open(lambda: None, home, migrate=False)
    try:
        runs = SyncRunRepository(ctx.database).history(limit=None)
        return sum(run.status is RunStatus.RUNNING for run in runs)
    finally:
        ctx.close()


def _wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def background() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_rotation_is_refused_while_a_sync_runs_and_the_sync_loses_nothing(
    slow_env: dict[str, str], isolated_home: Path, background: list[subprocess.Popen[str]]
) -> None:
    sync = start_cli(
        "sync", "--all", env=slow_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    background.append(sync)
    _wait_for(lambda: _running_runs(isolated_home) == SELLERS)
    vault_before = _digest(isolated_home / "vault.json")

    rotate = run_cli("vault", "rotate")

    assert rotate.returncode == 2, rotate.stderr
    message = rotate.stderr.strip()
    assert f"stock-tracker sync, pid {sync.pid}, is syncing {SELLERS} sellers" in message
    assert message.endswith("stop it or wait, then rotate again")
    assert "Traceback" not in rotate.stderr
    assert _digest(isolated_home / "vault.json") == vault_before
    out, _ = sync.communicate(timeout=60)
    assert sync.returncode == 0, out
    ctx = AppContext.open(lambda: None, isolated_home)
    try:
        runs = SyncRunRepository(ctx.database).history(limit=None)
        assert sorted(run.status for run in runs) == [RunStatus.SUCCEEDED] * SELLERS
    finally:
        ctx.close()
    assert run_cli("vault", "rotate").returncode == 0  # alone now: it rotates


def test_rotation_is_refused_while_the_daemon_runs(
    isolated_home: Path, background: list[subprocess.Popen[str]]
) -> None:
    backup = run_cli("db", "backup")
    assert backup.returncode == 0, backup.stderr
    daemon = start_cli("daemon", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    background.append(daemon)
    _wait_for(lambda: (isolated_home / HOLDERS_DIR / str(daemon.pid)).exists())
    key_before = _digest(isolated_home / "vault.json")

    rotate = run_cli("vault", "rotate")

    assert rotate.returncode == 2
    assert f"the daemon, pid {daemon.pid}, has it open" in rotate.stderr
    assert _digest(isolated_home / "vault.json") == key_before
    ctx = AppContext.open(lambda: None, isolated_home)
    try:  # the window's refusal says the same
        with pytest.raises(InstallationBusy) as refused, ctx.exclusive("rotate"):
            pass
    finally:
        ctx.close()
    assert rotation_refusal(refused.value) == (
        f"Other programs use this installation: the daemon (pid {daemon.pid}) has it open. "
        "Stop them or wait, then rotate again."
    )
    restore = run_cli("db", "restore", backup.stdout.strip())
    assert restore.returncode == 2
    refusal = "cannot restore while other processes use this installation: the daemon, pid"
    assert f"{refusal} {daemon.pid}, has it open" in restore.stderr


def test_a_process_starting_mid_rotation_waits_for_it(
    isolated_home: Path, background: list[subprocess.Popen[str]]
) -> None:
    ctx = AppContext.open(lambda: None, isolated_home)
    try:
        with ctx.exclusive("rotate"):
            listing = start_cli("tenants", "list", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            background.append(listing)
            time.sleep(1.5)
            assert listing.poll() is None  # waiting, not opening the files being replaced
        _out, err = listing.communicate(timeout=30)
        assert listing.returncode == 0, err
    finally:
        ctx.close()


def test_the_only_process_rotates_holding_its_own_lock(isolated_home: Path) -> None:
    ctx = AppContext.open(lambda: None, isolated_home)
    try:
        old = ctx.vault.keys.database_key
        vault_service.rotate(ctx)
        assert ctx.vault.keys.database_key != old
        # ... and still holds the installation shared: another rotation must wait for it.
        other = run_cli("vault", "rotate")
        assert other.returncode == 2
        assert "cannot rotate while other processes use this installation" in other.stderr
    finally:
        ctx.close()
