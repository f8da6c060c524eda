"""One full WB sync of one seller against the simulator, with the real limits scaled down.

Prints the wall time, the rate-limit floor computed from the limits table and the calls made per
method group, their ratio (target <= 1.1) and the number of 429 answers.

    python bench/bench_wb_sync_pacing.py [--time-factor 0.02] [--products 2000] [--row-cap 250]

The sync runs as the engine runs it: orders in parallel with products -> stock (stock needs the
products' size ids). Each method group has its own bucket, so a group's floor is
(calls - burst) x interval when calls exceed the burst; a chain's floor is the sum of its groups'
floors, and the sync's floor is the slower chain's. The simulator builds the seller's data before
the clock starts: that is the simulator's cost, not the client's.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from stock_tracker_desktop.domain.models import OrderLine, Product, StockRow
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient
from stock_tracker_desktop.simulator import WB_LIMITS, SimulatorConfig, start_in_thread

ORDERS_GROUP = "wb.statistics.orders"


async def run(time_factor: float, products: int, row_cap: int) -> None:
    config = SimulatorConfig(
        seed=1, sellers=1, products=products, time_factor=time_factor, orders_row_cap=row_cap
    )
    with start_in_thread(config) as sim:
        seller = sim.world.sellers[0]
        assert seller.wb.cards  # build the seller's data now, outside the measurement
        client = WildberriesClient(seller.wb_token, base_url=sim.base_url, time_factor=time_factor)

        async def products_then_stock() -> tuple[list[Product], list[StockRow]]:
            products = [product async for page in client.products() for product in page]
            return products, [row async for page in client.stock(products) for row in page]

        async def orders() -> list[OrderLine]:
            return [line async for page in client.order_lines(last_full_days(7)) for line in page]

        started = time.monotonic()
        (products, stock), lines = await asyncio.gather(products_then_stock(), orders())
        wall = time.monotonic() - started
        await client.aclose()
        served = {
            group: stats
            for (seller_id, group), stats in sim.world.stats.snapshot().items()
            if seller_id == seller.seller_id
        }
    chains: dict[str, float] = {"orders": 0.0, "products+stock": 0.0}
    print(f"WB sync: {len(products)} products, {len(stock)} stock rows, {len(lines)} order lines")
    print(f"{'group':34} {'calls':>6} {'429':>5} {'floor s':>8}")
    for group, stats in sorted(served.items()):
        group_floor = WB_LIMITS[group].floor_seconds(stats.requests - stats.throttled, time_factor)
        chains["orders" if group == ORDERS_GROUP else "products+stock"] += group_floor
        print(f"{group:34} {stats.requests:6d} {stats.throttled:5d} {group_floor:8.3f}")
    floor = max(chains.values())
    throttled = sum(stats.throttled for stats in served.values())
    print(f"time factor {time_factor}: wall {wall:.3f} s, floor {floor:.3f} s, ", end="")
    print(f"ratio {wall / floor if floor else float('inf'):.3f}, 429s {throttled}")
    print(f"client stats: {client.stats}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-factor", type=float, default=0.02)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--row-cap", type=int, default=250, help="order rows per call")
    args = parser.parse_args()
    asyncio.run(run(args.time_factor, args.products, args.row_cap))


if __name__ == "__main__":
    main()
