"""Writing one snapshot of 1,000,000 stock rows, against a raw sqlite3 insert of the same rows.

    python bench/bench_snapshot_write.py [--products 20000] [--warehouses 50]

The app's writer (storage.snapshot_writer.write_snapshot: SQLCipher, WAL, one transaction,
products and warehouses upserted, v7 ids generated) is timed against ``sqlite3.executemany`` of
the very same stock_levels rows (same ids, same columns, same table definition) into a plain,
unencrypted SQLite file with default settings, measured in the same run. Target: ratio <= 2.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from stock_tracker_desktop.domain.figures import LevelFigures
from stock_tracker_desktop.domain.models import Marketplace, Product, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.storage import snapshot_writer


def make_data(tenant_id: uuid.UUID, products: int, warehouses: int) -> snapshot_writer.SnapshotData:
    catalogue = [
        Product(str(100_000 + p), f"VC-{p:06d}", f"Товар {p}", "Бренд", "Предмет")
        for p in range(products)
    ]
    names = [f"Склад {w:02d}" for w in range(warehouses)]
    levels = [
        LevelFigures(
            product_id=product.product_id,
            warehouse=name,
            warehouse_type=WarehouseType.FBO if w % 5 else WarehouseType.FBS,
            quantity=(p * 7 + w) % 40,
            in_transit_to_customers=p % 3,
            in_transit_returns=w % 2,
            orders=(p + w) % 5,
            days_of_stock=None if (p + w) % 5 == 0 else 1.5,
            low_stock=(p + w) % 11 == 0,
        )
        for p, product in enumerate(catalogue)
        for w, name in enumerate(names)
    ]
    return snapshot_writer.SnapshotData(
        tenant_id=tenant_id,
        sync_run_id=None,
        taken_at=datetime.now(UTC),
        window=last_full_days(7),
        threshold_days=14.0,
        products=catalogue,
        levels=levels,
        order_lines=[],
    )


_FOREIGN_KEY = re.compile(
    r",\s*CONSTRAINT \w+ FOREIGN KEY\s*\([^)]*\) REFERENCES [^,]*?(?=,|\s*\)$)"
)


def raw_baseline(folder: Path, ctx: AppContext, snapshot_id: uuid.UUID) -> tuple[float, int]:
    """Copy the written rows out, then time a plain sqlite3 executemany of exactly them into
    the same table (its foreign keys dropped: the plain file has no parent tables) with the
    same index."""
    with ctx.database.connect() as conn:
        schema = (
            conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'stock_levels' AND sql IS NOT NULL"
            )
            .scalars()
            .all()
        )
        rows = conn.exec_driver_sql(
            "SELECT * FROM stock_levels WHERE snapshot_id = ?", (snapshot_id.hex,)
        ).all()
    plain = sqlite3.connect(folder / "plain.db")
    for statement in schema:
        plain.execute(_FOREIGN_KEY.sub("", statement.strip()))
    marks = ", ".join("?" * len(rows[0]))
    started = time.perf_counter()
    plain.executemany(f"INSERT INTO stock_levels VALUES ({marks})", rows)  # noqa: S608
    plain.commit()
    elapsed = time.perf_counter() - started
    plain.close()
    return elapsed, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--warehouses", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx = AppContext.open(lambda: "benchmark passphrase", folder / "home")
        tenant = (
            TenantService(ctx)
            .add(
                TenantDraft(
                    name="Bench",
                    marketplace=Marketplace.OZON,
                    client_id="1",
                    api_key="0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                )
            )
            .tenant
        )
        data = make_data(tenant.id, args.products, args.warehouses)
        started = time.perf_counter()
        snapshot_id = snapshot_writer.write_snapshot(ctx.database, data).id
        app_seconds = time.perf_counter() - started
        raw_seconds, count = raw_baseline(folder, ctx, snapshot_id)
        ctx.close()
    print(f"rows: {count:,} ({args.products:,} products x {args.warehouses} warehouses)")
    print(f"write_snapshot (SQLCipher, WAL, upserts, ids): {app_seconds:.2f} s")
    print(f"raw sqlite3.executemany, plain file:           {raw_seconds:.2f} s")
    print(f"ratio: {app_seconds / raw_seconds:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
