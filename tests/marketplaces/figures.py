"""A whole sync through a client, normalised the way the simulator states its expectations."""

from __future__ import annotations

from collections import defaultdict

from stock_tracker_desktop.domain.models import Product, StockRow
from stock_tracker_desktop.domain.window import OrderWindow
from stock_tracker_desktop.marketplaces.base import MarketplaceClient
from stock_tracker_desktop.simulator import ExpectedFigures


def stock_totals(rows: list[StockRow]) -> dict[tuple, tuple[int, int, int]]:
    totals: dict[tuple, tuple[int, int, int]] = {}
    for row in rows:
        key = (row.product_id, row.warehouse, row.warehouse_type)
        old = totals.get(key, (0, 0, 0))
        totals[key] = (
            old[0] + row.quantity,
            old[1] + row.in_transit_to_customers,
            old[2] + row.in_transit_returns,
        )
    return totals


async def all_products(client: MarketplaceClient) -> list[Product]:
    return [product async for page in client.products() for product in page]


async def all_stock(client: MarketplaceClient, products: list[Product]) -> list[StockRow]:
    return [row async for page in client.stock(products) for row in page]


async def sync(client: MarketplaceClient, window: OrderWindow) -> ExpectedFigures:
    products = await all_products(client)
    stock = stock_totals(await all_stock(client, products))
    orders: dict[tuple[str, str], int] = defaultdict(int)
    async for page in client.order_lines(window):
        for line in page:
            if not line.cancelled:
                orders[(line.product_id, line.warehouse)] += line.quantity
    return ExpectedFigures(products=products, stock=stock, orders=dict(orders))
