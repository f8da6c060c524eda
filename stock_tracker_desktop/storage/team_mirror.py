"""Writing what other desktops shared into the local store (the puller's side, team/puller.py).

Nothing written here enters the outbox: it came from the server. A seller keeps the same id on
every desktop; the current figures become a local snapshot with the server's snapshot id (so a
pull can tell what it has), and the runs keep their ids.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Engine, text

from stock_tracker_desktop.domain.figures import FIGURE_NAMES, LevelFigures
from stock_tracker_desktop.domain.models import OrderLine, Product, ProductSize, WarehouseType
from stock_tracker_desktop.domain.window import MOSCOW, OrderWindow
from stock_tracker_desktop.storage import outbox, snapshot_writer, snapshots
from stock_tracker_desktop.storage.database import write_transaction
from stock_tracker_desktop.storage.snapshot_writer import SnapshotData, timestamp
from stock_tracker_desktop.storage.team_rows import (
    PRODUCT_FIELDS,
    RUN_FIELDS,
    SELLER_FIELDS,
    SharedState,
)
from stock_tracker_desktop.storage.tenant_repository import name_key

# An order day's lines are dated at Moscow noon: inside the day, whatever the reader's zone.
_MIDDAY = time(12)


@dataclass(frozen=True, slots=True)
class MirroredSeller:
    id: uuid.UUID
    fields: dict[str, Any]  # SELLER_FIELDS as the server has them
    deleted: bool
    credentials: bytes | None  # sealed under the vault; None: this member gets no secret


@dataclass(frozen=True, slots=True)
class MirroredSnapshot:
    state: SharedState
    products: Sequence[tuple[Any, ...]]  # team_rows.PRODUCT_FIELDS
    levels: Sequence[tuple[Any, ...]]  # team_rows.LEVEL_FIELDS
    order_days: Sequence[tuple[Any, ...]]  # team_rows.ORDER_DAY_FIELDS


def _stored(name: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, bool):
        return int(value)
    return value


def apply_sellers(
    engine: Engine, sellers: Sequence[MirroredSeller], placeholder: bytes, clashes: list[str]
) -> int:
    """Insert, update or delete the local tenants; returns how many changed, and adds to
    ``clashes`` the team's sellers left out because a local seller has their name.

    A seller with a change of this desktop's still in the outbox keeps it (pushed soon, it is
    the newer one). ``placeholder`` is the sealed empty secret a seller gets where this member
    may not read secrets (a viewer): such a seller is shown, never synced.
    """
    if not sellers:
        return 0
    changed = 0
    with write_transaction(engine) as conn:
        waiting = outbox.waiting_sellers(conn)
        for seller in sellers:
            if seller.id in waiting:
                continue
            if seller.deleted:
                changed += conn.execute(
                    text("DELETE FROM tenants WHERE id = :id"), {"id": seller.id.hex}
                ).rowcount
                continue
            values = {name: _stored(name, seller.fields[name]) for name in SELLER_FIELDS}
            values["name_key"] = name_key(str(seller.fields["name"]))
            exists = conn.execute(
                text("SELECT 1 FROM tenants WHERE id = :id"), {"id": seller.id.hex}
            ).first()
            if exists:
                assignments = ", ".join(f"{name} = :{name}" for name in values)
                if seller.credentials is not None:
                    assignments += ", credentials = :credentials"
                conn.execute(
                    text(f"UPDATE tenants SET {assignments}, updated_at = :now WHERE id = :id"),  # noqa: S608
                    {
                        **values,
                        "credentials": seller.credentials,
                        "id": seller.id.hex,
                        "now": timestamp(datetime.now(UTC)),
                    },
                )
            elif conn.execute(
                text("SELECT 1 FROM tenants WHERE name_key = :key"), {"key": values["name_key"]}
            ).first():
                # A seller of this desktop's own has the name: both stay, the team's one is
                # shown once one of them is renamed (the push of the local one is refused).
                clashes.append(str(seller.fields["name"]))
                continue
            else:
                columns = ", ".join(values)
                conn.execute(
                    text(
                        f"INSERT INTO tenants (id, {columns}, credentials, seller_name, "  # noqa: S608
                        f"created_at, updated_at) VALUES (:id, "
                        f"{', '.join(':' + name for name in values)}, :credentials, '', :now, :now)"
                    ),
                    {
                        **values,
                        "id": seller.id.hex,
                        "now": timestamp(datetime.now(UTC)),
                        "credentials": seller.credentials or placeholder,
                    },
                )
            changed += 1
    return changed


def has_snapshot(engine: Engine, snapshot_id: uuid.UUID) -> bool:
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM snapshots WHERE id = :id"), {"id": snapshot_id.hex}
        ).first()
    return found is not None


def _products(rows: Sequence[tuple[Any, ...]]) -> list[Product]:
    products = []
    for external_id, vendor_code, name, brand, subject, sizes, *_seen in rows:
        parsed = tuple(
            ProductSize(str(s.get("id", "")), str(s.get("name", "")), tuple(s.get("barcodes", ())))
            for s in json.loads(sizes or "[]")
        )
        products.append(Product(external_id, vendor_code, name, brand, subject, parsed))
    return products


def _levels(rows: Sequence[tuple[Any, ...]]) -> list[LevelFigures]:
    return [
        LevelFigures(
            external_id,
            warehouse,
            WarehouseType(kind),
            **dict(zip(FIGURE_NAMES, figures, strict=True)),
        )
        for external_id, warehouse, kind, *figures in rows
    ]


def _order_lines(rows: Sequence[tuple[Any, ...]]) -> list[OrderLine]:
    """The server keeps orders counted per day: one line per day and place here (and one for
    the cancelled units), which sums to the same figures."""
    lines = []
    for external_id, warehouse, kind, day, ordered, cancelled in rows:
        at = datetime.combine(
            day if isinstance(day, date) else date.fromisoformat(day), _MIDDAY, tzinfo=MOSCOW
        )
        line = f"{external_id}/{warehouse}/{kind}/{at.date().isoformat()}"
        place = (external_id, warehouse, WarehouseType(kind), at)
        if ordered:
            lines.append(OrderLine(f"{line}/ordered", *place, quantity=ordered))
        if cancelled:
            lines.append(OrderLine(f"{line}/cancelled", *place, quantity=cancelled, cancelled=True))
    return lines


_SEEN = (
    "UPDATE products SET first_seen_at = ?, last_seen_at = ?"
    " WHERE tenant_id = ? AND external_id = ?"
)


def _keep_seen_times(engine: Engine, tenant: uuid.UUID, rows: Sequence[tuple[Any, ...]]) -> None:
    """The catalogue's first and last seen times as the team has them (writing the snapshot
    stamped them with its own time), so that whichever desktop pushes next keeps them."""
    first, last = PRODUCT_FIELDS.index("first_seen_at"), PRODUCT_FIELDS.index("last_seen_at")
    with write_transaction(engine) as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(
                _SEEN,
                [(timestamp(r[first]), timestamp(r[last]), tenant.hex, r[0]) for r in rows],
            )
        finally:
            cursor.close()


def apply_snapshot(engine: Engine, snapshot: MirroredSnapshot, keep_snapshots: int) -> None:
    """Another desktop's current figures of a seller, as this desktop's current snapshot."""
    state, info = snapshot.state, snapshot.state.snapshot
    tenant = info.tenant_id
    with engine.connect() as conn:
        if (
            conn.execute(text("SELECT 1 FROM tenants WHERE id = :id"), {"id": tenant.hex}).first()
            is None
        ):
            return  # a seller this desktop does not show (pending deletion, or refused)
    snapshot_writer.write_snapshot(
        engine,
        SnapshotData(
            tenant_id=tenant,
            sync_run_id=None,
            taken_at=info.taken_at,
            window=OrderWindow(info.window_start, info.window_end, info.window_days),
            threshold_days=info.threshold_days,
            products=_products(snapshot.products),
            levels=_levels(snapshot.levels),
            order_lines=_order_lines(snapshot.order_days),
        ),
        snapshot_id=info.id,
        share=False,
    )
    _keep_seen_times(engine, tenant, snapshot.products)
    expires = timestamp(state.token_expires_at) if state.token_expires_at else None
    with write_transaction(engine) as conn:
        conn.execute(
            text(
                "UPDATE tenants SET seller_name = CASE WHEN :name = '' THEN seller_name ELSE :name"
                " END, token_expires_at = COALESCE(:expires, token_expires_at) WHERE id = :id"
            ),
            {"name": state.seller_name, "id": tenant.hex, "expires": expires},
        )
    snapshots.prune_snapshots(engine, tenant, keep_snapshots)


_RUN_COLUMNS = ", ".join(RUN_FIELDS)
_UPSERT_RUN = (
    f"INSERT INTO sync_runs (id, tenant_id, {_RUN_COLUMNS}) "  # noqa: S608
    f"SELECT :id, :tenant_id, {', '.join(':' + n for n in RUN_FIELDS)} "
    "WHERE EXISTS (SELECT 1 FROM tenants WHERE id = :tenant_id) "
    "ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in RUN_FIELDS)
)


def apply_runs(engine: Engine, runs: Sequence[tuple[Any, ...]]) -> int:
    """Runs other desktops recorded (id, seller id, then ``RUN_FIELDS``); runs of sellers this
    desktop does not have are left out."""
    if not runs:
        return 0
    rows = [
        {
            "id": run[0].hex,
            "tenant_id": run[1].hex,
            **{name: _stored(name, value) for name, value in zip(RUN_FIELDS, run[2:], strict=True)},
        }
        for run in runs
    ]
    with write_transaction(engine) as conn:
        conn.execute(text(_UPSERT_RUN), rows)
    return len(rows)
