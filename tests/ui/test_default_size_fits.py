"""At the window's default size, in English and Russian: every Stock column shows, each title in
full (font metrics), and History's status words are never cut."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyleOptionHeader,
    QTableView,
)

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus
from stock_tracker_desktop.ui import column_widths
from stock_tracker_desktop.ui.history_model import COLUMNS, status_text
from stock_tracker_desktop.ui.history_view import HistoryView
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.stock_view import StockView
from tests.sync.conftest import add_wb
from tests.ui.conftest import Run, until


@pytest.fixture
def main(
    language: str,
    ctx: AppContext,
    sim: RunningSimulator,
    core: AppCore,
    run: Run[Any],
    qtbot: Any,
) -> Iterator[MainWindow]:
    add_wb(ctx, sim.world.sellers[0], "Ромашка")
    add_wb(
        ctx,
        sim.world.sellers[1],
        "ТехноДом",
        token=sim.world.mint_wb_token(sim.world.sellers[1], expired=True),
    )
    run(core.sync())
    settings = run(core.settings())
    window = MainWindow(core, settings)  # the default size: the window sets it itself
    qtbot.addWidget(window)
    window.show()
    run(window.reload())
    yield window
    window.quitting = True


def _title_room(header: QHeaderView, column: int) -> int:
    """The width the style leaves a section's title, a sort arrow shown (beside the title in
    some styles, above it in Fusion)."""
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.rect = QRect(0, 0, header.sectionSize(column), header.height())
    option.orientation = Qt.Orientation.Horizontal
    option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
    label = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    return label.width()


def _titles_fit(table: QTableView) -> None:
    """Every line of every title fits its section (a Stock title of several words shows on two
    lines: the lines that header paints are checked)."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    model = table.model()
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        if isinstance(header, column_widths.WrappingHeader):
            title = column_widths.wrap_title(metrics, title)
        for line in title.split("\n"):
            assert metrics.horizontalAdvance(line) <= _title_room(header, column), title


def _all_columns_show(table: QTableView) -> None:
    header = table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(header.count()))
    assert used <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0


async def _settle() -> None:
    await asyncio.sleep(0.3)  # queued layouts and the header's delayed stretch


def test_every_stock_column_shows_its_whole_title(
    main: MainWindow, core: AppCore, run: Run[Any], qtbot: Any
) -> None:
    assert (main.width(), main.height()) == (1180, 720)
    view = main.stock_view
    assert isinstance(view, StockView)
    tenant = run(core.tenant("Ромашка"))  # the window's views read meanwhile

    async def scenario() -> None:
        main.show_stock(tenant)
        await until(lambda: view.model.rowCount() > 0, what="the stock")
        await _settle()

    run(scenario())
    for button in (view.by_warehouse, view.by_product):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        run(_settle())
        # Still the default size: no text of the tab (the snapshot line, say) widened it.
        assert (main.width(), main.height()) == (1180, 720)
        table = view.table
        _titles_fit(table)
        _all_columns_show(table)


def test_history_status_words_are_never_cut(main: MainWindow, run: Run[Any]) -> None:
    view = main.history_view
    assert isinstance(view, HistoryView)

    async def scenario() -> None:
        main.tabs.setCurrentWidget(view)
        await until(lambda: view.model.rowCount() == 2, what="the runs")
        await _settle()

    run(scenario())
    assert (main.width(), main.height()) == (1180, 720)
    table = view.table
    _titles_fit(table)
    column = COLUMNS.index("status")
    metrics = table.fontMetrics()
    icon = table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    room = table.horizontalHeader().sectionSize(column)
    for status in RunStatus:  # also the statuses this history does not show yet
        assert metrics.horizontalAdvance(status_text(status)) + icon + 8 <= room, status
    for row in range(table.model().rowCount()):
        index = table.model().index(row, column)
        text = str(index.data())
        assert metrics.horizontalAdvance(text) + icon + 8 <= table.visualRect(index).width()
