"""The Stock tab's seller picker: it lists the sellers, choosing one loads its stock, and a
single selection on the Sellers tab moves it (wired here as the main window wires the views:
``tenants_view.current_tenant_changed.connect(stock_view.show_tenant)``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTabWidget
from pytestqt.qtbot import QtBot

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.ui.stock_view import StockView
from stock_tracker_desktop.ui.tenants_model import TenantsModel
from stock_tracker_desktop.ui.tenants_view import TenantsView
from tests.sync.conftest import add_ozon, add_wb
from tests.ui_views.conftest import QtLoop


def _until(qloop: QtLoop, predicate: Callable[[], object], what: str, within: float = 10) -> None:
    async def waiting() -> None:
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)

    qloop.run(waiting(), timeout=within + 5)


def _items(view: StockView) -> list[str]:
    return [view.seller_box.itemText(i) for i in range(view.seller_box.count())]


@pytest.fixture
def synced(ctx: AppContext, sim: RunningSimulator, core: AppCore, qloop: QtLoop) -> None:
    sellers = sim.world.sellers
    add_wb(ctx, sellers[0], "Romashka WB")
    add_ozon(ctx, sellers[1], "Lime Ozon")
    add_wb(ctx, sellers[1], "Old shop")
    qloop.run(core.sync())
    qloop.run(core.set_archived("Old shop", True))


@pytest.fixture
def view(synced: None, core: AppCore, qtbot: QtBot, qloop: QtLoop) -> StockView:
    stock_view = StockView(core)
    qtbot.addWidget(stock_view)
    stock_view.resize(1180, 640)
    stock_view.show()
    _until(qloop, lambda: stock_view.seller_box.count() > 0, "the sellers")
    return stock_view


def test_the_picker_lists_the_active_sellers_by_name(view: StockView) -> None:
    assert _items(view) == ["Lime Ozon", "Romashka WB"]  # the archived one is left out
    assert view.seller_box.currentIndex() == -1  # nothing chosen yet: the placeholder shows
    assert view.seller_box.placeholderText() == "Choose a seller"
    assert view.pages.currentWidget() is view.empty
    assert "Choose a seller" in view.empty.text()


def test_choosing_a_seller_loads_its_stock(ctx: AppContext, view: StockView, qloop: QtLoop) -> None:
    index = _items(view).index("Romashka WB")
    qloop.wait_for(view.loaded, lambda: view.seller_box.setCurrentIndex(index))
    tenant = TenantService(ctx).get("Romashka WB")
    assert view.tenant is not None and view.tenant.id == tenant.id
    current = snapshots.current_snapshot(ctx.database, tenant.id)
    assert current is not None
    assert view.model.data_set is not None and view.model.data_set.snapshot.id == current.id
    assert view.model.rowCount() == len(snapshots.stock_levels(ctx.database, current.id)) > 0
    assert view.pages.currentIndex() == 0  # the table, not the "choose a seller" page

    other = _items(view).index("Lime Ozon")
    qloop.wait_for(view.loaded, lambda: view.seller_box.setCurrentIndex(other))
    assert view.tenant is not None and view.tenant.name == "Lime Ozon"
    assert view.model.data_set is not None
    assert view.model.data_set.snapshot.tenant_id == TenantService(ctx).get("Lime Ozon").id


def test_a_product_asked_for_opens_selected_with_its_chart(
    view: StockView, core: AppCore, qloop: QtLoop
) -> None:
    tenant = qloop.run(core.tenant("Romashka WB"))
    snapshot = qloop.run(core.current_snapshot(tenant.id))
    assert snapshot is not None
    product = qloop.run(core.stock_levels(snapshot.id))[-1].product_id  # not the first row
    qloop.wait_for(view.chart_loaded, lambda: view.show_tenant(tenant, product))
    selected = view.table.selectionModel().selectedRows()
    assert len(selected) == 1
    assert view.model.product_id(selected[0].row()) == product


def test_the_picker_follows_the_sellers_tab(
    ctx: AppContext, synced: None, core: AppCore, qtbot: QtBot, qloop: QtLoop
) -> None:
    model = TenantsModel()
    tenants_view = TenantsView(model)
    stock_view = StockView(core)
    tabs = QTabWidget()
    tabs.addTab(tenants_view, "Sellers")
    tabs.addTab(stock_view, "Stock")
    qtbot.addWidget(tabs)
    tenants_view.current_tenant_changed.connect(stock_view.show_tenant)  # as main_window.py
    tabs.resize(1180, 640)
    tabs.show()
    model.set_rows(qloop.run(core.overview(include_archived=False)))
    names = [t.name for t in model.tenants()]
    assert sorted(names) == ["Lime Ozon", "Romashka WB"]

    # A click on a row of the Sellers tab (a real mouse click on the table).
    table = tenants_view.table
    row = next(
        r for r in range(table.model().rowCount()) if "Lime" in table.model().index(r, 0).data()
    )
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [t.name for t in tenants_view.selected_tenants()] == ["Lime Ozon"]
    assert stock_view.seller_box.currentText() == "Lime Ozon"  # at once, on the hidden tab
    assert stock_view.tenant is not None and stock_view.tenant.name == "Lime Ozon"

    # The Stock tab shows that seller's stock when the user goes there.
    qloop.wait_for(stock_view.loaded, lambda: tabs.setCurrentWidget(stock_view))
    lime = TenantService(ctx).get("Lime Ozon")
    assert stock_view.model.data_set is not None
    assert stock_view.model.data_set.snapshot.tenant_id == lime.id
    _until(qloop, lambda: stock_view.seller_box.count() == 2, "the picker's list")
    assert stock_view.seller_box.currentText() == "Lime Ozon"

    # While the Stock tab is up, selecting another seller there reloads it right away.
    romashka = TenantService(ctx).get("Romashka WB")
    qloop.wait_for(stock_view.loaded, lambda: tenants_view.select({romashka.id}))
    assert stock_view.seller_box.currentText() == "Romashka WB"
    assert stock_view.model.data_set is not None
    assert stock_view.model.data_set.snapshot.tenant_id == romashka.id

    # Several sellers selected: no single seller to follow, the picker stays.
    selection = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for r in range(table.model().rowCount()):
        selection.select(table.model().index(r, 0), flags)
    assert len(tenants_view.selected_tenants()) == 2
    assert stock_view.seller_box.currentText() == "Romashka WB"
