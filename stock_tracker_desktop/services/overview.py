"""Read models across sellers: what the Sellers tab shows of each, and what the home view
counts across all of them, read in one go.

Blocking functions for the core's database thread (core.AppCore.overview).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from stock_tracker_desktop.domain.runs import RunStatus
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.plan_limits import PlanLimits
from stock_tracker_desktop.services.stock_tables import (
    DAYS_COLUMN,
    STOCK_COLUMN,
    product_table,
    read_level_columns,
)
from stock_tracker_desktop.services.tenants import TenantService, TenantView
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.sync_runs import RunRecord, SyncRunRepository


@dataclass(frozen=True, slots=True)
class TenantOverview:
    tenant: TenantView
    last_run: RunRecord | None
    products: int | None  # of the run that took the current snapshot
    low_stock: int | None  # products low on at least one warehouse in the current snapshot
    # Beyond the plan's seller limit: its syncs wait (services.plan_limits), its data stays.
    paused: bool = False


def tenant_overview(ctx: AppContext, *, include_archived: bool = False) -> list[TenantOverview]:
    database: Engine = ctx.database
    runs = SyncRunRepository(database)
    last_runs = runs.last_runs()
    rows = []
    tenants = TenantService(ctx).all(include_archived=include_archived)
    paused = PlanLimits(ctx).paused(tenants)
    for tenant in tenants:
        current = snapshots.current_snapshot(database, tenant.id)
        products = low = None
        if current is not None:
            low = len(snapshots.low_stock_products(database, current.id))
            good = runs.history(tenant_id=tenant.id, status=RunStatus.SUCCEEDED, limit=1)
            products = good[0].products if good else None
        rows.append(
            TenantOverview(tenant, last_runs.get(tenant.id), products, low, tenant.id in paused)
        )
    return rows


# What the home view counts as needing someone: a last run that did not end well, and
# credentials that stop working within this many days (or stopped already).
NEEDS_ATTENTION = (RunStatus.FAILED, RunStatus.INTERRUPTED, RunStatus.PARTLY_SUCCEEDED)
EXPIRY_WARNING = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class FailedSeller:
    tenant: TenantView
    run: RunRecord


@dataclass(frozen=True, slots=True)
class ShortProduct:
    """A product low on stock over all its warehouses, or out of it while it sells."""

    tenant: TenantView
    product_id: str
    vendor_code: str
    name: str
    stock: int
    days_of_stock: float | None

    @property
    def out_of_stock(self) -> bool:
        return self.stock == 0


@dataclass(frozen=True, slots=True)
class ExpiringCredentials:
    tenant: TenantView
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class HomeSummary:
    """What needs the agency today, across every active seller."""

    tenants: tuple[TenantView, ...]  # every active seller
    failed: list[FailedSeller]
    short: list[ShortProduct]  # the most urgent first
    expiring: list[ExpiringCredentials]  # the soonest first
    next_runs: list[tuple[TenantView, datetime]] = field(default_factory=list)

    @property
    def sellers(self) -> int:
        return len(self.tenants)

    @property
    def out_of_stock(self) -> int:
        return sum(1 for product in self.short if product.out_of_stock)

    @property
    def low_stock(self) -> int:
        return len(self.short) - self.out_of_stock

    def with_next_runs(self, planned: Mapping[uuid.UUID, datetime]) -> HomeSummary:
        """The summary with the scheduler's plan (which only the core knows), soonest first."""
        tenants = {tenant.id: tenant for tenant in self.tenants}
        runs = sorted(
            ((tenants[tid], when) for tid, when in planned.items() if tid in tenants),
            key=lambda pair: pair[1],
        )
        return replace(self, next_runs=runs)


def home_summary(ctx: AppContext, *, now: datetime | None = None) -> HomeSummary:
    """Failed last syncs, products short of stock, credentials expiring, over every active
    seller, read in one go on the database thread (the scheduler's plan is added by the core)."""
    now = now or datetime.now(UTC)
    database: Engine = ctx.database
    last_runs = SyncRunRepository(database).last_runs()
    tenants = TenantService(ctx).all()
    failed, short, expiring = [], [], []
    for tenant in tenants:
        run = last_runs.get(tenant.id)
        if run is not None and run.status in NEEDS_ATTENTION:
            failed.append(FailedSeller(tenant, run))
        if tenant.token_expires_at is not None and tenant.token_expires_at - now <= EXPIRY_WARNING:
            expiring.append(ExpiringCredentials(tenant, tenant.token_expires_at))
        short.extend(_short_products(database, tenant))
    short.sort(key=lambda p: (p.stock != 0, p.days_of_stock or 0.0, p.tenant.name, p.name))
    expiring.sort(key=lambda e: e.expires_at)
    return HomeSummary(tuple(tenants), failed, short, expiring)


def _short_products(database: Engine, tenant: TenantView) -> list[ShortProduct]:
    snapshot = snapshots.current_snapshot(database, tenant.id)
    if snapshot is None:
        return []
    columns = read_level_columns(database, snapshot.id)
    table = product_table(columns, snapshot.window_days, snapshot.threshold_days)
    stock, days = table.column(STOCK_COLUMN), table.column(DAYS_COLUMN)
    codes, names = table.column("vendor_code"), table.column("name")
    return [
        ShortProduct(
            tenant,
            table.product_ids[row],
            str(codes[row]),
            str(names[row]),
            int(stock[row]),  # type: ignore[call-overload]  # the stock column holds ints
            days[row],  # type: ignore[arg-type]  # floats or None
        )
        for row, low in enumerate(table.low)
        if low
    ]
