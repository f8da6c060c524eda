"""The stock view against a tenant synced from the simulator: true figures, filters, chart."""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.domain.figures import days_of_stock, is_low_stock
from stock_tracker_desktop.domain.models import Marketplace, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.simulator.expected import ExpectedFigures
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.ui.stock_model import StockModel
from stock_tracker_desktop.ui.stock_view import StockView
from tests.sync.conftest import add_wb
from tests.ui_views.conftest import QtLoop

WINDOW_DAYS = 7
THRESHOLD = 14.0


def _rows(model: StockModel) -> list[dict[str, object]]:
    """What the table shows, cell by cell, through the model's Qt interface."""
    columns = [model.column_name(c) for c in range(model.columnCount())]
    return [
        {
            name: model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
            for column, name in enumerate(columns)
        }
        for row in range(model.rowCount())
    ]


def _days_text(stock: int, orders: int) -> str | None:
    days = days_of_stock(stock, orders, WINDOW_DAYS)
    return None if days is None else f"{days:.1f}"


@pytest.fixture
def truth(sim: RunningSimulator) -> ExpectedFigures:
    seller = sim.world.sellers[0]
    return sim.world.expected(seller, Marketplace.WILDBERRIES, last_full_days(WINDOW_DAYS))


@pytest.fixture
def view(
    ctx: AppContext, sim: RunningSimulator, core: AppCore, qloop: QtLoop, qtbot: QtBot
) -> StockView:
    add_wb(ctx, sim.world.sellers[0], "Acme WB")
    qloop.run(core.sync())
    stock_view = StockView(core)
    qtbot.addWidget(stock_view)
    stock_view.resize(1200, 700)
    stock_view.show()
    tenant = TenantService(ctx).get("Acme WB")
    qloop.wait_for(stock_view.loaded, lambda: stock_view.show_tenant(tenant))
    return stock_view


def test_rows_show_the_true_figures(view: StockView, truth: ExpectedFigures) -> None:
    shown = {(r["product_id"], r["warehouse"], r["type"]): r for r in _rows(view.model)}
    assert truth.stock
    for (product_id, warehouse, kind), (qty, to_customers, returns) in truth.stock.items():
        row = shown[(product_id, warehouse or "(in transit)", kind.name)]
        assert (row["stock"], row["to_customers"], row["returns"]) == (qty, to_customers, returns)
    orders: dict[tuple[str, str], int] = defaultdict(int)
    for (product_id, warehouse, _kind), row in shown.items():
        orders[(product_id, warehouse)] += row["orders"]  # type: ignore[operator]
        assert row["days"] == _days_text(row["stock"], row["orders"])  # type: ignore[arg-type]
    assert {k: v for k, v in orders.items() if v} == truth.orders
    assert "Snapshot of" in view.snapshot_label.text()
    assert "(7 d, Moscow time)" in view.snapshot_label.text()
    assert view.count_label.text() == f"{len(shown)} of {len(shown)} rows"


def test_search_matches_vendor_code_and_warehouse(
    view: StockView, truth: ExpectedFigures, qtbot: QtBot
) -> None:
    product = truth.products[3]
    view.search.setText(product.vendor_code)  # keyClicks only knows ASCII keys
    qtbot.waitUntil(lambda: view.model.rowCount() < view.model.total_rows())
    rows = _rows(view.model)
    assert rows
    assert {r["vendor_code"] for r in rows} == {product.vendor_code}
    places = {(p, w) for p, w, _k in truth.stock} | set(truth.orders)
    assert len(rows) == len({w for p, w in places if p == product.product_id})

    warehouse = next(w for _p, w, k in truth.stock if k is WarehouseType.FBO and w)
    view.search.setText(warehouse.upper())
    qtbot.waitUntil(lambda: all(r["warehouse"] == warehouse for r in _rows(view.model)))
    assert len(_rows(view.model)) == len({p for p, w in places if w == warehouse})

    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == view.model.total_rows())


def test_only_low_stock_filter(view: StockView, qtbot: QtBot) -> None:
    everything = _rows(view.model)
    expected_low = [
        r
        for r in everything
        if is_low_stock(
            r["stock"],  # type: ignore[arg-type]
            r["orders"],  # type: ignore[arg-type]
            days_of_stock(r["stock"], r["orders"], WINDOW_DAYS),  # type: ignore[arg-type]
            THRESHOLD,
        )
    ]
    assert 0 < len(expected_low) < len(everything)
    qtbot.mouseClick(view.low_only, Qt.MouseButton.LeftButton)
    rows = _rows(view.model)
    assert rows == expected_low
    low_brush = view.model.data(view.model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    assert low_brush is not None


def test_product_mode_totals(view: StockView, truth: ExpectedFigures, qtbot: QtBot) -> None:
    qtbot.mouseClick(view.by_product, Qt.MouseButton.LeftButton)
    rows = {r["product_id"]: r for r in _rows(view.model)}
    fbo: dict[str, int] = defaultdict(int)
    fbs: dict[str, int] = defaultdict(int)
    orders: dict[str, int] = defaultdict(int)
    for (product_id, _warehouse, kind), (qty, _c, _r) in truth.stock.items():
        (fbs if kind is WarehouseType.FBS else fbo)[product_id] += qty
    for (product_id, _warehouse), units in truth.orders.items():
        orders[product_id] += units
    assert set(rows) == set(fbo) | set(fbs) | set(orders)
    assert any(fbs.values())
    assert any(fbo.values())
    for product_id, row in rows.items():
        total = fbo[product_id] + fbs[product_id]
        assert (row["fbo"], row["fbs"], row["stock"], row["orders"]) == (
            fbo[product_id],
            fbs[product_id],
            total,
            orders[product_id],
        )
        assert row["days"] == _days_text(total, orders[product_id])


def test_sorting_by_stock(view: StockView, qtbot: QtBot) -> None:
    header = view.table.horizontalHeader()
    column = [view.model.column_name(c) for c in range(view.model.columnCount())].index("stock")
    header.setSortIndicator(column, Qt.SortOrder.DescendingOrder)
    values = [r["stock"] for r in _rows(view.model)]
    assert values == sorted(values, reverse=True)  # type: ignore[type-var]
    days_column = column + 4
    header.setSortIndicator(days_column, Qt.SortOrder.AscendingOrder)
    days = [r["days"] for r in _rows(view.model)]
    numbers = [float(d) for d in days if d is not None]  # type: ignore[arg-type]
    assert numbers == sorted(numbers)
    assert days[len(numbers) :] == [None] * (len(days) - len(numbers))  # no orders: last


def test_chart_has_one_point_per_snapshot(
    ctx: AppContext, view: StockView, core: AppCore, qloop: QtLoop
) -> None:
    qloop.wait_for(view.loaded, core.sync)
    tenant = TenantService(ctx).get("Acme WB")
    kept = snapshots.snapshots_of(ctx.database, tenant.id)
    assert len(kept) == 2
    qloop.wait_for(view.chart_loaded, lambda: view.table.selectRow(0))
    assert view.chart.point_count() == len(kept)
    product_id = view.model.product_id(0)
    history = snapshots.product_history(ctx.database, tenant.id, product_id)
    series = view.chart.series
    assert [series.at(i).y() for i in range(series.count())] == [s for _t, s in history]
    assert view.model.value(0, "vendor_code") in view.chart.chart().title()
