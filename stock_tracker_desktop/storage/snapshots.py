"""Reading and pruning tenants' snapshots (writing them: ``snapshot_writer``).

Only published snapshots are read: a sync's snapshot is written while the sync runs and counts
once it is complete (``complete = 1``), so a reader never sees half of one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Engine, text

from stock_tracker_desktop.domain.figures import FIGURES, FigureSet, Kind
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


@dataclass(frozen=True)
class _DescribedPlace:
    __slots__ = ()

    product_id: str
    vendor_code: str
    name: str
    brand: str
    subject: str
    warehouse: str
    warehouse_type: WarehouseType


@dataclass(frozen=True, slots=True)
class StockLevelRow(FigureSet, _DescribedPlace):
    """One product on one warehouse, with the product's descriptive fields, for views/exports
    (fields: the product and the warehouse, then ``FigureSet``)."""


def snapshot_info(row: Sequence) -> SnapshotInfo:
    """A row of ``SNAPSHOT_COLUMNS`` as the driver gives it."""
    return SnapshotInfo(
        id=uuid.UUID(row[0]),
        tenant_id=uuid.UUID(row[1]),
        taken_at=datetime.fromisoformat(row[2]),
        window_start=datetime.fromisoformat(row[3]),
        window_end=datetime.fromisoformat(row[4]),
        window_days=row[5],
        threshold_days=row[6],
    )


SNAPSHOT_COLUMNS = (
    "id",
    "tenant_id",
    "taken_at",
    "window_start",
    "window_end",
    "window_days",
    "threshold_days",
)
_SNAPSHOT_COLUMNS = ", ".join(SNAPSHOT_COLUMNS)


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
    return snapshot_info(row) if row else None


def snapshots_of(engine: Engine, tenant_id: uuid.UUID) -> list[SnapshotInfo]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE tenant_id = :t"  # noqa: S608
                " AND complete = 1 ORDER BY taken_at"
            ),
            {"t": tenant_id.hex},
        ).all()
    return [snapshot_info(row) for row in rows]


# Where the query finds each field of StockLevelRow that is not a figure.
_DESCRIPTIVE_SQL = {
    "product_id": "p.external_id",
    "vendor_code": "p.vendor_code",
    "name": "p.name",
    "brand": "p.brand",
    "subject": "p.subject",
    "warehouse": "w.name",
    "warehouse_type": "w.warehouse_type",
}
LEVEL_COLUMNS: tuple[str, ...] = tuple(spec.name for spec in fields(StockLevelRow))
_SELECTED = ", ".join(_DESCRIPTIVE_SQL.get(name, f"l.{name}") for name in LEVEL_COLUMNS)
_LEVELS_QUERY = (
    f"SELECT {_SELECTED} FROM stock_levels l"  # noqa: S608 (column names, no values)
    " JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id"
    " WHERE l.snapshot_id = :s AND (:low_only = 0 OR l.low_stock = 1)"
    " ORDER BY p.brand, p.vendor_code, p.external_id, w.name"
)
_WAREHOUSE_TYPE = LEVEL_COLUMNS.index("warehouse_type")
# SQLite hands flags back as 0 or 1.
_FLAGS = tuple(LEVEL_COLUMNS.index(figure.name) for figure in FIGURES if figure.kind is Kind.FLAG)


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


def _level_row(values: tuple) -> StockLevelRow:
    typed = list(values)
    typed[_WAREHOUSE_TYPE] = WarehouseType(typed[_WAREHOUSE_TYPE])
    for position in _FLAGS:
        typed[position] = bool(typed[position])
    return StockLevelRow(*typed)


def stock_levels(
    engine: Engine, snapshot_id: uuid.UUID, *, low_only: bool = False
) -> list[StockLevelRow]:
    return list(map(_level_row, level_tuples(engine, snapshot_id, low_only=low_only)))


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
