"""The figures an export must show, computed straight from storage's rows (an independent
oracle: it shares no code with the exporters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.storage.snapshots import (
    SnapshotInfo,
    StockLevelRow,
    current_snapshot,
    stock_levels,
)


@dataclass
class ProductTruth:
    brand: str
    subject: str
    vendor_code: str
    stock: int = 0
    orders: int = 0
    to_customers: int = 0
    returns: int = 0
    places: dict[str, tuple[int, int, float | None, bool]] = field(default_factory=dict)


def snapshot_of(ctx: AppContext, name: str) -> tuple[SnapshotInfo, list[StockLevelRow]]:
    info = current_snapshot(ctx.database, TenantService(ctx).get(name).id)
    assert info is not None
    return info, stock_levels(ctx.database, info.id)


def expected_long(ctx: AppContext, names: Sequence[str]) -> list[tuple[Any, ...]]:
    """The long form's rows, typed, for the tenants in ``names`` in that order."""
    rows = []
    for name in names:
        marketplace = TenantService(ctx).get(name).marketplace.value
        info, levels = snapshot_of(ctx, name)
        taken = info.taken_at.astimezone(MOSCOW).isoformat(timespec="seconds")
        for lv in levels:
            rows.append(
                (name, marketplace, lv.product_id, lv.vendor_code, lv.name, lv.brand, lv.subject,
                 lv.warehouse, lv.warehouse_type.value, lv.quantity, lv.in_transit_to_customers,
                 lv.in_transit_returns, lv.orders, lv.days_of_stock, int(lv.low_stock), taken)
            )  # fmt: skip
    return rows


def truth(levels: list[StockLevelRow]) -> dict[str, ProductTruth]:
    """Per product: totals over all its rows, and per warehouse label the stored figures."""
    labels: dict[str, set[str]] = {}
    for lv in levels:
        labels.setdefault(lv.warehouse, set()).add(lv.warehouse_type.value)
    found: dict[str, ProductTruth] = {}
    for lv in levels:
        product = found.setdefault(
            lv.product_id, ProductTruth(lv.brand, lv.subject, lv.vendor_code)
        )
        product.stock += lv.quantity
        product.orders += lv.orders
        product.to_customers += lv.in_transit_to_customers
        product.returns += lv.in_transit_returns
        if lv.warehouse:
            label = lv.warehouse
            if len(labels[lv.warehouse]) > 1:
                label = f"{lv.warehouse} ({lv.warehouse_type.value})"
            product.places[label] = (lv.quantity, lv.orders, lv.days_of_stock, lv.low_stock)
    return found


def total_days(product: ProductTruth, window_days: int) -> float | None:
    if not product.orders:
        return None
    return round(product.stock / (product.orders / window_days), 1)
