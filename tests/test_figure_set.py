"""The figure set, defined once: stored and read back whole, and summed per product once."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from stock_tracker_desktop.domain.figures import (
    FIGURE_NAMES,
    FIGURES,
    LevelFigures,
    product_totals,
)
from stock_tracker_desktop.domain.models import Product, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.snapshot_writer import SnapshotData, write_snapshot
from tests.exporters.conftest import add_tenant

FBO, FBS = WarehouseType.FBO, WarehouseType.FBS


def test_every_figure_is_written_and_read_back_as_stored(ctx: AppContext) -> None:
    """The INSERT and the SELECT both follow the definition: no figure is lost or swapped."""
    tenant = add_tenant(ctx, "Acme")
    # Every figure of a level differs from every other, so a swapped column shows.
    levels = [
        LevelFigures("1", "Коледино", FBO, 11, 12, 13, 14, 15.5, True),
        LevelFigures("1", "Склад продавца", FBS, 21, 22, 23, 24, None, False),
        LevelFigures("2", "", FBO, 0, 32, 33, 0, None, False),  # in transit, no warehouse
    ]
    write_snapshot(
        ctx.database,
        SnapshotData(
            tenant_id=tenant.id,
            sync_run_id=None,
            taken_at=datetime.now(UTC),
            window=last_full_days(7),
            threshold_days=14.0,
            products=[Product(p, f"A-{p}", f"Shirt {p}", "Brand", "Shirts") for p in "12"],
            levels=levels,
            order_lines=[],
        ),
    )
    current = snapshots.current_snapshot(ctx.database, tenant.id)
    assert current is not None
    rows = {
        (r.product_id, r.warehouse): r for r in snapshots.stock_levels(ctx.database, current.id)
    }
    assert set(rows) == {(lv.product_id, lv.warehouse) for lv in levels}
    for level in levels:
        row = rows[(level.product_id, level.warehouse)]
        stored = {name: getattr(row, name) for name in FIGURE_NAMES}
        assert stored == {name: getattr(level, name) for name in FIGURE_NAMES}
        assert isinstance(row.low_stock, bool)  # a flag, not SQLite's 0|1
        assert row.warehouse_type is level.warehouse_type
    # The records carry exactly the figure set, after their own fields.
    for record in (LevelFigures, snapshots.StockLevelRow):
        assert tuple(f.name for f in fields(record))[-len(FIGURES) :] == FIGURE_NAMES


def test_product_totals_sum_every_summed_figure_and_derive_the_rest_from_the_sums() -> None:
    product_ids = ["A", "B", "A", "A"]
    summed = {
        "quantity": [0, 5, 700, 0],
        "in_transit_to_customers": [1, 2, 3, 4],
        "in_transit_returns": [10, 20, 30, 40],
        "orders": [7, 0, 0, 0],
    }
    totals = product_totals(product_ids, summed, window_days=7, threshold=14.0)
    assert totals.product_ids == ["A", "B"]
    assert totals.levels == [[0, 2, 3], [1]]
    assert set(totals.figures) == set(FIGURE_NAMES)  # every figure, summed or derived
    a, b = totals.of(0), totals.of(1)
    assert (a["quantity"], a["in_transit_to_customers"], a["in_transit_returns"]) == (700, 8, 80)
    assert a["orders"] == 7
    # Its first level alone (stock 0 with orders) is low; the product over all warehouses is not.
    assert a["days_of_stock"] == 700.0
    assert a["low_stock"] is False
    assert (b["quantity"], b["orders"], b["days_of_stock"], b["low_stock"]) == (5, 0, None, False)
