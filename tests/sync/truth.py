"""Comparing what a sync stored with what the simulator knows to be true."""

from __future__ import annotations

from stock_tracker_desktop.domain.figures import days_of_stock
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage import snapshots


def stored_levels(
    ctx: AppContext, name: str
) -> dict[tuple[str, str, str], snapshots.StockLevelRow]:
    tenant = TenantService(ctx).get(name)
    current = snapshots.current_snapshot(ctx.database, tenant.id)
    assert current is not None
    return {
        (row.product_id, row.warehouse, row.warehouse_type.value): row
        for row in snapshots.stock_levels(ctx.database, current.id)
    }


def assert_matches_truth(
    ctx: AppContext, sim: RunningSimulator, name: str, seller_index: int, marketplace: Marketplace
) -> None:
    window = last_full_days(7)
    truth = sim.world.expected(sim.world.sellers[seller_index], marketplace, window)
    stored = stored_levels(ctx, name)
    for (product_id, warehouse, kind), (qty, to_customers, returns) in truth.stock.items():
        row = stored[(product_id, warehouse, kind.value)]
        assert (row.quantity, row.in_transit_to_customers, row.in_transit_returns) == (
            qty,
            to_customers,
            returns,
        ), (product_id, warehouse)
    orders_by_place: dict[tuple[str, str], int] = {}
    for (product_id, warehouse, _kind), row in stored.items():
        orders_by_place[(product_id, warehouse)] = (
            orders_by_place.get((product_id, warehouse), 0) + row.orders
        )
        assert row.days_of_stock == days_of_stock(row.quantity, row.orders, 7)
    assert {k: v for k, v in orders_by_place.items() if v} == truth.orders
    # a warehouse with orders and no stock still appears, with stock 0, flagged low
    stockless = [
        (product_id, warehouse)
        for product_id, warehouse in truth.orders
        if not any(k[:2] == (product_id, warehouse) for k in truth.stock)
    ]
    assert stockless, "the simulator should have a warehouse with orders and no stock"
    for place in stockless:
        rows = [r for k, r in stored.items() if k[:2] == place]
        assert rows
        assert all(r.quantity == 0 for r in rows)
        assert all(r.low_stock for r in rows if r.orders)
