"""A tenant's stock: products x warehouses (or per product), search, filters and a history chart.

Everything is read on the sync engine's database thread (``engine.in_db``) and shaped there
(``stock_model.load_stock``); the GUI thread only swaps the finished tables into the model.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from PySide6.QtCore import QItemSelection, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.services.tenants import TenantView
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.sync_runs import RunStatus
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncFinished
from stock_tracker_desktop.ui.async_qt import spawn
from stock_tracker_desktop.ui.chart import StockChart
from stock_tracker_desktop.ui.history_model import local_time_text
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.stock_model import (
    UNCHANGED,
    Layout,
    StockData,
    StockModel,
    load_stock,
)
from stock_tracker_desktop.ui.sync_bridge import SyncBridge

SEARCH_DELAY_MS = 200
CHART_DELAY_MS = 150
# Column widths are measured on the first rows only: measuring 100,000 would cost seconds.
MEASURED_ROWS = 200
MAX_COLUMN_WIDTH = 240


class StockView(QWidget):
    loaded = Signal()  # the model holds the shown tenant's current snapshot (or nothing)
    chart_loaded = Signal()

    def __init__(self, engine: SyncEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._tenant: TenantView | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._chart_task: asyncio.Task[None] | None = None
        self._chart_product = ""
        self._sized: set[Layout] = set()

        self.title = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.snapshot_label = QLabel()
        self.snapshot_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Reload the latest snapshot (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addSpacing(12)
        heading.addWidget(self.snapshot_label, 1, Qt.AlignmentFlag.AlignBottom)
        heading.addWidget(self.refresh_button)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            self.tr("Search by vendor code, name, product ID or warehouse")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        self.low_only = QCheckBox(self.tr("Only low stock"))
        self.low_only.setToolTip(self.tr("Show only the rows at or below the low-stock threshold"))
        self.by_warehouse = QToolButton()
        self.by_warehouse.setText(self.tr("By warehouse"))
        self.by_product = QToolButton()
        self.by_product.setText(self.tr("By product"))
        self.by_product.setToolTip(self.tr("One row per product: FBO, FBS and total stock"))
        self._layout_buttons = QButtonGroup(self)
        for button in (self.by_warehouse, self.by_product):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self._layout_buttons.addButton(button)
        self.by_warehouse.setChecked(True)
        self.count_label = QLabel()
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addSpacing(8)
        filters.addWidget(self.low_only)
        filters.addSpacing(8)
        filters.addWidget(self.by_warehouse)
        filters.addWidget(self.by_product)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.model = StockModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.chart = StockChart()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([480, 220])
        splitter.setChildrenCollapsible(False)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.pages, 1)

        self._search_timer = _single_shot(self, SEARCH_DELAY_MS, self._apply_search)
        self._chart_timer = _single_shot(self, CHART_DELAY_MS, self._load_chart)
        self.search.textChanged.connect(self._search_timer.start)
        self.low_only.toggled.connect(self._low_only_toggled)
        self._layout_buttons.buttonToggled.connect(self._layout_toggled)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._model_reset)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.bridge = SyncBridge(engine, self)
        self.bridge.finished.connect(self._sync_finished)
        self._show_empty(self.tr("Choose a seller to see its stock."))

    # ----- public -----------------------------------------------------------------------------

    @property
    def tenant(self) -> TenantView | None:
        return self._tenant

    def show_tenant(self, tenant: TenantView) -> None:
        if self._tenant is None or tenant.id != self._tenant.id:
            self._chart_product = ""
            self._sized.clear()  # another seller's names and numbers need other widths
            self.chart.reset()
        self._tenant = tenant
        self.title.setText(tenant.name)
        self.refresh()

    def refresh(self) -> None:
        """Reload the tenant's current snapshot (a reload still running is dropped)."""
        if self._tenant is None:
            return
        if self._load_task is not None:
            self._load_task.cancel()
        self.snapshot_label.setText(self.tr("Loading\u2026"))
        self._load_task = spawn(self._load(self._tenant), name="stock-load")

    def select_product(self, product_id: str) -> bool:
        row = self.model.row_of_product(product_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        return row >= 0

    # ----- loading ----------------------------------------------------------------------------

    async def _load(self, tenant: TenantView) -> None:
        current = self.model.data_set
        shown = current.snapshot.id if current and current.snapshot.tenant_id == tenant.id else None
        data = await self._engine.in_db(load_stock, self._engine.ctx.database, tenant.id, shown)
        if data is UNCHANGED:
            self.snapshot_label.setText(self._describe(current))  # type: ignore[arg-type]
            self.loaded.emit()
            return
        assert data is None or isinstance(data, StockData)
        self.model.set_stock(data)
        if data is None:
            self.snapshot_label.clear()
            self._show_empty(
                self.tr("No stock for {name} yet: sync this seller to see it.").format(
                    name=tenant.name
                )
            )
        else:
            self.snapshot_label.setText(self._describe(data))
            self.pages.setCurrentIndex(0)
            self._size_columns()
        self.loaded.emit()

    def _describe(self, data: StockData) -> str:
        snapshot = data.snapshot
        locale = QLocale()
        first = snapshot.window_start.astimezone(MOSCOW).date()
        last = (snapshot.window_end.astimezone(MOSCOW) - timedelta(days=1)).date()
        date_format = locale.dateFormat(QLocale.FormatType.ShortFormat)
        text = self.tr(
            "Snapshot of {taken} \u00b7 orders {first}\u2013{last} ({days} d, Moscow time)"
            " \u00b7 low stock at {threshold:g} days or less"
        )
        return text.format(
            taken=local_time_text(snapshot.taken_at),
            first=locale.toString(first, date_format),
            last=locale.toString(last, date_format),
            days=snapshot.window_days,
            threshold=snapshot.threshold_days,
        )

    def _size_columns(self) -> None:
        """Fit the columns to their contents once per layout (the user's widths stay after).

        Measured with font metrics on the first rows: QTableView.resizeColumnsToContents asks
        the delegate for every cell's size hint, which took over 100 ms on the GUI thread.
        """
        layout = self.model.layout_mode
        rows = min(self.model.rowCount(), MEASURED_ROWS)
        if layout in self._sized or rows == 0:
            return
        self._sized.add(layout)
        header = self.table.horizontalHeader()
        cell_metrics = self.table.fontMetrics()
        header_metrics = header.fontMetrics()
        # Room for the cell margins, and for the sort arrow next to a header's title.
        cell_padding = 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        cell_padding += 12
        header_padding = 36
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widest = max(
                cell_metrics.horizontalAdvance(self.model.display_text(column, row))
                for row in map(self.model.source_row, range(rows))
            )
            width = max(
                widest + cell_padding, header_metrics.horizontalAdvance(title) + header_padding
            )
            header.resizeSection(column, min(width, MAX_COLUMN_WIDTH))

    def _show_empty(self, message: str) -> None:
        self.empty.setText(message)
        self.pages.setCurrentIndex(1)
        self.count_label.clear()

    # ----- filters, layout, selection ---------------------------------------------------------

    def _apply_search(self) -> None:
        self.model.set_search(self.search.text())

    def _low_only_toggled(self, checked: bool) -> None:
        self.model.set_low_only(checked)

    def _layout_toggled(self, button: QToolButton, checked: bool) -> None:
        if not checked:
            return
        layout = Layout.PRODUCTS if button is self.by_product else Layout.LEVELS
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_layout_mode(layout)
        self._size_columns()

    def _model_reset(self) -> None:
        locale = QLocale()
        shown, total = self.model.rowCount(), self.model.total_rows()
        self.count_label.setText(
            self.tr("{shown} of {total} rows").format(
                shown=locale.toString(shown), total=locale.toString(total)
            )
        )
        # Keep the chart's product selected across sorting, filtering and reloads.
        if self._chart_product:
            row = self.model.row_of_product(self._chart_product)
            if row >= 0:
                blocked = self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(blocked)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        product_id = self.model.product_id(indexes[0].row())
        if product_id != self._chart_product:
            self._chart_product = product_id
            self._chart_timer.start()

    def _load_chart(self) -> None:
        if self._tenant is None or not self._chart_product:
            return
        if self._chart_task is not None:
            self._chart_task.cancel()
        self._chart_task = spawn(self._chart(self._tenant, self._chart_product), name="stock-chart")

    async def _chart(self, tenant: TenantView, product_id: str) -> None:
        points = await self._engine.in_db(
            snapshots.product_history, self._engine.ctx.database, tenant.id, product_id
        )
        row = self.model.row_of_product(product_id)
        label = product_id
        if row >= 0:
            label = f"{self.model.value(row, 'vendor_code')} \u2014 {self.model.value(row, 'name')}"
        self.chart.set_history(
            self.tr("Total stock of {product} over past syncs").format(product=label), points
        )
        self.chart_loaded.emit()

    def _sync_finished(self, event: SyncFinished) -> None:
        if (
            self._tenant is not None
            and event.tenant_id == self._tenant.id
            and event.status in (RunStatus.SUCCEEDED, RunStatus.PARTLY_SUCCEEDED)
        ):
            self.refresh()
            self._chart_timer.start()


def _single_shot(parent: QWidget, interval_ms: int, slot: object) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
