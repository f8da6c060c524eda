"""What the tenants view shows about each tenant, read in one go on the database thread."""

from __future__ import annotations

from dataclasses import dataclass

from stock_tracker_desktop.services.tenants import TenantView
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.sync_runs import RunRecord, RunStatus
from stock_tracker_desktop.sync.engine import SyncEngine


@dataclass(frozen=True, slots=True)
class TenantOverview:
    tenant: TenantView
    last_run: RunRecord | None
    products: int | None  # of the run that took the current snapshot
    low_stock: int | None  # products low on at least one warehouse in the current snapshot


def load_overview(engine: SyncEngine, *, include_archived: bool = False) -> list[TenantOverview]:
    """Blocking: call through ``engine.in_db``."""
    last_runs = engine.runs.last_runs()
    rows = []
    for tenant in engine.tenants.list(include_archived=include_archived):
        current = snapshots.current_snapshot(engine.ctx.database, tenant.id)
        products = low = None
        if current is not None:
            low = len(snapshots.low_stock_products(engine.ctx.database, current.id))
            good = engine.runs.history(tenant_id=tenant.id, status=RunStatus.SUCCEEDED, limit=1)
            products = good[0].products if good else None
        rows.append(TenantOverview(tenant, last_runs.get(tenant.id), products, low))
    return rows
