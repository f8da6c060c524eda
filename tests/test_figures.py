"""The aggregator's rules (docs/domain.md section 4) and its compact storage of order lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stock_tracker_desktop.domain.figures import FiguresAggregator
from stock_tracker_desktop.domain.models import OrderLine, StockRow, WarehouseType
from stock_tracker_desktop.domain.window import MOSCOW, last_full_days

FBO, FBS = WarehouseType.FBO, WarehouseType.FBS
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def line(line_id: str, product: str, warehouse: str, at: datetime, **extra: object) -> OrderLine:
    return OrderLine(line_id, product, warehouse, FBO, at, **extra)  # type: ignore[arg-type]


def test_levels_sum_sizes_count_lines_once_and_drop_cancelled_and_old_ones() -> None:
    window = last_full_days(7, NOW)
    inside = window.start + timedelta(days=2, hours=3, microseconds=17)
    figures = FiguresAggregator(window, threshold=14)
    figures.add_stock(
        [
            StockRow("1", "1a", "Коледино", FBO, 10, 2, 1),
            StockRow("1", "1b", "Коледино", FBO, 4),
            StockRow("1", "1a", "Склад продавца", FBS, 0),
            StockRow("2", "2a", "Коледино", FBO, 30),
        ]
    )
    figures.add_orders(
        [
            line("a", "1", "Коледино", inside, quantity=2),
            line("a", "1", "Коледино", inside, quantity=2),  # the same line again: once
            line("b", "1", "Коледино", inside.astimezone(MOSCOW)),
            line("c", "1", "Коледино", inside, cancelled=True),
            line("d", "1", "Коледино", window.start - timedelta(seconds=1)),  # before the window
            line("e", "3", "Казань", inside),  # orders, no stock: the level still appears
            line("f", "4", "Тула", inside, cancelled=True),  # only cancelled: no level
        ]
    )
    levels = {(lv.product_id, lv.warehouse, lv.warehouse_type): lv for lv in figures.levels()}
    assert set(levels) == {
        ("1", "Коледино", FBO),
        ("1", "Склад продавца", FBS),
        ("2", "Коледино", FBO),
        ("3", "Казань", FBO),
    }
    first = levels[("1", "Коледино", FBO)]
    assert (first.quantity, first.in_transit_to_customers, first.in_transit_returns) == (14, 2, 1)
    assert first.orders == 3
    assert first.days_of_stock == round(14 / (3 / 7), 1)
    assert not first.low_stock
    assert levels[("2", "Коледино", FBO)].days_of_stock is None
    kazan = levels[("3", "Казань", FBO)]
    assert (kazan.quantity, kazan.orders, kazan.days_of_stock, kazan.low_stock) == (0, 1, 0.0, True)
    assert figures.stock_rows == 4
    assert figures.order_lines_in_window == 3
    assert figures.kept_lines == 5
    assert len(figures) == 4
    assert figures.low_products() == {"3"}


def test_kept_order_lines_come_back_exactly() -> None:
    window = last_full_days(7, NOW)
    moments = [window.start + timedelta(hours=h, microseconds=h * 7919) for h in range(0, 160, 9)]
    lines = [
        OrderLine(f"srid-{n}", str(n % 5), f"Склад {n % 3}", FBS if n % 2 else FBO, at, n % 4 + 1)
        for n, at in enumerate(moments)
    ]
    lines[3] = OrderLine("cancelled", "9", "Тула", FBO, moments[3].astimezone(MOSCOW), 1, True)
    figures = FiguresAggregator(window)
    figures.add_orders(lines[:7])
    figures.add_orders(lines[5:])
    assert list(figures.order_lines()) == lines
    assert all(kept.ordered_at.utcoffset() == timedelta(0) for kept in figures.order_lines())


def test_compacting_after_stock_changes_no_figure() -> None:
    window = last_full_days(7, NOW)
    inside = window.start + timedelta(days=1)
    stock = [
        StockRow(str(p), f"{p}-{s}", f"Склад {w}", FBO if w % 2 else FBS, p + s + w)
        for p in range(40, 0, -1)
        for s in range(2)
        for w in range(p % 4 + 1)
    ]
    orders = [
        line(f"o{n}", str(n % 45), f"Склад {n % 6}", inside, quantity=n % 3 + 1) for n in range(90)
    ]
    plain, compacted = FiguresAggregator(window), FiguresAggregator(window)
    for figures in (plain, compacted):
        figures.add_stock(stock[:50])
        figures.add_orders(orders[:30])
    compacted.compact()  # as the engine does once stock is in; here more stock still comes
    for figures in (plain, compacted):
        figures.add_stock(stock[50:])
        figures.add_orders(orders[30:])
    assert list(compacted.levels()) == list(plain.levels())
    assert len(compacted) == len(plain) > len({(r.product_id, r.warehouse) for r in stock})
    low = {level.product_id for level in plain.levels() if level.low_stock}
    assert compacted.low_products() == plain.low_products() == low != set()
    compacted.compact()  # twice, with levels that only orders made
    compacted.add_orders([line("late", "1", "Склад 0", inside, quantity=5)])
    plain.add_orders([line("late", "1", "Склад 0", inside, quantity=5)])
    assert list(compacted.levels()) == list(plain.levels())
