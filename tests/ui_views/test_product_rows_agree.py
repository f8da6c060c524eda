"""The stock view's per-product rows and the wide export's show the same totals of a snapshot."""

from __future__ import annotations

from stock_tracker_desktop.exporters.table import build_table
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.stock_tables import StockData, load_stock
from stock_tracker_desktop.storage import snapshots
from tests.exporters.conftest import add_tenant, write_demo_snapshot

# The view's column id of each per-product figure both show.
VIEW_COLUMNS = {
    "quantity": "stock",
    "in_transit_to_customers": "to_customers",
    "in_transit_returns": "returns",
    "orders": "orders",
    "days_of_stock": "days",
}


def test_view_and_export_product_rows_agree_in_transit_included(ctx: AppContext) -> None:
    tenant = add_tenant(ctx, "Acme")
    # Several warehouses of both types, in-transit figures, WB rows without a warehouse.
    write_demo_snapshot(ctx, tenant, products=60, seed=3)
    data = load_stock(ctx.database, tenant.id)
    assert isinstance(data, StockData)
    view = data.products
    levels = snapshots.stock_levels(ctx.database, data.snapshot.id)
    exported = build_table(data.snapshot, levels, tenant).products

    assert list(view.product_ids) == [row.product_id for row in exported]
    for figure, column in VIEW_COLUMNS.items():
        assert list(view.column(column)) == [row.totals[figure] for row in exported], figure
    assert list(view.low) == [row.totals["low_stock"] for row in exported]
    # The snapshot has what told the two apart: in-transit figures, also on rows without a
    # warehouse; and both are the sums over all of a product's rows.
    assert any(view.column("to_customers")) and any(view.column("returns"))
    assert any(not lv.warehouse and lv.in_transit_to_customers for lv in levels)
    for row in exported:
        own = [lv for lv in levels if lv.product_id == row.product_id]
        assert row.totals["in_transit_to_customers"] == sum(
            lv.in_transit_to_customers for lv in own
        )
        assert row.totals["in_transit_returns"] == sum(lv.in_transit_returns for lv in own)
