"""Wildberries sellers of a running simulator, imported into the test's installation by the
real command line, as the fault and crash tests start from them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.cli import run_cli


def simulator_env(sim: RunningSimulator) -> dict[str, str]:
    """The environment that sends a `stock-tracker` process to the simulator."""
    return {
        "STOCK_TRACKER_WB_BASE_URL": sim.base_url,
        "STOCK_TRACKER_OZON_BASE_URL": sim.base_url,
        "STOCK_TRACKER_TIME_FACTOR": str(sim.world.config.time_factor),
    }


def import_wb_sellers(sim: RunningSimulator, folder: Path, *, concurrency: int) -> list[str]:
    """Every seller of the simulator as a tenant "Seller NN"; returns their names."""
    names = [f"Seller {i:02d}" for i in range(len(sim.world.sellers))]
    sellers = folder / "sellers.csv"
    sellers.write_text(
        "name,marketplace,token_env\n"
        + "".join(f"{name},wildberries,T{i}\n" for i, name in enumerate(names))
    )
    tokens = {f"T{i}": seller.wb_token for i, seller in enumerate(sim.world.sellers)}
    imported = run_cli("tenants", "import", str(sellers), env={**simulator_env(sim), **tokens})
    assert imported.returncode == 0, imported.stderr
    settings = run_cli("settings", "set", "concurrency", str(concurrency))
    assert settings.returncode == 0, settings.stderr
    return names


def simulated_sellers(
    make_simulator: Callable[..., RunningSimulator],
    folder: Path,
    *,
    seed: int,
    sellers: int,
    concurrency: int,
) -> tuple[RunningSimulator, dict[str, str], list[str]]:
    """A small, fast simulated world, its sellers imported: (simulator, environment, names)."""
    sim = make_simulator(seed=seed, sellers=sellers, products=8, time_factor=0.01)
    return sim, simulator_env(sim), import_wb_sellers(sim, folder, concurrency=concurrency)


def count_snapshots(home: Path, *, complete: bool) -> int:
    """Complete or pending snapshots, read as another process would while a sync runs on."""
    ctx = AppContext.open(lambda: None, home, migrate=False)
    try:
        with ctx.database.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM snapshots WHERE complete = :complete"),
                {"complete": int(complete)},
            ).scalar_one()
    finally:
        ctx.close()


def snapshots_by_run_status(home: Path) -> set[tuple[int, str | None]]:
    """(complete, status of the snapshot's run) of every snapshot, read as a later process
    would; also checks that no run is left running."""
    ctx = AppContext.open(lambda: None, home)
    try:
        with ctx.database.connect() as conn:
            running = conn.execute(
                text("SELECT count(*) FROM sync_runs WHERE status = 'running'")
            ).scalar_one()
            rows = conn.execute(
                text(
                    "SELECT s.complete, r.status FROM snapshots s"
                    " LEFT JOIN sync_runs r ON r.id = s.sync_run_id"
                )
            ).all()
    finally:
        ctx.close()
    assert running == 0
    return {(complete, status) for complete, status in rows}
