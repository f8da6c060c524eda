"""Column widths: fitted cheaply, elided where the text is long, and a width the user drags
with the mouse is remembered per view, in this installation's own data folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QHeaderView, QStyle
from pytestqt.qtbot import QtBot

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui import column_widths
from stock_tracker_desktop.ui.history_model import COLUMNS
from stock_tracker_desktop.ui.history_view import HistoryView
from stock_tracker_desktop.ui.stock_view import StockView
from tests.sync.conftest import add_wb
from tests.ui_views.conftest import QtLoop


@pytest.fixture
def synced(ctx: AppContext, sim: RunningSimulator, core: AppCore, qloop: QtLoop) -> None:
    add_wb(ctx, sim.world.sellers[0], "Acme WB")
    qloop.run(core.sync())


def _stock_view(ctx: AppContext, core: AppCore, qtbot: QtBot, qloop: QtLoop) -> StockView:
    view = StockView(core)
    qtbot.addWidget(view)
    view.resize(1180, 640)
    view.show()
    tenant = TenantService(ctx).get("Acme WB")
    qloop.wait_for(view.loaded, lambda: view.show_tenant(tenant))
    return view


def _column(view: StockView, name: str) -> int:
    return [view.model.column_name(c) for c in range(view.model.columnCount())].index(name)


def _drag_edge(header: QHeaderView, column: int, dx: int) -> None:
    """Drag the right edge of a section with the mouse, as a user widens a column."""
    viewport = header.viewport()
    edge = header.sectionViewportPosition(column) + header.sectionSize(column) - 1
    start = QPoint(edge, header.height() // 2)
    QTest.mouseMove(viewport, start)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 5):
        QTest.mouseMove(viewport, start + QPoint(dx * step // 4, 0))
    end = start + QPoint(dx, 0)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def test_a_dragged_width_survives_recreating_the_view(
    ctx: AppContext, synced: None, core: AppCore, qtbot: QtBot, qloop: QtLoop
) -> None:
    view = _stock_view(ctx, core, qtbot, qloop)
    header = view.table.horizontalHeader()
    stock, returns = _column(view, "stock"), _column(view, "returns")
    fitted, fitted_returns = header.sectionSize(stock), header.sectionSize(returns)
    _drag_edge(header, stock, 57)
    dragged = header.sectionSize(stock)
    assert dragged == fitted + 57
    view.close()
    view.deleteLater()

    again = _stock_view(ctx, core, qtbot, qloop)
    header = again.table.horizontalHeader()
    assert header.sectionSize(_column(again, "stock")) == dragged  # remembered
    assert header.sectionSize(_column(again, "returns")) == fitted_returns  # still fitted
    # Per view and layout: the product layout's own "stock" column is not the dragged one.
    qtbot.mouseClick(again.by_product, Qt.MouseButton.LeftButton)
    assert header.sectionSize(_column(again, "stock")) != dragged
    # Kept in this installation's data folder (each test has its own), under the view's key.
    stored = Path(ctx.home) / column_widths.SETTINGS_FILE
    QSettings(str(stored), QSettings.Format.IniFormat).sync()
    assert f"stock={dragged}" in stored.read_text(encoding="utf-8")
    remembered = column_widths.ColumnWidths(
        again.table, "stock-levels", again.model.column_name, stored
    ).remembered()
    assert remembered == {"stock": dragged}


def test_the_product_name_stretches_and_elides(
    ctx: AppContext, synced: None, core: AppCore, qtbot: QtBot, qloop: QtLoop
) -> None:
    view = _stock_view(ctx, core, qtbot, qloop)
    header = view.table.horizontalHeader()
    name = _column(view, "name")
    assert header.sectionResizeMode(name) is QHeaderView.ResizeMode.Stretch
    assert view.table.textElideMode() is Qt.TextElideMode.ElideRight
    narrow = header.sectionSize(name)
    view.resize(1600, 640)
    qloop.run(_settle())
    assert header.sectionSize(name) > narrow  # the name takes what the window adds


def test_history_sizes_statuses_it_has_not_shown_yet(
    ctx: AppContext, synced: None, core: AppCore, qtbot: QtBot, qloop: QtLoop
) -> None:
    view = HistoryView(core)
    qtbot.addWidget(view)
    view.resize(1600, 640)
    view.show()
    qloop.wait_for(view.loaded, view.refresh)
    header = view.table.horizontalHeader()
    status = COLUMNS.index("status")
    metrics = view.table.fontMetrics()
    longest = metrics.horizontalAdvance("Partly succeeded")  # no such run in this history
    icon = view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    assert header.sectionSize(status) >= longest + icon
    assert header.sectionResizeMode(COLUMNS.index("tenant")) is QHeaderView.ResizeMode.Stretch


async def _settle() -> None:
    await asyncio.sleep(0.2)
