"""The stock table: one row per product and warehouse, or one row per product.

A tenant can have 100,000 rows and the view must open in well under a second, so the heavy work
happens once, off the GUI thread, in ``services.stock_tables.load_stock``: the rows become
plain column lists with precomputed sort keys, search text and low-stock flags. The Qt model
then only indexes into those lists. Sorting and filtering reorder a list of row numbers
(``sorted`` with a C-level key getter) instead of going through a QSortFilterProxyModel, whose
Python ``lessThan`` would be called millions of times per sort.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from stock_tracker_desktop.core import (
    EMPTY_TABLE,
    NUMERIC_COLUMNS,
    Layout,
    StockData,
    StockTable,
)

ModelIndex = QModelIndex | QPersistentModelIndex


# Translucent, so the tint reads on light and dark bases alike and keeps the text's own colour.
LOW_STOCK_TINT = QColor(229, 57, 53, 64)


class StockModel(QAbstractTableModel):
    """Rows of one layout of ``StockData``, filtered and sorted through a list of row numbers."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data: StockData | None = None
        self._layout = Layout.LEVELS
        self._table = EMPTY_TABLE
        self._sorted: list[int] = []  # every row, in the current sort order
        self._rows: list[int] = []  # the visible rows, in order
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._needle = ""
        self._low_only = False
        self._low_brush = QBrush(LOW_STOCK_TINT)
        self._decimal_point = QLocale().decimalPoint()  # "9,3" in Russian
        self._bold = QFont()
        self._bold.setBold(True)
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    # ----- state ------------------------------------------------------------------------------

    @property
    def data_set(self) -> StockData | None:
        return self._data

    @property
    def layout_mode(self) -> Layout:
        return self._layout

    @property
    def table(self) -> StockTable:
        return self._table

    def total_rows(self) -> int:
        return len(self._table)

    def set_stock(self, data: StockData | None) -> None:
        self._data = data
        self._apply(resort=True)

    def set_layout_mode(self, layout: Layout) -> None:
        if layout is not self._layout:
            self._layout = layout
            self._sort_column = -1  # the columns differ between layouts
            self._apply(resort=True)

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._needle = needle
            self._apply()

    def set_low_only(self, low_only: bool) -> None:
        if low_only != self._low_only:
            self._low_only = low_only
            self._apply()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self._apply(resort=True)

    def _apply(self, *, resort: bool = False) -> None:
        self.beginResetModel()
        self._table = self._data.table(self._layout) if self._data else EMPTY_TABLE
        if resort:
            self._sorted = self._sorted_rows()
        rows = self._sorted
        if self._low_only:
            low = self._table.low
            rows = [i for i in rows if low[i]]
        if self._needle:
            needle, search = self._needle, self._table.search
            rows = [i for i in rows if needle in search[i]]
        self._rows = rows
        self.endResetModel()

    def _sorted_rows(self) -> list[int]:
        rows = range(len(self._table))
        if not 0 <= self._sort_column < len(self._table.columns):
            return list(rows)  # the database's order: brand, vendor code, warehouse
        keys = self._table.sort_keys(self._sort_column)
        descending = self._sort_order is Qt.SortOrder.DescendingOrder
        return sorted(rows, key=keys.__getitem__, reverse=descending)

    # ----- lookups for the view ---------------------------------------------------------------

    def column_name(self, column: int) -> str:
        return self._table.columns[column]

    def source_row(self, row: int) -> int:
        return self._rows[row]

    def product_id(self, row: int) -> str:
        return self._table.product_ids[self._rows[row]]

    def value(self, row: int, name: str) -> object:
        return self._table.column(name)[self._rows[row]]

    def row_of_product(self, product_id: str) -> int:
        """The first visible row of a product, or -1."""
        ids = self._table.product_ids
        return next((n for n, i in enumerate(self._rows) if ids[i] == product_id), -1)

    # ----- Qt model ---------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._table.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        column = index.column()
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(self._table.columns[column], self._table.values[column][row])
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._low_brush if self._table.low[row] else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._right if self._table.columns[column] in NUMERIC_COLUMNS else self._left
        if role == Qt.ItemDataRole.FontRole:
            low_days = self._table.low[row] and self._table.columns[column] == "days"
            return self._bold if low_days else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, row)
        return None

    def display_text(self, column: int, source_row: int) -> str:
        """A cell's text as shown (for measuring column widths without the view's delegate)."""
        value = self._display(self._table.columns[column], self._table.values[column][source_row])
        return "" if value is None else str(value)

    def _display(self, name: str, value: object) -> object:
        if name == "days":
            return None if value is None else f"{value:.1f}".replace(".", self._decimal_point)
        if name == "warehouse" and not value:
            return self.tr("(in transit)")
        return value

    def _tooltip(self, column: int, row: int) -> str | None:
        name = self._table.columns[column]
        if name == "warehouse" and not self._table.values[column][row]:
            return self.tr("Goods on their way, not counted on any warehouse yet")
        if name == "days" and self._table.low[row]:
            threshold = self._data.snapshot.threshold_days if self._data else 0
            text = self.tr("Low stock: {days:g} days of stock or less, or none left with orders")
            return text.format(days=threshold)
        if name == "name":
            return str(self._table.values[column][row])
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or section >= len(self._table.columns):
            return None
        name = self._table.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.header_title(name)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._right if name in NUMERIC_COLUMNS else self._left
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tooltip(name)
        return None

    def header_title(self, name: str) -> str:
        days = self._data.snapshot.window_days if self._data else 0
        titles = {
            "brand": self.tr("Brand"),
            "subject": self.tr("Subject"),
            "vendor_code": self.tr("Vendor code"),
            "product_id": self.tr("Product ID"),
            "name": self.tr("Name"),
            "warehouse": self.tr("Warehouse"),
            "type": self.tr("Type"),
            "stock": self.tr("Total stock")
            if self._layout is Layout.PRODUCTS
            else self.tr("Stock"),
            "to_customers": self.tr("To customers"),
            "returns": self.tr("Returns in transit"),
            "orders": self.tr("Orders ({days} d)").format(days=days),
            "days": self.tr("Days of stock"),
            "fbo": self.tr("FBO stock"),
            "fbs": self.tr("FBS stock"),
        }
        return titles[name]

    def _header_tooltip(self, name: str) -> str | None:
        tips = {
            "type": self.tr("FBO: the marketplace's warehouse; FBS: the seller's own warehouse"),
            "to_customers": self.tr("In transit to customers"),
            "returns": self.tr("Returns in transit to the warehouse"),
            "orders": self.tr("Units ordered in the window, cancelled orders excluded"),
            "days": self.tr("Stock divided by the average daily orders; empty without orders"),
            "stock": self.tr("Available to customers"),
        }
        return tips.get(name)
