"""The wide layout sellers know (docs/domain.md section 5), as a grid both the XLSX and the Google
Sheets writers render, so the two can never drift apart.

Row 1 holds merged group headers, row 2 the column headers (both frozen), then one row per
product: brand, subject, seller's article, marketplace id, then the figures over all warehouses
(``texts.WIDE_TOTALS``: in transit both ways, orders in the window, total stock, days of stock),
and for every warehouse (sorted by name) its own (``texts.WIDE_PER_WAREHOUSE``: stock, orders and
days of stock). Days of stock at or below the threshold are highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass

from stock_tracker_desktop.domain.figures import Figure, Kind
from stock_tracker_desktop.exporters.table import ExportTable, ProductRow
from stock_tracker_desktop.exporters.texts import (
    WIDE_PER_WAREHOUSE,
    WIDE_TOTALS,
    Language,
    group_headers,
    warehouse_headers,
    wide_headers,
)
from stock_tracker_desktop.storage.snapshots import StockLevelRow

Cell = str | int | float | None

HEADER_ROWS = 2
PRODUCT_COLUMNS = 4
TOTAL_COLUMNS = len(WIDE_TOTALS)
BASE_COLUMNS = PRODUCT_COLUMNS + TOTAL_COLUMNS
PLACE_COLUMNS = len(WIDE_PER_WAREHOUSE)
_PER_WAREHOUSE = tuple(figure.name for figure in WIDE_PER_WAREHOUSE)
# The cell a low level or product highlights, within the totals and within a warehouse's group.
_DAYS = "days_of_stock"
_DAYS_TOTAL = [figure.name for figure in WIDE_TOTALS].index(_DAYS)
_DAYS_PER_WAREHOUSE = _PER_WAREHOUSE.index(_DAYS)
# Colours as RRGGBB: the header colour sellers know, white text, and a light red for low stock.
HEADER_BACKGROUND = "6679EB"
HEADER_FOREGROUND = "FFFFFF"
LOW_STOCK_BACKGROUND = "F4CCCC"
# Column widths in characters (XLSX's unit; the Sheets writer converts to pixels).
_PRODUCT_WIDTHS = (18, 22, 20, 16)
_PLACE_WIDTH = 10


def _total_width(figure: Figure) -> int:
    return 11 if figure.kind is Kind.DAYS else 12


_BASE_WIDTHS = _PRODUCT_WIDTHS + tuple(map(_total_width, WIDE_TOTALS))


@dataclass(frozen=True, slots=True)
class Span:
    """A merged range of header row 1: columns [start, end), 0-based."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class WideGrid:
    """Typed cell values (headers included), merges of row 1, highlighted cells, widths."""

    rows: tuple[tuple[Cell, ...], ...]
    spans: tuple[Span, ...]
    low_stock: frozenset[tuple[int, int]]
    widths: tuple[int, ...]

    @property
    def width(self) -> int:
        return len(self.widths)

    @property
    def height(self) -> int:
        return len(self.rows)


def id_value(product_id: str) -> int | str:
    """A marketplace id as a number when it is one (sellers sort and look up nmIDs as
    numbers); text when turning it into a number would change it (leading zeros, letters)."""
    if product_id.isascii() and product_id.isdigit() and str(int(product_id)) == product_id:
        number = int(product_id)
        if number < 2**53:  # beyond this a spreadsheet's double loses digits
            return number
    return product_id


_NO_PLACE: tuple[Cell, ...] = (None,) * PLACE_COLUMNS


def _place_cells(place: StockLevelRow | None) -> tuple[Cell, ...]:
    if place is None:
        return _NO_PLACE
    return tuple(getattr(place, name) for name in _PER_WAREHOUSE)


def _product_cells(product: ProductRow) -> tuple[Cell, ...]:
    cells: list[Cell] = [
        product.brand,
        product.subject,
        product.vendor_code,
        id_value(product.product_id),
        *(product.totals[figure.name] for figure in WIDE_TOTALS),
    ]
    for place in product.places:
        cells.extend(_place_cells(place))
    return tuple(cells)


def _low_cells(row: int, product: ProductRow) -> list[tuple[int, int]]:
    found = []
    totals = product.totals
    if totals["low_stock"] and totals[_DAYS] is not None:
        found.append((row, PRODUCT_COLUMNS + _DAYS_TOTAL))
    for i, place in enumerate(product.places):
        if place is not None and place.low_stock and place.days_of_stock is not None:
            found.append((row, BASE_COLUMNS + i * PLACE_COLUMNS + _DAYS_PER_WAREHOUSE))
    return found


def wide_grid(table: ExportTable, language: Language) -> WideGrid:
    product_group, totals_group = group_headers(language)
    spans = [
        Span(0, PRODUCT_COLUMNS, product_group),
        Span(PRODUCT_COLUMNS, BASE_COLUMNS, totals_group),
    ]
    second: list[Cell] = list(wide_headers(language, table.marketplace, table.snapshot.window_days))
    for i, column in enumerate(table.warehouses):
        start = BASE_COLUMNS + i * PLACE_COLUMNS
        spans.append(Span(start, start + PLACE_COLUMNS, column.label))
        second.extend(warehouse_headers(language))
    first: list[Cell] = [None] * len(second)
    for span in spans:
        first[span.start] = span.text
    rows: list[tuple[Cell, ...]] = [tuple(first), tuple(second)]
    low: list[tuple[int, int]] = []
    for product in table.products:
        low.extend(_low_cells(len(rows), product))
        rows.append(_product_cells(product))
    widths = _BASE_WIDTHS + (_PLACE_WIDTH,) * (len(table.warehouses) * PLACE_COLUMNS)
    return WideGrid(tuple(rows), tuple(spans), frozenset(low), widths)
