"""Writing a tenant's snapshot in one transaction, fast; reading and pruning snapshots.

The bulk rows go through the driver's ``executemany`` with precomputed time-ordered ids: the ORM
would spend more time building objects than SQLite spends storing them
(bench/bench_snapshot_write.py compares this writer with a raw sqlite3 insert).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, text

from stock_tracker_desktop.domain.figures import LevelFigures
from stock_tracker_desktop.domain.models import OrderLine, Product, WarehouseType
from stock_tracker_desktop.domain.window import OrderWindow
from stock_tracker_desktop.storage.ids import id_block, new_id

BULK_CACHE_KIB = -65536  # negative: KiB, i.e. 64 MiB
# One encoder for every product's sizes: json.dumps with options builds a new one per call.
_encode_sizes = json.JSONEncoder(ensure_ascii=False).encode


def _ts(moment: datetime) -> str:
    """The text form UtcDateTime stores, so raw writes and ORM reads agree."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class SnapshotData:
    """Everything one sync produced for one tenant."""

    tenant_id: uuid.UUID
    sync_run_id: uuid.UUID | None
    taken_at: datetime
    window: OrderWindow
    threshold_days: float
    products: Sequence[Product]
    levels: Sequence[LevelFigures]
    order_lines: Sequence[OrderLine]


_UPSERT_PRODUCT = (
    "INSERT INTO products (id, tenant_id, external_id, vendor_code, name, brand, subject, sizes,"
    " first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (tenant_id, external_id) DO UPDATE SET vendor_code = excluded.vendor_code,"
    " name = excluded.name, brand = excluded.brand, subject = excluded.subject,"
    " sizes = excluded.sizes, last_seen_at = excluded.last_seen_at"
)
_INSERT_UNKNOWN_PRODUCT = text(
    "INSERT INTO products (id, tenant_id, external_id, vendor_code, name, brand, subject, sizes,"
    " first_seen_at, last_seen_at) VALUES (:id, :tenant_id, :external_id, '', '', '', '', '[]',"
    " :seen, :seen) ON CONFLICT (tenant_id, external_id) DO NOTHING"
)
_INSERT_WAREHOUSE = text(
    "INSERT INTO warehouses (id, tenant_id, name, warehouse_type) VALUES (:id, :tenant_id, :name,"
    " :kind) ON CONFLICT (tenant_id, name, warehouse_type) DO NOTHING"
)
_INSERT_LEVEL = (
    "INSERT INTO stock_levels (id, snapshot_id, product_id, warehouse_id, quantity,"
    " in_transit_to_customers, in_transit_returns, orders, days_of_stock, low_stock)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_ORDER = (
    "INSERT INTO order_lines (id, snapshot_id, line_id, product_id, warehouse_id, ordered_at,"
    " quantity, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _product_rows(tenant: str, products: Sequence[Product], seen: str) -> Iterator[tuple]:
    for row_id, product in zip(id_block(len(products)), products, strict=True):
        sizes = [
            {"id": s.size_id, "name": s.name, "barcodes": list(s.barcodes)} for s in product.sizes
        ]
        yield (
            row_id,
            tenant,
            product.product_id,
            product.vendor_code,
            product.name,
            product.brand,
            product.subject,
            _encode_sizes(sizes),
            seen,
            seen,
        )


def _product_ids(conn: Connection, tenant: str) -> dict[str, str]:
    rows = conn.execute(
        text("SELECT external_id, id FROM products WHERE tenant_id = :t"), {"t": tenant}
    )
    return {external_id: row_id for external_id, row_id in rows}


def _warehouse_ids(conn: Connection, tenant: str) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        text("SELECT name, warehouse_type, id FROM warehouses WHERE tenant_id = :t"),
        {"t": tenant},
    )
    return {(name, kind): row_id for name, kind, row_id in rows}


def write_snapshot(engine: Engine, data: SnapshotData) -> uuid.UUID:
    """Write products, warehouses, the snapshot, its levels and order lines in one transaction."""
    levels = data.levels
    tenant = data.tenant_id.hex
    seen = _ts(data.taken_at)
    snapshot_id = new_id()
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        # A larger page cache for this one big transaction keeps SQLite from spilling dirty
        # pages to the WAL mid-way; it is set back before the connection returns to the pool.
        cursor.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        # The bulk rows go straight to the driver as positional rows (see the module's note).
        cursor.executemany(_UPSERT_PRODUCT, _product_rows(tenant, data.products, seen))
        known = {p.product_id for p in data.products}
        unknown = {lv.product_id for lv in levels} | {o.product_id for o in data.order_lines}
        if unknown - known:
            # Stock or orders for a product the catalogue did not list (e.g. a card in the
            # trash): keep the figures, under the id the marketplace gave.
            conn.execute(
                _INSERT_UNKNOWN_PRODUCT,
                [
                    {"id": new_id().hex, "tenant_id": tenant, "external_id": pid, "seen": seen}
                    for pid in sorted(unknown - known)
                ],
            )
        places = {(lv.warehouse, lv.warehouse_type) for lv in levels}
        places |= {(o.warehouse, o.warehouse_type) for o in data.order_lines}
        if places:
            conn.execute(
                _INSERT_WAREHOUSE,
                [
                    {"id": new_id().hex, "tenant_id": tenant, "name": name, "kind": kind.value}
                    for name, kind in sorted(places)
                ],
            )
        products = _product_ids(conn, tenant)
        warehouses = _warehouse_ids(conn, tenant)
        conn.execute(
            text(
                "INSERT INTO snapshots (id, tenant_id, sync_run_id, taken_at, window_start,"
                " window_end, window_days, threshold_days) VALUES (:id, :tenant_id, :run,"
                " :taken, :start, :end, :days, :threshold)"
            ),
            {
                "id": snapshot_id.hex,
                "tenant_id": tenant,
                "run": data.sync_run_id.hex if data.sync_run_id else None,
                "taken": seen,
                "start": _ts(data.window.start),
                "end": _ts(data.window.end),
                "days": data.window.days,
                "threshold": data.threshold_days,
            },
        )
        snap = snapshot_id.hex
        # Rows are fed from generators, not prepared lists: the driver then runs a little
        # Python per row, where the interpreter hands the GIL to a waiting thread every few
        # milliseconds. Over a prepared list it loops in C, taking the GIL back after each row
        # before the window's thread gets it: 50-70 ms stalls of the window while syncing.
        cursor.executemany(
            _INSERT_LEVEL,
            (
                (
                    row_id,
                    snap,
                    products[lv.product_id],
                    warehouses[(lv.warehouse, lv.warehouse_type)],  # a StrEnum hashes as its text
                    lv.quantity,
                    lv.in_transit_to_customers,
                    lv.in_transit_returns,
                    lv.orders,
                    lv.days_of_stock,
                    lv.low_stock,
                )
                for row_id, lv in zip(id_block(len(levels)), levels, strict=True)
            ),
        )
        cursor.executemany(
            _INSERT_ORDER,
            (
                (
                    row_id,
                    snap,
                    o.line_id,
                    products[o.product_id],
                    warehouses[(o.warehouse, o.warehouse_type)],
                    _ts(o.ordered_at),
                    o.quantity,
                    o.cancelled,
                )
                for row_id, o in zip(id_block(len(data.order_lines)), data.order_lines, strict=True)
            ),
        )
        cursor.execute("PRAGMA cache_size = -2000")
        cursor.close()
    return snapshot_id


# ----- reading -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    id: uuid.UUID
    tenant_id: uuid.UUID
    taken_at: datetime
    window_start: datetime
    window_end: datetime
    window_days: int
    threshold_days: float


@dataclass(frozen=True, slots=True)
class StockLevelRow:
    """One product on one warehouse, with the product's descriptive fields, for views/exports."""

    product_id: str
    vendor_code: str
    name: str
    brand: str
    subject: str
    warehouse: str
    warehouse_type: WarehouseType
    quantity: int
    in_transit_to_customers: int
    in_transit_returns: int
    orders: int
    days_of_stock: float | None
    low_stock: bool


def _snapshot_info(row: Sequence) -> SnapshotInfo:
    return SnapshotInfo(
        id=uuid.UUID(row[0]),
        tenant_id=uuid.UUID(row[1]),
        taken_at=datetime.fromisoformat(row[2]),
        window_start=datetime.fromisoformat(row[3]),
        window_end=datetime.fromisoformat(row[4]),
        window_days=row[5],
        threshold_days=row[6],
    )


_SNAPSHOT_COLUMNS = "id, tenant_id, taken_at, window_start, window_end, window_days, threshold_days"


def current_snapshot(engine: Engine, tenant_id: uuid.UUID) -> SnapshotInfo | None:
    """The newest complete snapshot of a tenant (a snapshot exists only once complete)."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE tenant_id = :t"  # noqa: S608
                " ORDER BY taken_at DESC LIMIT 1"
            ),
            {"t": tenant_id.hex},
        ).first()
    return _snapshot_info(row) if row else None


def snapshots_of(engine: Engine, tenant_id: uuid.UUID) -> list[SnapshotInfo]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE tenant_id = :t"  # noqa: S608
                " ORDER BY taken_at"
            ),
            {"t": tenant_id.hex},
        ).all()
    return [_snapshot_info(row) for row in rows]


LEVEL_COLUMNS = (
    "product_id",
    "vendor_code",
    "name",
    "brand",
    "subject",
    "warehouse",
    "warehouse_type",
    "quantity",
    "in_transit_to_customers",
    "in_transit_returns",
    "orders",
    "days_of_stock",
    "low_stock",
)
_LEVELS_QUERY = (
    "SELECT p.external_id, p.vendor_code, p.name, p.brand, p.subject, w.name,"
    " w.warehouse_type, l.quantity, l.in_transit_to_customers, l.in_transit_returns,"
    " l.orders, l.days_of_stock, l.low_stock FROM stock_levels l"
    " JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id"
    " WHERE l.snapshot_id = :s AND (:low_only = 0 OR l.low_stock = 1)"
    " ORDER BY p.brand, p.vendor_code, p.external_id, w.name"
)


def level_tuples(engine: Engine, snapshot_id: uuid.UUID, *, low_only: bool = False) -> list[tuple]:
    """A snapshot's levels as plain tuples in ``LEVEL_COLUMNS`` order, straight from the driver.

    No result object or dataclass per row: for 100,000 rows that halves the read, which is most
    of what opening the stock view costs (bench/bench_stock_view.py).
    """
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_LEVELS_QUERY, {"s": snapshot_id.hex, "low_only": int(low_only)})
            return cursor.fetchall()
        finally:
            cursor.close()


def stock_levels(
    engine: Engine, snapshot_id: uuid.UUID, *, low_only: bool = False
) -> list[StockLevelRow]:
    return [
        StockLevelRow(
            product_id=r[0],
            vendor_code=r[1],
            name=r[2],
            brand=r[3],
            subject=r[4],
            warehouse=r[5],
            warehouse_type=WarehouseType(r[6]),
            quantity=r[7],
            in_transit_to_customers=r[8],
            in_transit_returns=r[9],
            orders=r[10],
            days_of_stock=r[11],
            low_stock=bool(r[12]),
        )
        for r in level_tuples(engine, snapshot_id, low_only=low_only)
    ]


def product_history(
    engine: Engine, tenant_id: uuid.UUID, external_id: str
) -> list[tuple[datetime, int]]:
    """Total stock of one product in every kept snapshot, oldest first (for the chart)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.taken_at, COALESCE(SUM(l.quantity), 0) FROM snapshots s"
                " JOIN products p ON p.tenant_id = s.tenant_id AND p.external_id = :e"
                " LEFT JOIN stock_levels l ON l.snapshot_id = s.id AND l.product_id = p.id"
                " WHERE s.tenant_id = :t GROUP BY s.id ORDER BY s.taken_at"
            ),
            {"t": tenant_id.hex, "e": external_id},
        ).all()
    return [(datetime.fromisoformat(r[0]), int(r[1])) for r in rows]


def low_stock_products(engine: Engine, snapshot_id: uuid.UUID) -> set[str]:
    """Products (their marketplace ids) low on at least one warehouse in a snapshot."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT DISTINCT p.external_id FROM stock_levels l JOIN products p"
                " ON p.id = l.product_id WHERE l.snapshot_id = :s AND l.low_stock = 1"
            ),
            {"s": snapshot_id.hex},
        )
        return {row[0] for row in rows}


# ----- pruning -------------------------------------------------------------------------------


def prune_snapshots(engine: Engine, tenant_id: uuid.UUID, keep: int) -> int:
    """Delete all but the newest ``keep`` snapshots of a tenant (rows go by cascade)."""
    with engine.begin() as conn:
        result = conn.execute(
            text(
                "DELETE FROM snapshots WHERE tenant_id = :t AND id NOT IN (SELECT id FROM"
                " snapshots WHERE tenant_id = :t ORDER BY taken_at DESC LIMIT :keep)"
            ),
            {"t": tenant_id.hex, "keep": max(1, keep)},
        )
    return result.rowcount or 0
