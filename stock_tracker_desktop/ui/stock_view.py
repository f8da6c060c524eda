"""A tenant's stock: products x warehouses (or per product), search, filters and a history chart.

Everything is read on the core's database thread (``AppCore.stock``) and shaped there
(``stock_model.load_stock``); the GUI thread only swaps the finished tables into the model.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import (
    UNCHANGED,
    AppCore,
    Layout,
    StockData,
    SyncFinished,
    TenantView,
)
from stock_tracker_desktop.domain.runs import RunStatus
from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.ui import column_widths, texts
from stock_tracker_desktop.ui.async_qt import spawn
from stock_tracker_desktop.ui.chart import StockChart
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.stock_model import StockModel
from stock_tracker_desktop.ui.sync_bridge import SyncBridge

SEARCH_DELAY_MS = 200
CHART_DELAY_MS = 150
MAX_COLUMN_WIDTH = 240
# The product's name takes the width the other columns leave (and elides); these give some up,
# down to their titles' widths, when the window is too narrow for all of them. Codes, ids and
# numbers keep their whole width: they are what people search for and compare.
STRETCH_COLUMN = "name"
MIN_STRETCH_WIDTH = 160
SHRINKABLE_COLUMNS = ("warehouse", "subject", "brand")


class StockView(QWidget):
    loaded = Signal()  # the model holds the shown tenant's current snapshot (or nothing)
    chart_loaded = Signal()

    def __init__(self, core: AppCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._tenant: TenantView | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._chart_task: asyncio.Task[None] | None = None
        self._chart_product = ""
        self._sized: set[Layout] = set()
        self._stale = False  # a load waits for the view to be shown
        self._wanted_product = ""  # to select once the stock is in (the home view asked)
        self._sellers: dict[str, TenantView] = {}
        self._sellers_task: asyncio.Task[None] | None = None

        self.seller_box = QComboBox()
        self.seller_box.setAccessibleName(self.tr("Seller"))
        self.seller_box.setToolTip(self.tr("The seller whose stock is shown"))
        self.seller_box.setPlaceholderText(self.tr("Choose a seller"))
        self.seller_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.seller_box.setMinimumContentsLength(22)
        seller_font = QFont(self.font())
        seller_font.setBold(True)
        self.seller_box.setFont(seller_font)
        seller_label = QLabel(self.tr("&Seller:"))
        seller_label.setBuddy(self.seller_box)
        self.snapshot_label = ElidedLabel()
        self.snapshot_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Reload the latest snapshot (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        heading = QHBoxLayout()
        heading.addWidget(seller_label)
        heading.addWidget(self.seller_box)
        heading.addSpacing(12)
        heading.addWidget(self.snapshot_label, 1)
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
        # Long titles on two lines: "Returns in transit" need not make a column of numbers wide.
        self.table.setHorizontalHeader(column_widths.WrappingHeader(self.table))
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
        self.seller_box.currentIndexChanged.connect(self._seller_chosen)
        self.bridge = SyncBridge(core, self)
        self.bridge.finished.connect(self._sync_finished)
        self._widths = column_widths.ColumnWidths(
            self.table,
            f"stock-{Layout.LEVELS.value}",
            self.model.column_name,
            column_widths.settings_file(self._core.home),
        )
        self._show_empty(
            self.tr("Choose a seller above, or select one on the Sellers tab, to see its stock.")
        )

    # ----- public -----------------------------------------------------------------------------

    @property
    def tenant(self) -> TenantView | None:
        return self._tenant

    def show_tenant(self, tenant: TenantView, product_id: str = "") -> None:
        """Show this tenant's stock (the picker follows), with ``product_id``'s row selected
        if given; loaded now, or when the view is next shown if it is hidden (the Sellers
        tab's selection sets it while another tab is up)."""
        if self._tenant is None or tenant.id != self._tenant.id:
            self._chart_product = ""
            self._sized.clear()  # another seller's names and numbers need other widths
            self.chart.reset()
        self._tenant = tenant
        self._wanted_product = product_id
        self._select_seller(tenant)
        self.refresh()

    def refresh(self) -> None:
        """Reload the tenant's current snapshot (a reload still running is dropped); a hidden
        view reloads when it is shown, and reloads the list of sellers then too."""
        if not self.isVisible():
            self._stale = True
            return
        self._load_sellers()
        if self._tenant is None:
            return
        if self._load_task is not None:
            self._load_task.cancel()
        self.snapshot_label.setText(self.tr("Loading\u2026"))
        self._load_task = spawn(self._load(self._tenant), name="stock-load")

    def sellers(self) -> list[TenantView]:
        """The sellers the picker offers, in its order."""
        return [
            self._sellers[str(self.seller_box.itemData(i))] for i in range(self.seller_box.count())
        ]

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
        else:
            self._load_sellers()

    # ----- the seller picker ------------------------------------------------------------------

    def _load_sellers(self) -> None:
        if self._sellers_task is not None:
            self._sellers_task.cancel()
        self._sellers_task = spawn(self._read_sellers(), name="stock-sellers")

    async def _read_sellers(self) -> None:
        tenants = await self._core.tenants()
        self._fill_sellers(tenants)

    def _fill_sellers(self, tenants: list[TenantView]) -> None:
        """Offer the active sellers by name; an archived one only while it is shown, marked."""
        shown = self._tenant
        listed = {tenant.id for tenant in tenants}
        if shown is not None and shown.id not in listed:
            tenants = [*tenants, shown]
        elif shown is not None:
            self._tenant = next(t for t in tenants if t.id == shown.id)  # renamed, maybe
        box = self.seller_box
        blocked = box.blockSignals(True)
        try:
            box.clear()
            self._sellers = {}
            for tenant in sorted(tenants, key=lambda t: t.name.casefold()):
                name = tenant.name
                if tenant.archived:
                    name = self.tr("{name} (archived)").format(name=tenant.name)
                box.addItem(name, str(tenant.id))
                self._sellers[str(tenant.id)] = tenant
            box.setCurrentIndex(box.findData(str(self._tenant.id)) if self._tenant else -1)
        finally:
            box.blockSignals(blocked)
        if not tenants:
            self._show_empty(self.tr("No sellers yet: add one on the Sellers tab."))

    def _select_seller(self, tenant: TenantView) -> None:
        box = self.seller_box
        if box.findData(str(tenant.id)) < 0:
            self._fill_sellers([*self._sellers.values(), tenant])
        blocked = box.blockSignals(True)
        box.setCurrentIndex(box.findData(str(tenant.id)))
        box.blockSignals(blocked)

    def _seller_chosen(self, index: int) -> None:
        tenant = self._sellers.get(str(self.seller_box.itemData(index))) if index >= 0 else None
        if tenant is not None and (self._tenant is None or tenant.id != self._tenant.id):
            self.show_tenant(tenant)

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
        data = await self._core.stock(tenant.id, shown)
        if data is UNCHANGED and current is not None:
            self.snapshot_label.setText(self._describe(current))
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
            if self._wanted_product:
                self.select_product(self._wanted_product)
        self._wanted_product = ""
        self.loaded.emit()

    def _describe(self, data: StockData) -> str:
        snapshot = data.snapshot
        first = snapshot.window_start.astimezone(MOSCOW).date()
        last = (snapshot.window_end.astimezone(MOSCOW) - timedelta(days=1)).date()
        text = self.tr(
            "Snapshot of {taken} \u00b7 orders {first}\u2013{last} ({days} d, Moscow time)"
            " \u00b7 {low_stock}"
        )
        return text.format(
            taken=texts.date_time_text(snapshot.taken_at),
            first=texts.date_text(first),
            last=texts.date_text(last),
            days=snapshot.window_days,
            low_stock=self.low_stock_text(snapshot.threshold_days),
        )

    def low_stock_text(self, threshold: float) -> str:
        """The threshold in words, "low stock at 14 days or less": the words of Settings ("Low
        stock at: 14 days or less") for what domain/figures.py does (days at or below it)."""
        n = int(threshold) if float(threshold).is_integer() else 2  # 7.5: the plural of a few
        text = texts.plural(self.tr("low stock at %1 day(s) or less", "", n), n)
        return text.replace("%1", texts.decimal(threshold))

    def _size_columns(self) -> None:
        """Fit the columns once per layout and seller: numbers, codes and types to their
        widest text and title, the product's name over the rest (elided); the widths the user
        dragged win (``column_widths``).

        Measured with font metrics on a sample of the rows: QTableView.resizeColumnsToContents
        asks the delegate for every cell's size hint, which stalls the GUI over 100,000 rows.
        """
        layout = self.model.layout_mode
        table = self.model.table
        if layout in self._sized or len(table) == 0:
            return
        self._sized.add(layout)
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)  # low days of stock are bold
        bold_metrics = QFontMetrics(bold)
        padding = column_widths.cell_padding(self.table)
        step = max(1, len(table) // column_widths.SAMPLE_ROWS)
        sample = range(0, len(table), step)
        wanted: dict[str, int] = {}
        floors: dict[str, int] = {}
        for column in range(self.model.columnCount()):
            name = self.model.column_name(column)
            title = column_widths.title_width(header, column)
            floors[name] = title
            if name == STRETCH_COLUMN:
                wanted[name] = max(title, MIN_STRETCH_WIDTH)
                continue
            cells = (self.model.display_text(column, row) for row in sample)
            content = column_widths.widest(bold_metrics if name == "days" else metrics, cells)
            wanted[name] = max(title, min(content + padding, MAX_COLUMN_WIDTH))
        available = (
            self.table.maximumViewportSize().width()
            - self.table.verticalScrollBar().sizeHint().width()
        )
        widths = column_widths.fit(
            available, wanted, floors, stretch=STRETCH_COLUMN, shrinkable=SHRINKABLE_COLUMNS
        )
        self._widths.key = f"stock-{layout.value}"
        self._widths.apply(widths, stretch=STRETCH_COLUMN, stretch_min=MIN_STRETCH_WIDTH)

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
        shown, total = self.model.rowCount(), self.model.total_rows()
        rows = texts.plural(self.tr("%1 of %Ln row(s)", "", total), total)
        self.count_label.setText(rows.replace("%1", texts.count(shown)))
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
        points = await self._core.product_history(tenant.id, product_id)
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


class ElidedLabel(QLabel):
    """One line of plain text that gives way to the window: what does not fit is elided
    (the whole text in the tooltip), so a long line never widens the window. ``text()``
    is the whole text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._text = text
        self._elide()

    def text(self) -> str:
        return self._text

    def clear(self) -> None:
        self.setText("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        super().setText(shown)
        self.setToolTip(self._text if shown != self._text else "")


def _single_shot(parent: QWidget, interval_ms: int, slot: object) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
