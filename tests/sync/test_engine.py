"""The sync engine against the simulator: exact figures, isolation of failures, history."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository, Trigger
from stock_tracker_desktop.sync import engine as engine_module
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncEvent, SyncFinished, SyncProgress, SyncStarted
from tests.sync.conftest import add_ozon, add_wb
from tests.sync.truth import assert_matches_truth, stored_levels


async def test_sync_stores_exactly_the_true_figures(ctx: AppContext, sim: RunningSimulator) -> None:
    add_wb(ctx, sim.world.sellers[0], "WB One")
    add_ozon(ctx, sim.world.sellers[1], "Ozon Two")
    events: list[SyncEvent] = []
    engine = SyncEngine(ctx)
    engine.subscribe(events.append)
    try:
        results = await engine.sync(trigger=Trigger.CLI)
    finally:
        await engine.aclose()
    assert [(r.tenant, r.status) for r in results] == [
        ("Ozon Two", RunStatus.SUCCEEDED),
        ("WB One", RunStatus.SUCCEEDED),
    ]
    assert_matches_truth(ctx, sim, "WB One", 0, Marketplace.WILDBERRIES)
    assert_matches_truth(ctx, sim, "Ozon Two", 1, Marketplace.OZON)
    assert {type(e) for e in events} == {SyncStarted, SyncProgress, SyncFinished}
    stages = {e.stage.split(":")[0] for e in events if isinstance(e, SyncProgress)}
    assert stages >= {"products", "stock", "orders"}
    history = SyncRunRepository(ctx.database).history()
    assert len(history) == 2
    for run in history:
        assert run.status is RunStatus.SUCCEEDED
        assert run.trigger is Trigger.CLI
        assert run.products == 40
        assert run.requests > 0
        assert run.duration is not None
        assert run.duration > 0
        stages = [s.stage for s in run.stages]
        assert stages.index("products") < stages.index("stock")  # stock needs the products
        assert stages[-1] == "saving"


async def _sync_recording_stages(ctx: AppContext) -> list[tuple[str, str]]:
    """Sync every tenant; (tenant, stage) of each progress event, in the order pages arrived."""
    engine = SyncEngine(ctx)
    seen: list[tuple[str, str]] = []
    engine.subscribe(
        lambda e: (
            seen.append((e.tenant, e.stage.split(":")[0])) if isinstance(e, SyncProgress) else None
        )
    )
    try:
        results = await engine.sync()
    finally:
        await engine.aclose()
    assert all(r.status is RunStatus.SUCCEEDED for r in results)
    return seen


async def test_wb_orders_run_beside_products_and_ozon_orders_wait_for_them(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    # The catalogue's first answer takes a second. WB's order rows name the product themselves,
    # so its orders overlap the catalogue; Ozon's postings name SKUs that only the catalogue
    # maps to products, so its orders follow it.
    wb, ozon = sim.world.sellers[0], sim.world.sellers[1]
    add_wb(ctx, wb, "WB")
    add_ozon(ctx, ozon, "Ozon")
    for prefix, seller in (("/content/", wb.seller_id), ("/v3/product/list", ozon.seller_id)):
        sim.world.faults.add(Fault(kind="slow", path_prefix=prefix, seller_id=seller, delay=1.0))
    seen = await _sync_recording_stages(ctx)
    wb_stages = [stage for tenant, stage in seen if tenant == "WB"]
    ozon_stages = [stage for tenant, stage in seen if tenant == "Ozon"]
    # WB: order pages arrived while the catalogue was still being read.
    assert wb_stages.index("orders") < wb_stages.index("products")
    # Ozon: not one order page before the last catalogue page.
    last_products = len(ozon_stages) - 1 - ozon_stages[::-1].index("products")
    assert ozon_stages.index("orders") > last_products


async def test_catalogues_are_read_a_few_tenants_at_once(
    ctx: AppContext, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One place for catalogues: the second tenant reads its products and stock only once the
    # first one's snapshot has begun, while both order histories are read all along.
    monkeypatch.setattr(engine_module, "CATALOGUES_AT_ONCE", 1)
    for index in range(3):
        add_wb(ctx, sim.world.sellers[index], f"Seller {index}")
    seen = await _sync_recording_stages(ctx)
    catalogue = [tenant for tenant, stage in seen if stage in ("products", "stock")]
    runs = [tenant for tenant, _ in itertools.groupby(catalogue)]
    assert sorted(runs) == ["Seller 0", "Seller 1", "Seller 2"]  # one after another, unbroken
    assert {tenant for tenant, stage in seen if stage == "orders"} == set(runs)
    for index in range(3):
        assert_matches_truth(ctx, sim, f"Seller {index}", index, Marketplace.WILDBERRIES)


async def test_failures_stay_with_their_tenant(ctx: AppContext, sim: RunningSimulator) -> None:
    sellers = sim.world.sellers
    add_wb(ctx, sellers[0], "Healthy")
    add_wb(ctx, sellers[1], "Expired", token=sim.world.mint_wb_token(sellers[1], expired=True))
    add_ozon(ctx, sellers[2], "Retired")
    sim.world.faults.add(
        Fault(kind="retired", path_prefix="/v1/analytics/stocks", seller_id=sellers[2].seller_id)
    )
    engine = SyncEngine(ctx)
    try:
        results = {r.tenant: r for r in await engine.sync()}
    finally:
        await engine.aclose()
    assert results["Healthy"].status is RunStatus.SUCCEEDED
    assert results["Expired"].status is RunStatus.FAILED
    assert "token expired on" in results["Expired"].message
    assert results["Retired"].status is RunStatus.FAILED
    assert "endpoint retired by the marketplace" in results["Retired"].message
    assert "/v1/analytics/stocks" in results["Retired"].message
    runs = {r.tenant: r for r in SyncRunRepository(ctx.database).history()}
    # Products and orders start together on WB: whichever answer comes first names the stage.
    expired = runs["Expired"]
    assert (expired.error_stage, expired.error_endpoint) in {
        ("products", "POST /content/v2/get/cards/list"),
        ("orders", "GET /api/v1/supplier/orders"),
    }
    assert runs["Retired"].error_stage == "stock"
    assert runs["Retired"].error_endpoint == "POST /v1/analytics/stocks"
    service = TenantService(ctx)
    assert snapshots.current_snapshot(ctx.database, service.get("Expired").id) is None


async def test_a_failed_run_keeps_the_previous_snapshot(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    add_wb(ctx, sim.world.sellers[0], "Acme")
    engine = SyncEngine(ctx)
    try:
        first = (await engine.sync())[0]
        before = stored_levels(ctx, "Acme")
        sim.world.faults.add(
            Fault(kind="server_error", path_prefix="/api/v1/supplier/orders", count=1000)
        )
        second = (await engine.sync())[0]
    finally:
        await engine.aclose()
    assert first.status is RunStatus.SUCCEEDED
    assert second.status is RunStatus.FAILED
    assert "HTTP 50" in second.message
    assert stored_levels(ctx, "Acme") == before


async def test_cancel_stops_quickly_and_is_recorded(ctx: AppContext, sim: RunningSimulator) -> None:
    add_wb(ctx, sim.world.sellers[0], "Slow")
    sim.world.faults.add(
        Fault(kind="slow", path_prefix="/api/v1/supplier/orders", count=100, delay=30)
    )
    engine = SyncEngine(ctx)
    try:
        tenant = TenantService(ctx).get("Slow")
        fetching = asyncio.Event()
        engine.subscribe(lambda e: fetching.set() if isinstance(e, SyncProgress) else None)
        task = engine.start(tenant, Trigger.MANUAL)
        await fetching.wait()
        loop = asyncio.get_running_loop()
        asked = loop.time()
        assert engine.cancel(tenant.id)
        result = await task
        took = loop.time() - asked
    finally:
        await engine.aclose()
    assert result.status is RunStatus.CANCELLED
    assert took < 1.0
    run = SyncRunRepository(ctx.database).history()[0]
    assert run.status is RunStatus.CANCELLED
    assert snapshots.current_snapshot(ctx.database, tenant.id) is None


async def test_the_same_tenant_never_runs_twice(ctx: AppContext, sim: RunningSimulator) -> None:
    add_wb(ctx, sim.world.sellers[0], "Once")
    tenant = TenantService(ctx).get("Once")
    engine = SyncEngine(ctx)
    # e.g. the scheduler daemon and a window on the same data dir: each has its own database
    other_ctx = AppContext.open(lambda: None, ctx.home)
    other = SyncEngine(other_ctx)
    try:
        started = asyncio.Event()
        engine.subscribe(lambda e: started.set() if isinstance(e, SyncStarted) else None)
        first = engine.start(tenant, Trigger.MANUAL)
        assert engine.start(tenant, Trigger.MANUAL) is first  # joined, not doubled
        await started.wait()
        refused = await other.start(tenant, Trigger.SCHEDULE)
        done = await first
    finally:
        await engine.aclose()
        await other.aclose()
        other_ctx.close()
    assert refused.status is None
    assert "already syncing in the window (this process) since" in refused.refused
    assert done.status is RunStatus.SUCCEEDED
    assert len(SyncRunRepository(ctx.database).history()) == 1


async def test_old_snapshots_are_pruned(ctx: AppContext, sim: RunningSimulator) -> None:
    from stock_tracker_desktop.services.settings import SettingsService

    SettingsService(ctx).update(keep_snapshots=2)
    add_wb(ctx, sim.world.sellers[0], "Acme")
    engine = SyncEngine(ctx)
    try:
        for _ in range(3):
            assert (await engine.sync())[0].status is RunStatus.SUCCEEDED
    finally:
        await engine.aclose()
    tenant = TenantService(ctx).get("Acme")
    assert len(snapshots.snapshots_of(ctx.database, tenant.id)) == 2
    assert len(SyncRunRepository(ctx.database).history()) == 3
