"""The stock table: one row per product and warehouse, or one row per product.

A tenant can have 100,000 rows and the view must open in well under a second, so the heavy work
happens once, off the GUI thread, in ``load_stock``: the rows become plain column lists with
precomputed sort keys, search text and low-stock flags. The Qt model then only indexes into
those lists. Sorting and filtering reorder a list of row numbers (``sorted`` with a C-level key
getter) instead of going through a QSortFilterProxyModel, whose Python ``lessThan`` would be
called millions of times per sort.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy import Engine

from stock_tracker_desktop.domain.figures import days_of_stock, is_low_stock
from stock_tracker_desktop.domain.models import WarehouseType
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.snapshots import SnapshotInfo

ModelIndex = QModelIndex | QPersistentModelIndex


class Layout(Enum):
    LEVELS = "levels"  # product x warehouse
    PRODUCTS = "products"  # one row per product, warehouses summed


# Column ids. Which are numbers decides alignment and how a missing value sorts.
LEVEL_COLUMNS = (
    "brand",
    "subject",
    "vendor_code",
    "product_id",
    "name",
    "warehouse",
    "type",
    "stock",
    "to_customers",
    "returns",
    "orders",
    "days",
)
PRODUCT_COLUMNS = (
    "brand",
    "subject",
    "vendor_code",
    "product_id",
    "name",
    "fbo",
    "fbs",
    "stock",
    "orders",
    "days",
)
NUMERIC_COLUMNS = frozenset({"stock", "to_customers", "returns", "orders", "days", "fbo", "fbs"})


@dataclass(frozen=True, slots=True)
class StockTable:
    """One layout of a snapshot's figures, column by column (index = row number)."""

    columns: tuple[str, ...]
    values: tuple[Sequence[object], ...]
    search: Sequence[str]
    low: Sequence[bool]
    product_ids: Sequence[str]
    _keys: dict[int, Sequence[object]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.low)

    def column(self, name: str) -> Sequence[object]:
        return self.values[self.columns.index(name)]

    def sort_keys(self, column: int) -> Sequence[object]:
        """Keys of one column, made on its first sort (most columns are never sorted)."""
        keys = self._keys.get(column)
        if keys is None:
            values = self.values[column]
            if self.columns[column] in NUMERIC_COLUMNS:
                # No orders, no days of stock: the least urgent rows, so they sort last.
                keys = [math.inf if v is None else v for v in values]
            else:
                keys = [str(v).casefold() for v in values]
            self._keys[column] = keys
        return keys


EMPTY_TABLE = StockTable((), (), (), (), ())


@dataclass(frozen=True, slots=True)
class StockData:
    """A tenant's current snapshot, ready for the view in both layouts."""

    snapshot: SnapshotInfo
    levels: StockTable
    products: StockTable

    def table(self, layout: Layout) -> StockTable:
        return self.levels if layout is Layout.LEVELS else self.products


class LevelColumns(NamedTuple):
    """The columns of ``snapshots.stock_levels``'s query, each a tuple over all rows."""

    product_id: tuple[str, ...]
    vendor_code: tuple[str, ...]
    name: tuple[str, ...]
    brand: tuple[str, ...]
    subject: tuple[str, ...]
    warehouse: tuple[str, ...]
    warehouse_type: tuple[str, ...]
    quantity: tuple[int, ...]
    to_customers: tuple[int, ...]
    returns: tuple[int, ...]
    orders: tuple[int, ...]
    days: tuple[float | None, ...]
    low: tuple[int, ...]


def read_level_columns(engine: Engine, snapshot_id: uuid.UUID) -> LevelColumns:
    """The snapshot's levels, transposed into columns (runs on the engine's database thread)."""
    rows = snapshots.level_tuples(engine, snapshot_id)
    if not rows:
        return LevelColumns(*((),) * len(LevelColumns._fields))
    return LevelColumns(*zip(*rows, strict=True))


def level_table(c: LevelColumns) -> StockTable:
    fields = {
        "brand": c.brand,
        "subject": c.subject,
        "vendor_code": c.vendor_code,
        "product_id": c.product_id,
        "name": c.name,
        "warehouse": c.warehouse,
        "type": c.warehouse_type,
        "stock": c.quantity,
        "to_customers": c.to_customers,
        "returns": c.returns,
        "orders": c.orders,
        "days": c.days,
    }
    search = [
        f"{v}\n{n}\n{p}\n{w}".casefold()
        for v, n, p, w in zip(c.vendor_code, c.name, c.product_id, c.warehouse, strict=True)
    ]
    return StockTable(
        columns=LEVEL_COLUMNS,
        values=tuple(fields[name] for name in LEVEL_COLUMNS),
        search=search,
        low=[bool(flag) for flag in c.low],
        product_ids=c.product_id,
    )


def product_table(c: LevelColumns, window_days: int, threshold: float) -> StockTable:
    """Sum each product over its warehouses; days of stock and low stock from the totals.

    A WB row without a warehouse (in-transit figures of the fallback report) counts in the
    totals like any other row.
    """
    first: dict[str, int] = {}  # product -> its first row, for the descriptive fields
    fbo: dict[str, int] = {}
    fbs: dict[str, int] = {}
    orders: dict[str, int] = {}
    places: dict[str, list[str]] = {}
    fbs_type = WarehouseType.FBS.value
    for row, (product, kind, quantity, ordered, warehouse) in enumerate(
        zip(c.product_id, c.warehouse_type, c.quantity, c.orders, c.warehouse, strict=True)
    ):
        if product not in first:
            first[product] = row
            fbo[product] = fbs[product] = orders[product] = 0
            places[product] = []
        if kind == fbs_type:
            fbs[product] += quantity
        else:
            fbo[product] += quantity
        orders[product] += ordered
        places[product].append(warehouse)
    ids = list(first)
    rows = list(first.values())
    stock = [fbo[p] + fbs[p] for p in ids]
    ordered_units = [orders[p] for p in ids]
    days = [days_of_stock(s, o, window_days) for s, o in zip(stock, ordered_units, strict=True)]
    fields: dict[str, Sequence[object]] = {
        "brand": [c.brand[r] for r in rows],
        "subject": [c.subject[r] for r in rows],
        "vendor_code": [c.vendor_code[r] for r in rows],
        "product_id": ids,
        "name": [c.name[r] for r in rows],
        "fbo": [fbo[p] for p in ids],
        "fbs": [fbs[p] for p in ids],
        "stock": stock,
        "orders": ordered_units,
        "days": days,
    }
    search = [
        "\n".join((c.vendor_code[r], c.name[r], p, *places[p])).casefold()
        for p, r in zip(ids, rows, strict=True)
    ]
    low = [
        is_low_stock(s, o, d, threshold) for s, o, d in zip(stock, ordered_units, days, strict=True)
    ]
    return StockTable(
        columns=PRODUCT_COLUMNS,
        values=tuple(fields[name] for name in PRODUCT_COLUMNS),
        search=search,
        low=low,
        product_ids=ids,
    )


UNCHANGED = object()  # load_stock's answer when the shown snapshot is still the current one


def load_stock(
    engine: Engine, tenant_id: uuid.UUID, shown: uuid.UUID | None = None
) -> StockData | object | None:
    """Read and shape a tenant's current snapshot (blocking: run it on the database thread).

    Returns ``UNCHANGED`` when the current snapshot is ``shown``: a refresh after another
    tenant's sync then costs one small query instead of re-reading every row.
    """
    snapshot = snapshots.current_snapshot(engine, tenant_id)
    if snapshot is None:
        return None
    if snapshot.id == shown:
        return UNCHANGED
    columns = read_level_columns(engine, snapshot.id)
    return StockData(
        snapshot=snapshot,
        levels=level_table(columns),
        products=product_table(columns, snapshot.window_days, snapshot.threshold_days),
    )


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
            return None if value is None else f"{value:.1f}"
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
