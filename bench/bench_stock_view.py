"""How fast does the stock view open a tenant with 100,000 level rows?

    python bench/bench_stock_view.py [--products 10000] [--warehouses 10] [--runs 3]

A snapshot of products x warehouses level rows is written with
storage.snapshot_writer.write_snapshot into a throwaway installation. Then, on a qasync loop
like the app's, the time from ``StockView.show_tenant()`` until the model is filled and the
table painted (target: < 1 s) is compared with the raw query (``snapshots.stock_levels`` alone).
The event loop's longest stall during the load is reported too (the query and shaping run on the
database thread), as are sorting, searching and switching to the per-product layout. Runs
offscreen unless a display is set.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import qasync
from bench_gui_responsiveness import StallProbe, open_throwaway
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.domain.figures import LevelFigures, days_of_stock, is_low_stock
from stock_tracker_desktop.domain.models import Marketplace, Product, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.memory import freeze_startup_objects
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.storage import snapshot_writer, snapshots
from stock_tracker_desktop.ui.stock_view import StockView

TARGET_SECONDS = 1.0
TENANT = "Big seller"


def write_big_snapshot(ctx: AppContext, products: int, warehouses: int) -> uuid.UUID:
    TenantService(ctx).add(
        TenantDraft(
            name=TENANT,
            marketplace=Marketplace.OZON,
            client_id="123456",
            api_key="0f0e0d0c-0b0a-0908-0706-050403020100",
        )
    )
    tenant = TenantService(ctx).get(TENANT)
    window = last_full_days(7)
    catalogue = [
        Product(
            product_id=str(100_000_000 + n),
            vendor_code=f"ART-{n:06d}",
            name=f"Товар номер {n} с довольно длинным названием",
            brand=f"Бренд {n % 40}",
            subject=f"Предмет {n % 120}",
        )
        for n in range(products)
    ]
    levels = []
    for n, product in enumerate(catalogue):
        for w in range(warehouses):
            quantity = (n * 7 + w * 13) % 200
            orders = (n + w * 3) % 25
            days = days_of_stock(quantity, orders, window.days)
            levels.append(
                LevelFigures(
                    product_id=product.product_id,
                    warehouse=f"Склад {w:02d}",
                    warehouse_type=WarehouseType.FBS if w % 4 == 0 else WarehouseType.FBO,
                    quantity=quantity,
                    in_transit_to_customers=w % 3,
                    in_transit_returns=w % 2,
                    orders=orders,
                    days_of_stock=days,
                    low_stock=is_low_stock(quantity, orders, days, 14.0),
                )
            )
    snapshot_writer.write_snapshot(
        ctx.database,
        snapshot_writer.SnapshotData(
            tenant_id=tenant.id,
            sync_run_id=None,
            taken_at=datetime.now(UTC),
            window=window,
            threshold_days=14.0,
            products=catalogue,
            levels=levels,
            order_lines=[],
        ),
    )
    return tenant.id


def raw_query_seconds(ctx: AppContext, tenant_id: uuid.UUID) -> tuple[float, int]:
    started = time.perf_counter()
    current = snapshots.current_snapshot(ctx.database, tenant_id)
    assert current is not None
    rows = snapshots.stock_levels(ctx.database, current.id)
    return time.perf_counter() - started, len(rows)


async def until_loaded(view: StockView, action: object) -> None:
    done = asyncio.get_running_loop().create_future()

    def loaded() -> None:
        if not done.done():
            done.set_result(None)

    view.loaded.connect(loaded)
    try:
        action()  # type: ignore[operator]
        await done
    finally:
        view.loaded.disconnect(loaded)


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


async def open_view(ctx: AppContext, runs: int) -> None:
    core = AppCore(ctx)
    tenant = TenantService(ctx).get(TENANT)
    raw = [await core.db.run(raw_query_seconds, ctx, tenant.id) for _ in range(runs)]
    raw_seconds = statistics.median(r[0] for r in raw)
    freeze_startup_objects()  # as run_gui does once the window is up
    opened, stalls = [], []
    view: StockView | None = None
    try:
        for _ in range(runs):
            view = StockView(core)
            view.resize(1440, 820)
            view.show()
            await asyncio.sleep(0.2)
            probe = StallProbe()
            probe.start()
            started = time.perf_counter()
            await until_loaded(view, lambda v=view: v.show_tenant(tenant))
            view.table.viewport().repaint()  # paint now, synchronously: part of "opened"
            opened.append(time.perf_counter() - started)
            probe.stop()
            stalls.append(probe.max_stall)
            if len(opened) < runs:
                view.deleteLater()
                await asyncio.sleep(0.1)
        assert view is not None
        rows = view.model.rowCount()
        header = view.table.horizontalHeader()
        stock_column = list(view.model.table.columns).index("stock")
        sort = timed(lambda: header.setSortIndicator(stock_column, Qt.SortOrder.DescendingOrder))
        search = timed(lambda: view.model.set_search("склад 07"))
        found = view.model.rowCount()
        view.model.set_search("")
        low = timed(lambda: view.model.set_low_only(True))
        low_rows = view.model.rowCount()
        view.model.set_low_only(False)
        products = timed(lambda: view.by_product.click())
        product_rows = view.model.rowCount()
        refresh = []
        for _ in range(runs):
            started = time.perf_counter()
            await until_loaded(view, view.refresh)
            refresh.append(time.perf_counter() - started)
    finally:
        await core.aclose()
    opened_median = statistics.median(opened)
    print(f"rows in the snapshot: {raw[0][1]:,}; shown: {rows:,}")
    print(f"raw query (stock_levels): {raw_seconds * 1000:.0f} ms (median of {runs})")
    print(
        f"show_tenant -> filled and painted: {opened_median * 1000:.0f} ms (median of {runs};"
        f" all: {', '.join(f'{o * 1000:.0f}' for o in opened)} ms), target < {TARGET_SECONDS} s"
    )
    print(f"ratio view / raw query: {opened_median / raw_seconds:.2f}")
    print(f"longest event-loop stall while loading: {max(stalls):.1f} ms")
    print(f"sort by stock (100k rows): {sort * 1000:.0f} ms")
    print(f"search 'склад 07': {search * 1000:.0f} ms ({found:,} rows)")
    print(f"only low stock: {low * 1000:.0f} ms ({low_rows:,} rows)")
    print(f"switch to per-product layout: {products * 1000:.0f} ms ({product_rows:,} rows)")
    print(
        f"refresh with an unchanged snapshot: {statistics.median(refresh) * 1000:.1f} ms"
        " (one small query)"
    )
    if opened_median >= TARGET_SECONDS:
        raise SystemExit(1)


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="stock-tracker-bench-") as temp:
        ctx = await asyncio.to_thread(open_throwaway, Path(temp) / "home")
        try:
            started = time.perf_counter()
            await asyncio.to_thread(write_big_snapshot, ctx, args.products, args.warehouses)
            print(f"snapshot written in {time.perf_counter() - started:.1f} s")
            await open_view(ctx, args.runs)
        finally:
            ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--warehouses", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # closing a view must not stop the loop
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(run(args))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
