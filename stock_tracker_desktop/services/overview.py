"""Read models across sellers: what the Sellers tab shows of each, read in one go.

Blocking functions for the core's database thread (core.AppCore.overview).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from stock_tracker_desktop.domain.runs import RunStatus
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService, TenantView
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.sync_runs import RunRecord, SyncRunRepository


@dataclass(frozen=True, slots=True)
class TenantOverview:
    tenant: TenantView
    last_run: RunRecord | None
    products: int | None  # of the run that took the current snapshot
    low_stock: int | None  # products low on at least one warehouse in the current snapshot


def tenant_overview(ctx: AppContext, *, include_archived: bool = False) -> list[TenantOverview]:
    database: Engine = ctx.database
    runs = SyncRunRepository(database)
    last_runs = runs.last_runs()
    rows = []
    for tenant in TenantService(ctx).all(include_archived=include_archived):
        current = snapshots.current_snapshot(database, tenant.id)
        products = low = None
        if current is not None:
            low = len(snapshots.low_stock_products(database, current.id))
            good = runs.history(tenant_id=tenant.id, status=RunStatus.SUCCEEDED, limit=1)
            products = good[0].products if good else None
        rows.append(TenantOverview(tenant, last_runs.get(tenant.id), products, low))
    return rows
