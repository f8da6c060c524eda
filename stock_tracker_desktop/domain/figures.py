"""The numbers sellers read: stock, orders and days of stock per product and warehouse.

DOMAIN.md section 4, to the letter:
- stock is summed over sizes per product, warehouse and warehouse type;
- an order line counts once (by its id), cancelled lines are dropped, and only lines whose order
  date falls in the window count;
- a warehouse with orders but no stock still appears, with stock 0;
- days of stock = stock / (orders in the window / window days), one decimal, empty when there
  were no orders; low stock = days at or below the threshold, or stock 0 with orders.

The aggregator holds one tenant's figures keyed by small integers, so that a sync of many large
sellers at once stays light in memory; rows are fed to it page by page as they arrive.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class LevelFigures:
    """The figures of one product on one warehouse."""

    product_id: str
    warehouse: str
    warehouse_type: WarehouseType
    quantity: int
    in_transit_to_customers: int
    in_transit_returns: int
    orders: int
    days_of_stock: float | None
    low_stock: bool


_QTY, _TO_CUSTOMERS, _RETURNS, _ORDERS = range(4)


class FiguresAggregator:
    """Accumulates one tenant's stock rows and order lines, then yields LevelFigures."""

    def __init__(self, window: OrderWindow, threshold: float = DEFAULT_LOW_STOCK_DAYS) -> None:
        self.window = window
        self.threshold = threshold
        self._products: dict[str, int] = {}
        self._warehouses: dict[tuple[str, WarehouseType], int] = {}
        self._levels: dict[tuple[int, int], list[int]] = {}
        self._seen_lines: set[str] = set()
        self.order_lines_in_window = 0
        self.stock_rows = 0

    def _level(self, product_id: str, warehouse: str, kind: WarehouseType) -> list[int]:
        p = self._products.setdefault(product_id, len(self._products))
        w = self._warehouses.setdefault((warehouse, kind), len(self._warehouses))
        level = self._levels.get((p, w))
        if level is None:
            level = self._levels[(p, w)] = [0, 0, 0, 0]
        return level

    def add_stock(self, rows: Iterable[StockRow]) -> None:
        for row in rows:
            level = self._level(row.product_id, row.warehouse, row.warehouse_type)
            level[_QTY] += row.quantity
            level[_TO_CUSTOMERS] += row.in_transit_to_customers
            level[_RETURNS] += row.in_transit_returns
            self.stock_rows += 1

    def add_orders(self, lines: Iterable[OrderLine]) -> list[OrderLine]:
        """Count the lines that belong to the window; return them (each id once) for storage."""
        kept = []
        for line in lines:
            if line.line_id in self._seen_lines or not self.window.contains(line.ordered_at):
                continue
            self._seen_lines.add(line.line_id)
            kept.append(line)
            if line.cancelled:
                continue
            level = self._level(line.product_id, line.warehouse, line.warehouse_type)
            level[_ORDERS] += line.quantity
            self.order_lines_in_window += 1
        return kept

    def __len__(self) -> int:
        return len(self._levels)

    def levels(self) -> Iterator[LevelFigures]:
        products = list(self._products)
        warehouses = list(self._warehouses)
        for (p, w), (qty, to_customers, returns, orders) in self._levels.items():
            name, kind = warehouses[w]
            days = days_of_stock(qty, orders, self.window.days)
            yield LevelFigures(
                product_id=products[p],
                warehouse=name,
                warehouse_type=kind,
                quantity=qty,
                in_transit_to_customers=to_customers,
                in_transit_returns=returns,
                orders=orders,
                days_of_stock=days,
                low_stock=is_low_stock(qty, orders, days, self.threshold),
            )
