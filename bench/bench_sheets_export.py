"""Export time and request count of one Google Sheets export of a large seller.

Builds an ExportTable of ``--products`` products on ``--warehouses`` warehouses (the figures
vary, some are low on stock), serves the fake Google of the test suite (token endpoint, Sheets
API, spec validation, quotas) on 127.0.0.1 and writes the wide layout twice: into a new
worksheet, then over it again. Prints per run the wall time, the HTTP requests by kind, the
batchUpdate payload size and the time spent building the request body.

    python bench/bench_sheets_export.py [--products 5000] [--warehouses 12]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stock_tracker_desktop.domain.figures import days_of_stock, is_low_stock  # noqa: E402
from stock_tracker_desktop.domain.models import Marketplace, WarehouseType  # noqa: E402
from stock_tracker_desktop.exporters.sheets import SheetsExporter, SheetTarget  # noqa: E402
from stock_tracker_desktop.exporters.sheets_pacer import SheetsQuota  # noqa: E402
from stock_tracker_desktop.exporters.sheets_requests import Worksheet, batch_update_body  # noqa: E402
from stock_tracker_desktop.exporters.table import ExportTable, build_table  # noqa: E402
from stock_tracker_desktop.exporters.wide import wide_grid  # noqa: E402
from stock_tracker_desktop.storage.snapshots import SnapshotInfo, StockLevelRow  # noqa: E402
from tests.fake_sheets import FakeGoogle  # noqa: E402
from tests.marketplaces.servers import serve  # noqa: E402

WINDOW_DAYS = 7


class _Tenant:
    name = "Bench seller"
    marketplace = Marketplace.WILDBERRIES


def make_table(products: int, warehouses: int) -> ExportTable:
    rng = random.Random(5)
    names = [f"Склад {i:02d}" for i in range(warehouses)]
    levels = []
    for p in range(products):
        for name in rng.sample(names, rng.randint(1, min(6, warehouses))):
            quantity, orders = rng.randint(0, 500), rng.choice([0, 1, 3, 10, 40])
            days = days_of_stock(quantity, orders, WINDOW_DAYS)
            levels.append(
                StockLevelRow(
                    str(10_000_000 + p), f"ART-{p:06d}", f"Товар {p}", "Бренд", "Футболки",
                    name, WarehouseType.FBO, quantity, rng.randint(0, 3), rng.randint(0, 2),
                    orders, days, is_low_stock(quantity, orders, days, 14.0),
                )
            )  # fmt: skip
    now = datetime.now(UTC)
    info = SnapshotInfo(
        uuid.uuid4(), uuid.uuid4(), now, now - timedelta(days=7), now, WINDOW_DAYS, 14.0
    )
    return build_table(info, levels, _Tenant())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--warehouses", type=int, default=12)
    args = parser.parse_args()
    table = make_table(args.products, args.warehouses)
    started = time.perf_counter()
    batch_update_body(wide_grid(table, "ru"), Worksheet(1, 0, False), title="x", exists=False,
                      backup_title=None)  # fmt: skip
    building = time.perf_counter() - started
    fake = FakeGoogle(time_factor=0.01)
    account = "bench@agency.iam.gserviceaccount.com"
    key = fake.add_account(account)
    sheet_id = fake.add_spreadsheet("Bench", shared={account: "writer"})
    print(f"{args.products} products, {len(table.warehouses)} warehouses, {len(table.levels)} rows")
    print(f"building the batchUpdate body: {building:.2f} s")
    with serve(fake.app) as base_url:
        exporter = SheetsExporter(key, base_url=base_url, quota=SheetsQuota(time_factor=0.01))
        for run in ("new worksheet", "rewrite"):
            before = len(fake.log)
            started = time.perf_counter()
            result = exporter.export(SheetTarget(sheet_id), table, "ru")
            elapsed = time.perf_counter() - started
            kinds = [e.kind for e in fake.log[before:]]
            print(
                f"{run}: {elapsed:.2f} s, {result.requests} HTTP requests"
                f" ({', '.join(kinds)}), batchUpdate {result.payload_bytes / 1e6:.1f} MB,"
                f" {result.products} rows x {result.columns} columns"
            )
    print("(wall time includes the fake's own work: parsing, validating and applying the grid)")


if __name__ == "__main__":
    main()
