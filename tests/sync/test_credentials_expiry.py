"""A sync keeps each seller's token or key expiry current, so the window can warn in time."""

from __future__ import annotations

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus
from stock_tracker_desktop.sync.engine import SyncEngine
from tests.sync.conftest import add_ozon, add_wb


async def test_a_sync_records_when_the_ozon_key_and_the_wb_token_expire(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    ozon_seller, wb_seller = sim.world.sellers[0], sim.world.sellers[1]
    add_ozon(ctx, ozon_seller, "Ozon shop")
    add_wb(ctx, wb_seller, "WB shop")
    tenants = TenantService(ctx)
    assert tenants.get("Ozon shop").token_expires_at is None  # an Ozon key says nothing itself
    wb_expiry = tenants.get("WB shop").token_expires_at

    engine = SyncEngine(ctx)
    try:
        results = await engine.sync()
    finally:
        await engine.aclose()

    assert all(r.status is RunStatus.SUCCEEDED for r in results)
    assert tenants.get("Ozon shop").token_expires_at == ozon_seller.ozon_key_expires_at
    assert tenants.get("Ozon shop").token_days_left() is not None
    assert tenants.get("WB shop").token_expires_at == wb_expiry  # from the token, unchanged
