"""The numbers sellers read: stock, orders and days of stock per product and warehouse.

docs/domain.md section 4, to the letter:
- stock is summed over sizes per product, warehouse and warehouse type;
- an order line counts once (by its id), cancelled lines are dropped, and only lines whose order
  date falls in the window count;
- a warehouse with orders but no stock still appears, with stock 0;
- days of stock = stock / (orders in the window / window days), one decimal, empty when there
  were no orders; low stock = days at or below the threshold, or stock 0 with orders.

Rows are fed to the aggregator page by page as they arrive; it keeps only the sums per level and
the order lines to store, in compact columns. The figure set itself is defined once,
``FigureSet``, and the per-product totals the stock view and the wide export show are computed
once, ``product_totals``.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import Field, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from stock_tracker_desktop.domain.models import OrderLine, StockRow, WarehouseType
from stock_tracker_desktop.domain.window import OrderWindow

DEFAULT_LOW_STOCK_DAYS = 14.0


def days_of_stock(stock: int, orders: int, window_days: int) -> float | None:
    if orders <= 0:
        return None
    return round(stock / (orders / window_days), 1)


def is_low_stock(stock: int, orders: int, days: float | None, threshold: float) -> bool:
    if days is not None and days <= threshold:
        return True
    return stock == 0 and orders > 0


class Kind(Enum):
    """What sort of number a figure is."""

    UNITS = "units"  # a count of units; a product's figure is the sum over its warehouses
    DAYS = "days"  # days of stock, one decimal; None without orders
    FLAG = "flag"  # yes or no; the stock view and the wide layout show it as a tint


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of ``FigureSet`` and what every layer needs to know of it."""

    name: str  # the records' attribute and the ``stock_levels`` column
    kind: Kind
    column: str  # its id in the exports: the long form's English header
    wide_total: int | None  # its place among the wide layout's all-warehouse columns, if any
    wide_per_warehouse: bool  # whether every warehouse's group of the wide layout shows it

    @property
    def summed(self) -> bool:
        """A product's figure is the sum over its warehouses; the others (days of stock, low
        stock) are worked out from those sums, as for one warehouse."""
        return self.kind is Kind.UNITS


_FIGURE = "figure"


def _figure(
    kind: Kind, *, column: str = "", wide_total: int | None = None, per_warehouse: bool = False
) -> dict[str, tuple[Kind, str, int | None, bool]]:
    """The metadata of a ``FigureSet`` field (the column id defaults to the field's name)."""
    return {_FIGURE: (kind, column, wide_total, per_warehouse)}


@dataclass(frozen=True)
class FigureSet:
    """The figures kept per product and warehouse: the one definition of the figure set.

    Everything that lists the figures follows these fields, in this order: the records that
    carry them (``LevelFigures``, ``storage.snapshots.StockLevelRow``, which inherit them), the
    SQL that writes and reads ``stock_levels``, the export columns, the stock view's columns and
    the per-product totals (all through ``FIGURES``). A new figure is one field here, a
    migration adding its column, its header texts (exporters/texts.py, the stock view) and
    ``FiguresAggregator`` computing it.

    Only a base for records: with no slots of its own, it mixes with a record's other fields
    into one slotted class.
    """

    __slots__ = ()

    quantity: int = field(
        metadata=_figure(Kind.UNITS, column="stock", wide_total=3, per_warehouse=True)
    )
    in_transit_to_customers: int = field(metadata=_figure(Kind.UNITS, wide_total=0))
    in_transit_returns: int = field(metadata=_figure(Kind.UNITS, wide_total=1))
    orders: int = field(metadata=_figure(Kind.UNITS, wide_total=2, per_warehouse=True))
    days_of_stock: float | None = field(
        metadata=_figure(Kind.DAYS, wide_total=4, per_warehouse=True)
    )
    low_stock: bool = field(metadata=_figure(Kind.FLAG))


def _describe(spec: Field[object]) -> Figure:
    kind, column, wide_total, per_warehouse = spec.metadata[_FIGURE]
    return Figure(spec.name, kind, column or spec.name, wide_total, per_warehouse)


FIGURES: tuple[Figure, ...] = tuple(map(_describe, fields(FigureSet)))
FIGURE_NAMES: tuple[str, ...] = tuple(figure.name for figure in FIGURES)


@dataclass(frozen=True)
class _Place:
    __slots__ = ()

    product_id: str
    warehouse: str
    warehouse_type: WarehouseType


@dataclass(frozen=True, slots=True)
class LevelFigures(FigureSet, _Place):
    """The figures of one product on one warehouse (fields: the place, then ``FigureSet``)."""


@dataclass(frozen=True, slots=True)
class ProductTotals:
    """Each product's figures over all its warehouses, column by column: position ``i`` is the
    ``i``-th product in the order its levels first come."""

    product_ids: list[str]
    levels: list[list[int]]  # the positions of each product's levels among the input's
    figures: dict[str, list[Any]]  # every figure's name -> its value for each product

    def of(self, product: int) -> dict[str, Any]:
        """Every figure of the product at position ``product``, by name."""
        return {name: values[product] for name, values in self.figures.items()}


def product_totals(
    product_ids: Sequence[str],
    summed: Mapping[str, Sequence[int]],
    window_days: int,
    threshold: float,
) -> ProductTotals:
    """The per-product rows of the stock view and of the wide export, from level columns.

    ``product_ids`` and every column of ``summed`` (one per summed figure, by name) hold one
    value per level. Each summed figure adds up over the product's levels, a WB level without a
    warehouse (in-transit figures not tied to one) included; days of stock and low stock come
    from the sums, as for one warehouse.
    """
    groups: dict[str, list[int]] = {}
    for position, product in enumerate(product_ids):
        group = groups.get(product)
        if group is None:
            groups[product] = [position]
        else:
            group.append(position)
    levels = list(groups.values())
    totals: dict[str, list[Any]] = {
        figure.name: [sum(map(summed[figure.name].__getitem__, group)) for group in levels]
        for figure in FIGURES
        if figure.summed
    }
    stock, orders = totals["quantity"], totals["orders"]
    days = [days_of_stock(s, o, window_days) for s, o in zip(stock, orders, strict=True)]
    totals["days_of_stock"] = days
    totals["low_stock"] = [
        is_low_stock(s, o, d, threshold) for s, o, d in zip(stock, orders, days, strict=True)
    ]
    return ProductTotals(list(groups), levels, totals)


@dataclass(frozen=True, slots=True)
class OrderFigures:
    """The order-made figures of the level at ``index`` (in the order levels were first met)."""

    index: int
    orders: int
    days_of_stock: float | None
    low_stock: bool


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_WAREHOUSE_BITS = 20  # a level's key is product << 20 | warehouse: room for a million warehouses


class FiguresAggregator:
    """Accumulates one tenant's stock rows and order lines, then yields LevelFigures.

    Everything is held in columns of machine integers (``array``) and dictionaries of plain
    strings and integers, not in an object per level or per order line: a hundred large sellers
    syncing at once then cost a few megabytes each instead of tens, and the garbage collector,
    which ignores such containers, no longer walks millions of small objects on every full pass.
    """

    def __init__(self, window: OrderWindow, threshold: float = DEFAULT_LOW_STOCK_DAYS) -> None:
        self.window = window
        self.threshold = threshold
        self._products: dict[str, int] = {}
        self._warehouses: dict[tuple[str, WarehouseType], int] = {}
        self._slots: dict[int, int] = {}  # level key -> index into the columns below
        self._keys = array("q")  # index -> level key
        # After ``compact``: the keys of the levels then known, sorted, and their indexes.
        self._sorted_keys = array("q")
        self._sorted_slots = array("q")
        self._quantity = array("q")
        self._to_customers = array("q")
        self._returns = array("q")
        self._orders = array("q")
        self._line_ids: list[str] = []
        self._seen_lines: set[str] = set()
        self._line_places = array("q")  # level keys
        self._line_times = array("q")  # microseconds since the epoch, UTC
        self._line_quantities = array("q")
        self._line_cancelled = bytearray()
        self.order_lines_in_window = 0
        self.stock_rows = 0

    def _place(self, product_id: str, warehouse: str, kind: WarehouseType) -> int:
        """The level key of a product on a warehouse (product << 20 | warehouse)."""
        products, warehouses = self._products, self._warehouses
        p = products.get(product_id)
        if p is None:
            p = products[product_id] = len(products)
        w = warehouses.get((warehouse, kind))
        if w is None:
            w = warehouses[(warehouse, kind)] = len(warehouses)
        return p << _WAREHOUSE_BITS | w

    def _slot(self, key: int) -> int:
        keys = self._sorted_keys
        if keys:
            at = bisect_left(keys, key)
            if at < len(keys) and keys[at] == key:
                return self._sorted_slots[at]
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = len(self._quantity)
            self._keys.append(key)
            for column in (self._quantity, self._to_customers, self._returns, self._orders):
                column.append(0)
        return slot

    def compact(self) -> None:
        """Trade the level dictionary for two sorted integer columns (a binary search each).

        A dictionary entry costs two integer objects and its slot, ~100 bytes a level; sorted
        columns cost 16. Worth it once stock is in and only order lines still arrive: a hundred
        sellers' order histories are then read without their levels' dictionaries in memory.
        """
        keys = self._keys
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._sorted_keys = array("q", (keys[index] for index in order))
        self._sorted_slots = array("q", order)
        self._slots = {}

    def add_stock(self, rows: Iterable[StockRow]) -> None:
        for row in rows:
            slot = self._slot(self._place(row.product_id, row.warehouse, row.warehouse_type))
            self._quantity[slot] += row.quantity
            self._to_customers[slot] += row.in_transit_to_customers
            self._returns[slot] += row.in_transit_returns
            self.stock_rows += 1

    def add_orders(self, lines: Iterable[OrderLine]) -> None:
        """Count the lines that belong to the window, each id once, and keep them for storage."""
        for line in lines:
            if line.line_id in self._seen_lines or not self.window.contains(line.ordered_at):
                continue
            self._seen_lines.add(line.line_id)
            # A line keeps its place even when cancelled; only counted lines make a level.
            key = self._place(line.product_id, line.warehouse, line.warehouse_type)
            self._line_ids.append(line.line_id)
            self._line_places.append(key)
            self._line_times.append((line.ordered_at - _EPOCH) // _MICROSECOND)
            self._line_quantities.append(line.quantity)
            self._line_cancelled.append(line.cancelled)
            if line.cancelled:
                continue
            self._orders[self._slot(key)] += line.quantity
            self.order_lines_in_window += 1

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def kept_lines(self) -> int:
        """Order lines in the window, cancelled ones included (what storage keeps)."""
        return len(self._line_ids)

    def _describe(self) -> Callable[[int], tuple[str, str, WarehouseType]]:
        """Turns a level key back into product id, warehouse name and type.

        Made where the aggregator is fed (it copies the names known so far); the function it
        returns may then run on another thread for the keys known at that moment.
        """
        products = list(self._products)
        warehouses = list(self._warehouses)
        mask = (1 << _WAREHOUSE_BITS) - 1

        def describe(key: int) -> tuple[str, str, WarehouseType]:
            name, kind = warehouses[key & mask]
            return products[key >> _WAREHOUSE_BITS], name, kind

        return describe

    def levels(self, start: int = 0, end: int | None = None) -> Iterator[LevelFigures]:
        """The levels from index ``start`` to ``end`` (default: all), in the order first met.

        Call it where the aggregator is fed; the iterator may be consumed on another thread
        while more rows arrive: it reads only the levels that existed when it was made.
        """
        return self._levels(self._describe(), start, len(self._keys) if end is None else end)

    def _levels(
        self, describe: Callable[[int], tuple[str, str, WarehouseType]], start: int, end: int
    ) -> Iterator[LevelFigures]:
        days_in_window = self.window.days
        for index in range(start, end):
            product_id, name, kind = describe(self._keys[index])
            qty, orders = self._quantity[index], self._orders[index]
            days = days_of_stock(qty, orders, days_in_window)
            yield LevelFigures(
                product_id=product_id,
                warehouse=name,
                warehouse_type=kind,
                quantity=qty,
                in_transit_to_customers=self._to_customers[index],
                in_transit_returns=self._returns[index],
                orders=orders,
                days_of_stock=days,
                low_stock=is_low_stock(qty, orders, days, self.threshold),
            )

    def order_figures(self, below: int) -> Iterator[OrderFigures]:
        """Orders, days of stock and low flag of the levels below index ``below`` with orders
        (the others have none: no days of stock, and not low for want of orders)."""
        days_in_window = self.window.days
        for index in range(below):
            orders = self._orders[index]
            if orders:
                qty = self._quantity[index]
                days = days_of_stock(qty, orders, days_in_window)
                low = is_low_stock(qty, orders, days, self.threshold)
                yield OrderFigures(index, orders, days, low)

    def low_products(self) -> set[str]:
        """Products low on at least one warehouse (only a level with orders can be low)."""
        products = list(self._products)
        return {
            products[self._keys[figures.index] >> _WAREHOUSE_BITS]
            for figures in self.order_figures(len(self._keys))
            if figures.low_stock
        }

    def order_lines(self, start: int = 0, end: int | None = None) -> Iterator[OrderLine]:
        """The kept lines from ``start`` to ``end`` (default: all), in the order they arrived;
        like ``levels``, safe to consume on another thread while more lines arrive."""
        end = len(self._line_ids) if end is None else end
        return self._order_lines(self._describe(), start, end)

    def _order_lines(
        self, describe: Callable[[int], tuple[str, str, WarehouseType]], start: int, end: int
    ) -> Iterator[OrderLine]:
        for index in range(start, end):
            product_id, name, kind = describe(self._line_places[index])
            yield OrderLine(
                line_id=self._line_ids[index],
                product_id=product_id,
                warehouse=name,
                warehouse_type=kind,
                ordered_at=_EPOCH + self._line_times[index] * _MICROSECOND,
                quantity=self._line_quantities[index],
                cancelled=bool(self._line_cancelled[index]),
            )
