"""A seller's current snapshot shaped for the stock view: both layouts, column by column.

A tenant can have 100,000 rows and the view must open in well under a second, so the heavy work
happens once, on the database thread, in ``load_stock``: the rows become plain column lists with
precomputed sort keys, search text and low-stock flags; the Qt model (ui/stock_model.py) then
only indexes into those lists. No Qt here: the core serves it (``AppCore.stock``).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import Engine

from stock_tracker_desktop.domain.figures import FIGURES, Kind, product_totals
from stock_tracker_desktop.domain.models import WarehouseType
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.snapshots import SnapshotInfo


class Layout(Enum):
    LEVELS = "levels"  # product x warehouse
    PRODUCTS = "products"  # one row per product, warehouses summed


# The figures shown as columns; the low-stock flag tints the row instead. The view's column ids
# are the exports' (``Figure.column``) but for these shorter ones, which the saved column widths
# and the stock view know.
_SHOWN = tuple(figure for figure in FIGURES if figure.kind is not Kind.FLAG)
_SHORT_IDS = {
    "in_transit_to_customers": "to_customers",
    "in_transit_returns": "returns",
    "days_of_stock": "days",
}
_IDS = {figure.name: _SHORT_IDS.get(figure.name, figure.column) for figure in _SHOWN}
_FIGURE_COLUMNS = tuple(_IDS.values())
STOCK_COLUMN, DAYS_COLUMN = _IDS["quantity"], _IDS["days_of_stock"]
# The product's descriptive columns.
_DESCRIPTIVE = ("brand", "subject", "vendor_code", "product_id", "name")

# Column ids. Which are numbers decides alignment and how a missing value sorts.
LEVEL_COLUMNS = (*_DESCRIPTIVE, "warehouse", "type", *_FIGURE_COLUMNS)
PRODUCT_COLUMNS = (*_DESCRIPTIVE, "fbo", "fbs", *_FIGURE_COLUMNS)
NUMERIC_COLUMNS = frozenset({"fbo", "fbs", *_FIGURE_COLUMNS})


@dataclass(frozen=True, slots=True)
class StockTable:
    """One layout of a snapshot's figures, column by column (index = row number)."""

    columns: tuple[str, ...]
    values: tuple[Sequence[object], ...]
    search: Sequence[str]
    low: Sequence[bool]
    product_ids: Sequence[str]
    # Sort keys by column, numbers or text (Any: ``sorted`` compares them).
    _keys: dict[int, Sequence[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.low)

    def column(self, name: str) -> Sequence[object]:
        return self.values[self.columns.index(name)]

    def sort_keys(self, column: int) -> Sequence[Any]:
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


# A snapshot's levels column by column: ``snapshots.LEVEL_COLUMNS`` name -> the column.
LevelColumns = dict[str, Sequence[Any]]


# Rows transposed per C call. One ``zip(*rows)`` over 100,000 rows holds the GIL for ~40 ms, and
# the window's thread waits all of it; in chunks it gets the GIL between them (the interpreter
# hands it over every 5 ms at most), so opening a large seller does not stall the window.
TRANSPOSE_ROWS = 4096


def read_level_columns(engine: Engine, snapshot_id: uuid.UUID) -> LevelColumns:
    """The snapshot's levels, transposed into columns (runs on the core's database thread)."""
    rows = snapshots.level_tuples(engine, snapshot_id)
    columns: list[list[Any]] = [[] for _ in snapshots.LEVEL_COLUMNS]
    for start in range(0, len(rows), TRANSPOSE_ROWS):
        chunk = zip(*rows[start : start + TRANSPOSE_ROWS], strict=True)
        for column, values in zip(columns, chunk, strict=True):
            column.extend(values)
    return dict(zip(snapshots.LEVEL_COLUMNS, columns, strict=True))


def level_table(c: LevelColumns) -> StockTable:
    fields: dict[str, Sequence[object]] = {
        **{name: c[name] for name in _DESCRIPTIVE},
        "warehouse": c["warehouse"],
        "type": c["warehouse_type"],
        **{_IDS[name]: c[name] for name in _IDS},
    }
    search = [
        f"{v}\n{n}\n{p}\n{w}".casefold()
        for v, n, p, w in zip(
            c["vendor_code"], c["name"], c["product_id"], c["warehouse"], strict=True
        )
    ]
    return StockTable(
        columns=LEVEL_COLUMNS,
        values=tuple(fields[name] for name in LEVEL_COLUMNS),
        search=search,
        low=[bool(flag) for flag in c["low_stock"]],
        product_ids=c["product_id"],
    )


def product_table(c: LevelColumns, window_days: int, threshold: float) -> StockTable:
    """One row per product (``domain.figures.product_totals``, as the wide export's), its stock
    also split into FBO and FBS."""
    summed = {figure.name: c[figure.name] for figure in FIGURES if figure.summed}
    totals = product_totals(c["product_id"], summed, window_days, threshold)
    first = [own[0] for own in totals.levels]  # each product's first row: its descriptive fields
    quantity, kinds, warehouses = c["quantity"], c["warehouse_type"], c["warehouse"]
    fbs_type = WarehouseType.FBS.value
    fbs = [sum(quantity[r] for r in own if kinds[r] == fbs_type) for own in totals.levels]
    stock = totals.figures["quantity"]
    fields: dict[str, Sequence[object]] = {
        **{name: [c[name][r] for r in first] for name in _DESCRIPTIVE},
        "fbo": [total - on_fbs for total, on_fbs in zip(stock, fbs, strict=True)],
        "fbs": fbs,
        **{_IDS[name]: totals.figures[name] for name in _IDS},
    }
    vendor_codes, names = c["vendor_code"], c["name"]
    search = [
        "\n".join((vendor_codes[r], names[r], p, *(warehouses[i] for i in own))).casefold()
        for p, r, own in zip(totals.product_ids, first, totals.levels, strict=True)
    ]
    return StockTable(
        columns=PRODUCT_COLUMNS,
        values=tuple(fields[name] for name in PRODUCT_COLUMNS),
        search=search,
        low=totals.figures["low_stock"],
        product_ids=totals.product_ids,
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
