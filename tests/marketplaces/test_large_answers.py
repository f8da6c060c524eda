"""Whole-stock answers are bounded per process, and an abandoned sync never keeps a permit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

from stock_tracker_desktop.domain.models import Product, StockRow, WarehouseType
from stock_tracker_desktop.marketplaces.transport import LARGE_ANSWERS_AT_ONCE
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from tests.marketplaces.figures import all_products, all_stock

TIME_FACTOR = 0.01
WB_STOCKS = "/api/analytics/v1/stocks-report/wb-warehouses"
SLOW = 0.4  # seconds the simulator holds each whole-stock answer
SELLERS = LARGE_ANSWERS_AT_ONCE + 2


async def _clients(sim: RunningSimulator) -> list[tuple[WildberriesClient, list[Product]]]:
    clients = [
        WildberriesClient(seller.wb_token, base_url=sim.base_url, time_factor=TIME_FACTOR)
        for seller in sim.world.sellers
    ]
    return [(client, await all_products(client)) for client in clients]


async def _first_fbo_page(pages: AsyncIterator[list[StockRow]]) -> None:
    async for page in pages:
        if page[0].warehouse_type is WarehouseType.FBO:
            return


async def test_whole_stock_answers_wait_their_turn(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(seed=6, sellers=SELLERS, products=20, time_factor=TIME_FACTOR)
    sim.world.faults.add(Fault(kind="slow", path_prefix=WB_STOCKS, count=100, delay=SLOW))
    clients = await _clients(sim)
    started = time.monotonic()
    stocks = await asyncio.gather(*(all_stock(client, products) for client, products in clients))
    elapsed = time.monotonic() - started
    for client, _ in clients:
        await client.aclose()
    assert all(any(row.warehouse_type is WarehouseType.FBO for row in rows) for rows in stocks)
    # More sellers than permits: the last ones wait for a whole answer to be done.
    assert elapsed >= 2 * SLOW * 0.95


async def test_an_abandoned_stock_listing_keeps_no_permit(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(seed=6, sellers=SELLERS, products=20, time_factor=TIME_FACTOR)
    clients = await _clients(sim)
    # As many listings as there are permits stop right after their whole-stock page and stay
    # referenced (not closed, not collected), as a cancelled sync's generator may.
    abandoned = [client.stock(products) for client, products in clients[:LARGE_ANSWERS_AT_ONCE]]
    for pages in abandoned:
        await _first_fbo_page(pages)
    client, products = clients[-1]
    rows = await asyncio.wait_for(all_stock(client, products), timeout=10)
    assert any(row.warehouse_type is WarehouseType.FBO for row in rows)
    for pages in abandoned:
        await pages.aclose()  # type: ignore[attr-defined]
    for client, _ in clients:
        await client.aclose()
