"""What the pusher sends of the local store, read as plain rows (docs/team.md, "Moving data").

Reads go straight to the driver's cursor, as ``snapshots.level_tuples`` does: a first push of a
hundred sellers reads a million levels, and a result object per row would double that.
UUIDs are stored as 32 hex digits, datetimes as ISO text; the rows come back as Python values
the PostgreSQL driver takes as they are.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from stock_tracker_desktop.domain.figures import FIGURE_NAMES
from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.storage.snapshots import SNAPSHOT_COLUMNS, SnapshotInfo, snapshot_info

SELLER_FIELDS = (
    "name",
    "name_key",
    "marketplace",
    "account_id",
    "service_account_email",
    "sandbox",
    "notes",
    "tags",
    "enabled",
    "overrides",
    "token_expires_at",
    "archived_at",
)
RUN_FIELDS = (
    "trigger",
    "status",
    "started_at",
    "finished_at",
    "products",
    "stock_rows",
    "orders",
    "requests",
    "rate_limited",
    "error_stage",
    "error_endpoint",
    "error_message",
    "error_problem",
    "stages",
)
PRODUCT_FIELDS = (
    "external_id",
    "vendor_code",
    "name",
    "brand",
    "subject",
    "sizes",
    "first_seen_at",
    "last_seen_at",
)
LEVEL_FIELDS = ("external_id", "warehouse", "warehouse_type", *FIGURE_NAMES)
ORDER_DAY_FIELDS = ("external_id", "warehouse", "warehouse_type", "day", "orders", "cancelled")
_TIMES = {
    "token_expires_at",
    "archived_at",
    "started_at",
    "finished_at",
    "first_seen_at",
    "last_seen_at",
}
_FLAGS = {"sandbox", "enabled", "low_stock"}


def _cursor(conn: Any) -> Any:
    return conn.connection.driver_connection.cursor()


def _value(name: str, raw: object) -> object:
    if raw is None:
        return None
    if name in _TIMES:
        return datetime.fromisoformat(str(raw))
    if name in _FLAGS:
        return bool(raw)
    return raw


def _one(engine: Engine, query: str, params: tuple[object, ...]) -> tuple[Any, ...] | None:
    with engine.connect() as conn:
        cursor = _cursor(conn)
        try:
            cursor.execute(query, params)
            row = cursor.fetchone()
        finally:
            cursor.close()
    return tuple(row) if row else None


@dataclass(frozen=True, slots=True)
class SellerRow:
    id: uuid.UUID
    fields: dict[str, object]  # SELLER_FIELDS
    credentials: bytes  # under the vault's key; the pusher re-seals it under the team key
    seller_name: str


def seller_row(engine: Engine, tenant_id: uuid.UUID) -> SellerRow | None:
    """The tenant as the team shares it; None once it is deleted here."""
    row = _one(
        engine,
        f"SELECT {', '.join(SELLER_FIELDS)}, credentials, seller_name FROM tenants "  # noqa: S608
        "WHERE id = ?",
        (tenant_id.hex,),
    )
    if row is None:
        return None
    values = {name: _value(name, raw) for name, raw in zip(SELLER_FIELDS, row, strict=False)}
    return SellerRow(tenant_id, values, bytes(row[-2]), str(row[-1]))


def run_row(engine: Engine, run_id: uuid.UUID) -> dict[str, object] | None:
    """A finished run (None if it is gone, or still running: its end is pushed then)."""
    row = _one(
        engine,
        f"SELECT {', '.join(RUN_FIELDS)} FROM sync_runs WHERE id = ?",  # noqa: S608
        (run_id.hex,),
    )
    if row is None:
        return None
    values = {name: _value(name, raw) for name, raw in zip(RUN_FIELDS, row, strict=True)}
    return None if values["status"] == "running" else values


@dataclass(frozen=True, slots=True)
class SharedState:
    """A seller's current figures as the team shares their header (``seller_state``): the
    snapshot, and what a sync learnt of the seller beside it."""

    snapshot: SnapshotInfo
    seller_name: str
    token_expires_at: datetime | None


_SHARED_STATE = (
    f"SELECT {', '.join('s.' + c for c in SNAPSHOT_COLUMNS)}, t.seller_name, t.token_expires_at"  # noqa: S608
    " FROM snapshots s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = ? AND s.complete = 1"
)


def shared_state(engine: Engine, snapshot_id: uuid.UUID) -> SharedState | None:
    """A complete snapshot with what the seller's state shares beside it (None: pruned or
    never published)."""
    row = _one(engine, _SHARED_STATE, (snapshot_id.hex,))
    if row is None:
        return None
    *info, seller_name, expires = row
    return SharedState(
        snapshot_info(info),
        str(seller_name),
        datetime.fromisoformat(expires) if expires else None,
    )


def _rows(engine: Engine, query: str, params: tuple[object, ...]) -> Iterator[tuple[Any, ...]]:
    with engine.connect() as conn:
        cursor = _cursor(conn)
        try:
            cursor.execute(query, params)
            while batch := cursor.fetchmany(4096):
                yield from batch
        finally:
            cursor.close()


def products(engine: Engine, tenant_id: uuid.UUID) -> Iterator[tuple[Any, ...]]:
    """The tenant's catalogue in ``PRODUCT_FIELDS`` order."""
    times = [PRODUCT_FIELDS.index("first_seen_at"), PRODUCT_FIELDS.index("last_seen_at")]
    for row in _rows(
        engine,
        f"SELECT {', '.join(PRODUCT_FIELDS)} FROM products WHERE tenant_id = ?",  # noqa: S608
        (tenant_id.hex,),
    ):
        values = list(row)
        for index in times:
            values[index] = datetime.fromisoformat(values[index])
        yield tuple(values)


def warehouses(engine: Engine, tenant_id: uuid.UUID) -> list[tuple[str, str]]:
    return [
        (str(name), str(kind))
        for name, kind in _rows(
            engine,
            "SELECT name, warehouse_type FROM warehouses WHERE tenant_id = ?",
            (tenant_id.hex,),
        )
    ]


_LEVELS = (
    "SELECT p.external_id, w.name, w.warehouse_type, "  # noqa: S608 (column names only)
    + ", ".join(f"l.{name}" for name in FIGURE_NAMES)
    + " FROM stock_levels l JOIN products p ON p.id = l.product_id"
    " JOIN warehouses w ON w.id = l.warehouse_id WHERE l.snapshot_id = ?"
)
_LOW = LEVEL_FIELDS.index("low_stock")


def levels(engine: Engine, snapshot_id: uuid.UUID) -> Iterator[tuple[Any, ...]]:
    """A snapshot's levels in ``LEVEL_FIELDS`` order."""
    for row in _rows(engine, _LEVELS, (snapshot_id.hex,)):
        values = list(row)
        values[_LOW] = bool(values[_LOW])
        yield tuple(values)


def order_days(engine: Engine, snapshot_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """A snapshot's order lines counted per product, warehouse and Moscow day (the order
    window's days), in ``ORDER_DAY_FIELDS`` order."""
    ordered: Counter[tuple[str, str, str, date]] = Counter()
    cancelled: Counter[tuple[str, str, str, date]] = Counter()
    for external_id, warehouse, kind, at, quantity, was_cancelled in _rows(
        engine,
        "SELECT p.external_id, w.name, w.warehouse_type, o.ordered_at, o.quantity, o.cancelled"
        " FROM order_lines o JOIN products p ON p.id = o.product_id"
        " JOIN warehouses w ON w.id = o.warehouse_id WHERE o.snapshot_id = ?",
        (snapshot_id.hex,),
    ):
        key = (external_id, warehouse, kind, datetime.fromisoformat(at).astimezone(MOSCOW).date())
        (cancelled if was_cancelled else ordered)[key] += int(quantity)
    return [
        (*key, ordered[key], cancelled[key]) for key in sorted(ordered.keys() | cancelled.keys())
    ]


# The tables a seller's current figures fill on the server, with their columns after
# ``seller_id``, in the order they are written.
FIGURE_TABLES: dict[str, tuple[str, ...]] = {
    "products": PRODUCT_FIELDS,
    "warehouses": ("name", "warehouse_type"),
    "stock": LEVEL_FIELDS,
    "order_days": ORDER_DAY_FIELDS,
}


@dataclass(frozen=True, slots=True)
class SnapshotFigures:
    """A snapshot as one push sends it: its shared state and the rows of ``FIGURE_TABLES``."""

    state: SharedState
    rows: dict[str, list[tuple[Any, ...]]]


def snapshot_figures(engine: Engine, snapshot_id: uuid.UUID) -> SnapshotFigures | None:
    """Everything a push of the snapshot sends, read at once (None: pruned or unpublished)."""
    state = shared_state(engine, snapshot_id)
    if state is None:
        return None
    seller = state.snapshot.tenant_id
    return SnapshotFigures(
        state,
        {
            "products": list(products(engine, seller)),
            "warehouses": warehouses(engine, seller),
            "stock": list(levels(engine, snapshot_id)),
            "order_days": order_days(engine, snapshot_id),
        },
    )
