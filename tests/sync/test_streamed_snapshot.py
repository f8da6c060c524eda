"""A sync's snapshot is written while the sync runs and counts only once published."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from stock_tracker_desktop.domain.models import Marketplace, Product
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.snapshot_writer import SnapshotData, write_snapshot
from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository, Trigger
from stock_tracker_desktop.sync.engine import SyncEngine
from tests.sync.conftest import add_wb
from tests.sync.truth import assert_matches_truth

ORDERS = "/api/v1/supplier/orders"


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    """One seller whose order history comes in 14 pages (10 calls at once, then one per 0.6 s
    while the token's burst lasts, which earlier tests of the same seller may have spent)."""
    return point_clients_at(seed=11, sellers=1, products=40, time_factor=0.01, orders_row_cap=25)


def _table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            "pending": conn.execute(
                text("SELECT count(*) FROM snapshots WHERE complete = 0")
            ).scalar_one(),
            "snapshots": conn.execute(text("SELECT count(*) FROM snapshots")).scalar_one(),
            "levels": conn.execute(text("SELECT count(*) FROM stock_levels")).scalar_one(),
            "lines": conn.execute(text("SELECT count(*) FROM order_lines")).scalar_one(),
        }


async def _until_pending(engine: SyncEngine) -> dict[str, int]:
    """Wait until the running sync has begun its snapshot (queried on the engine's thread)."""
    for _ in range(200):
        counts = await engine.in_db(_table_counts, engine.ctx.database)
        if counts["pending"]:
            return counts
        await asyncio.sleep(0.05)
    raise AssertionError(
        f"the sync never began its snapshot: {[(r.stage, r.pages, r.rows) for r in engine.running]}"
    )


async def test_a_snapshot_counts_only_once_published(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    add_wb(ctx, sim.world.sellers[0], "Acme")
    tenant = TenantService(ctx).get("Acme")
    SettingsService(ctx).update(keep_snapshots=1)
    engine = SyncEngine(ctx)
    try:
        assert (await engine.sync())[0].status is RunStatus.SUCCEEDED
        previous = snapshots.current_snapshot(ctx.database, tenant.id)
        assert previous is not None
        # Orders answer slowly: products and stock are in, the order history is still read.
        sim.world.faults.add(Fault(kind="slow", path_prefix=ORDERS, count=3, delay=0.6))
        task = engine.start(tenant, Trigger.MANUAL)
        during = await _until_pending(engine)

        def readers() -> tuple[object, list[object], list[object]]:
            product = snapshots.stock_levels(ctx.database, previous.id)[0].product_id
            return (
                snapshots.current_snapshot(ctx.database, tenant.id),
                snapshots.snapshots_of(ctx.database, tenant.id),
                snapshots.product_history(ctx.database, tenant.id, product),
            )

        current, kept, history = await engine.in_db(readers)
        result = await task
    finally:
        await engine.aclose()
    # While it was written, every reader saw the previous snapshot only.
    assert during["snapshots"] == 2
    assert during["levels"] > 0
    assert current == previous
    assert kept == [previous]
    assert len(history) == 1
    # Published: it is the current one, and pruning (keep 1) removed the previous one.
    assert result.status is RunStatus.SUCCEEDED
    now = snapshots.current_snapshot(ctx.database, tenant.id)
    assert now is not None and now.taken_at > previous.taken_at
    assert snapshots.snapshots_of(ctx.database, tenant.id) == [now]
    assert _table_counts(ctx.database)["pending"] == 0
    # Order lines written page by page while pending, the rest at publishing: exact figures.
    assert_matches_truth(ctx, sim, "Acme", 0, Marketplace.WILDBERRIES)


async def _run_that_ends_after_its_snapshot_began(
    ctx: AppContext, sim: RunningSimulator, end: str
) -> tuple[RunStatus, str, dict[str, int], dict[str, int]]:
    add_wb(ctx, sim.world.sellers[0], "Acme")
    tenant = TenantService(ctx).get("Acme")
    engine = SyncEngine(ctx)
    try:
        assert (await engine.sync())[0].status is RunStatus.SUCCEEDED
        before = _table_counts(ctx.database)
        # The first order pages answer slowly: the chain outlasts products and stock.
        sim.world.faults.add(Fault(kind="slow", path_prefix=ORDERS, count=3, delay=0.6))
        task = engine.start(tenant, Trigger.MANUAL)
        await _until_pending(engine)
        if end == "cancel":
            engine.cancel(tenant.id)
        else:
            sim.world.faults.add(Fault(kind="server_error", path_prefix=ORDERS, count=1000))
        result = await task
    finally:
        await engine.aclose()
    assert result.status is not None
    return result.status, result.message, before, _table_counts(ctx.database)


async def test_a_cancelled_run_discards_its_begun_snapshot(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    status, _, before, after = await _run_that_ends_after_its_snapshot_began(ctx, sim, "cancel")
    assert status is RunStatus.CANCELLED
    assert after == before  # not a row of the unfinished snapshot is left


async def test_a_failed_run_discards_its_begun_snapshot(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    status, message, before, after = await _run_that_ends_after_its_snapshot_began(ctx, sim, "fail")
    assert status is RunStatus.FAILED
    assert "HTTP 50" in message
    assert after == before


def test_start_up_removes_snapshots_of_runs_that_died(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    add_wb(ctx, sim.world.sellers[0], "Acme")
    tenant = TenantService(ctx).get("Acme")
    runs = SyncRunRepository(ctx.database)
    alive = uuid.uuid4()
    runs.start(tenant.id, tenant.name, Trigger.MANUAL, alive)  # owned by this live process
    for run in (alive, None):  # None: its run is gone (the crash test kills a real one)
        write_snapshot(
            ctx.database,
            SnapshotData(
                tenant_id=tenant.id,
                sync_run_id=run,
                taken_at=datetime.now(UTC),
                window=last_full_days(7),
                threshold_days=14.0,
                products=[Product("1", "A-1", "Shirt", "Brand", "Shirts")],
                levels=[],
                order_lines=[],
            ),
            complete=False,
        )
    assert _table_counts(ctx.database)["pending"] == 2
    reopened = AppContext.open(lambda: None, ctx.home)
    try:
        # The live run's snapshot stays (another process may still be writing it).
        assert _table_counts(reopened.database)["pending"] == 1
    finally:
        reopened.close()
