"""Many tenants at once through the sync engine, against the rate-limit floor.

    python bench/bench_sync_many.py [--tenants 100] [--products 2000] [--time-factor 0.1]
                                    [--concurrency 100] [--row-cap 250]

The simulator runs in its own process (a real marketplace is remote: its work must not compete
with the app for the GIL) with the real limits scaled by the time factor; every tenant is a
Wildberries seller (WB's limits are the ones that bind). The engine syncs all tenants with the
given concurrency, writing snapshots into an encrypted throwaway installation.

A tenant's floor is the least time its calls can take: per method group (calls - burst) x
interval; the engine runs products, then stock, and orders beside both (WB's order rows name
the product themselves), so floor = max(cards + stock groups, orders). With concurrency >=
tenants, the target is wall <= 1.15 x the slowest tenant's floor; with less, the floor is the
slowest floor x the number of waves. Also printed:
the ratio against syncing the tenants one after another (the sum of their floors, a lower bound
of the sequential time) and the peak memory (RSS) of the app process (target < 400 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
from licence import agency_licence

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.simulator import WB_LIMITS, SimulatorConfig, World
from stock_tracker_desktop.storage.sync_runs import Trigger
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncResult

CHAIN_FIRST = "wb.content.cards"
ORDERS = "wb.statistics.orders"
# The simulator builds each seller's data on first use, on its one event loop; here it is built
# before serving, or the first request of each seller would stall every other seller's answers
# (that would measure the simulator, not the app).
SERVE = """
import gc, sys, uvicorn
from stock_tracker_desktop.simulator import SimulatorConfig, World, create_app
seed, sellers, products, factor, cap, port = sys.argv[1:7]
world = World.build(SimulatorConfig(seed=int(seed), sellers=int(sellers), products=int(products),
                                    time_factor=float(factor), orders_row_cap=int(cap)))
for seller in world.sellers:
    assert seller.wb.cards
# The world is read-only from here: keep its millions of objects out of the collector's full
# passes, which would otherwise stall every answer for seconds (measured: 1.2 s median latency).
gc.freeze()
uvicorn.run(create_app(world), host="127.0.0.1", port=int(port), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the simulator process ended before it served")
        try:
            httpx.get(f"{base_url}/__sim__/faults", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    sys.exit("the simulator did not start")


def tenant_floor(groups: dict[str, int], time_factor: float) -> float:
    floors = {g: WB_LIMITS[g].floor_seconds(calls, time_factor) for g, calls in groups.items()}
    stock = sum(f for g, f in floors.items() if g not in (CHAIN_FIRST, ORDERS))
    return max(floors.get(CHAIN_FIRST, 0.0) + stock, floors.get(ORDERS, 0.0))


async def sync_all(
    args: argparse.Namespace, base_url: str, world: World, home: Path
) -> tuple[float, list[SyncResult]]:
    os.environ["STOCK_TRACKER_WB_BASE_URL"] = base_url
    os.environ["STOCK_TRACKER_TIME_FACTOR"] = str(args.time_factor)
    ctx = AppContext.open(lambda: "benchmark passphrase", home)
    service = TenantService(ctx)
    for index, seller in enumerate(world.sellers):
        service.add(
            TenantDraft(
                name=f"Seller {index:03d}",
                marketplace=Marketplace.WILDBERRIES,
                token=seller.wb_token,
            )
        )
    SettingsService(ctx).update(concurrency=args.concurrency)
    engine = SyncEngine(ctx)
    started = time.monotonic()
    results = await engine.sync(trigger=Trigger.CLI)
    wall = time.monotonic() - started
    await engine.aclose()
    ctx.close()
    return wall, results


def report(args: argparse.Namespace, base_url: str, wall: float, results: list[SyncResult]) -> None:
    served = httpx.get(f"{base_url}/__sim__/stats", timeout=10).json()
    calls: dict[str, dict[str, int]] = defaultdict(dict)
    throttled = 0
    for row in served:
        calls[row["seller_id"]][row["group"]] = row["requests"] - row["throttled"]
        throttled += row["throttled"]
    floors = [tenant_floor(groups, args.time_factor) for groups in calls.values()]
    slowest = max(floors)
    waves = math.ceil(args.tenants / args.concurrency)
    floor = slowest * waves
    failed = [r for r in results if not r.ok]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.tenants} tenants x {args.products} products, concurrency {args.concurrency}, "
        f"time factor {args.time_factor}: {len(results) - len(failed)} succeeded, "
        f"{len(failed)} failed, {throttled} answers 429"
    )
    for result in failed[:5]:
        print(f"  failed: {result.tenant}: {result.message}")
    print(f"wall {wall:.1f} s; slowest floor {slowest:.1f} s x {waves} wave(s) = {floor:.1f} s")
    if floor == 0:
        print("every tenant's calls fit in its bursts: no floor to compare with (lower --row-cap)")
        return
    target = " (target <= 1.15)" if waves == 1 else ""
    print(f"ratio against the floor: {wall / floor:.3f}{target}")
    print(
        f"one after another would take at least {sum(floors):.0f} s: "
        f"ratio {sum(floors) / wall:.1f}x faster"
    )
    print(f"peak RSS of the app process: {peak_mb:.0f} MB (target < 400 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--time-factor", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--row-cap", type=int, default=250, help="order rows per call")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SERVE,
            str(args.seed),
            str(args.tenants),
            str(args.products),
            str(args.time_factor),
            str(args.row_cap),
            str(port),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base_url, simulator)
        world = World.build(
            SimulatorConfig(
                seed=args.seed,
                sellers=args.tenants,
                products=args.products,
                time_factor=args.time_factor,
                orders_row_cap=args.row_cap,
            )
        )
        with tempfile.TemporaryDirectory() as tmp, agency_licence():
            wall, results = asyncio.run(sync_all(args, base_url, world, Path(tmp) / "home"))
        report(args, base_url, wall, results)
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)


if __name__ == "__main__":
    main()
