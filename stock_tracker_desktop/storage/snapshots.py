"""Reading and pruning tenants' snapshots (writing them: ``snapshot_writer``).

Only published snapshots are read: a sync's snapshot is written while the sync runs and counts
once it is complete (``complete = 1``), so a reader never sees half of one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from stock_tracker_desktop.domain.models import WarehouseType
from stock_tracker_desktop.storage.database import write_transaction

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
    """The newest complete snapshot of a tenant."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE tenant_id = :t"  # noqa: S608
                " AND complete = 1 ORDER BY taken_at DESC LIMIT 1"
            ),
            {"t": tenant_id.hex},
        ).first()
    return _snapshot_info(row) if row else None


def snapshots_of(engine: Engine, tenant_id: uuid.UUID) -> list[SnapshotInfo]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE tenant_id = :t"  # noqa: S608
                " AND complete = 1 ORDER BY taken_at"
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
                " WHERE s.tenant_id = :t AND s.complete = 1 GROUP BY s.id ORDER BY s.taken_at"
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
    """Delete all but the newest ``keep`` complete snapshots of a tenant (rows go by cascade).

    Pending ones are left to their run (published or discarded) or to start-up's clean-up.
    """
    with write_transaction(engine) as conn:
        result = conn.execute(
            text(
                "DELETE FROM snapshots WHERE tenant_id = :t AND complete = 1 AND id NOT IN"
                " (SELECT id FROM snapshots WHERE tenant_id = :t AND complete = 1"
                " ORDER BY taken_at DESC LIMIT :keep)"
            ),
            {"t": tenant_id.hex, "keep": max(1, keep)},
        )
    return result.rowcount or 0
