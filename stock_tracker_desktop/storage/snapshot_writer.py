"""Writing a tenant's snapshot: in one transaction, or streamed while the sync still runs.

``write_snapshot`` writes a whole snapshot in one transaction (demo data, benchmarks, tests). A
sync writes its snapshot in steps instead (``snapshot_stream.SnapshotStream``):
``write_snapshot(..., complete=False)`` once products and stock are read, ``add_order_lines`` as
order pages arrive, ``publish_snapshot`` at the end, so that the end of a sync costs a small
transaction instead of the whole snapshot, and the catalogue is not kept in memory until the
order history is read. Until it is published a snapshot is *pending*: every reader ignores it
(``complete = 0``), a failed or cancelled run discards it, and start-up removes those of runs
that died (``remove_abandoned_snapshots``).

The bulk rows go through the driver's ``executemany`` with precomputed time-ordered ids: the ORM
would spend more time building objects than SQLite spends storing them
(bench/bench_snapshot_write.py compares this writer with a raw sqlite3 insert). Rows are fed
from generators, not prepared lists: the driver then runs a little Python per row, where the
interpreter hands the GIL to a waiting thread every few milliseconds. Over a prepared list it
loops in C, taking the GIL back after each row before the window's thread gets it: 50-70 ms
stalls of the window while syncing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, Engine, text

from stock_tracker_desktop.domain.figures import FIGURE_NAMES, LevelFigures, OrderFigures
from stock_tracker_desktop.domain.models import OrderLine, Product, WarehouseType
from stock_tracker_desktop.domain.window import OrderWindow
from stock_tracker_desktop.storage import outbox
from stock_tracker_desktop.storage.database import write_transaction
from stock_tracker_desktop.storage.ids import id_block, id_range, id_text, new_id
from stock_tracker_desktop.storage.sync_runs import RunOutcome, RunStatus, finish_run

BULK_CACHE_KIB = -65536  # negative: KiB, i.e. 64 MiB
# One encoder for every product's sizes: json.dumps with options builds a new one per call.
_encode_sizes = json.JSONEncoder(ensure_ascii=False).encode
_IN_LIST_AT_MOST = 500  # ids looked up with IN (...); beyond that the tenant's whole list


def timestamp(moment: datetime) -> str:
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


@dataclass(frozen=True, slots=True)
class WrittenSnapshot:
    """A snapshot written, pending or complete; its level ``i < levels`` (in the order
    ``SnapshotData.levels`` gave them) has the row id ``first_level + i``."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    first_level: int
    levels: int


_UPSERT_PRODUCT = (
    "INSERT INTO products (id, tenant_id, external_id, vendor_code, name, brand, subject, sizes,"
    " first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (tenant_id, external_id) DO UPDATE SET vendor_code = excluded.vendor_code,"
    " name = excluded.name, brand = excluded.brand, subject = excluded.subject,"
    " sizes = excluded.sizes, last_seen_at = excluded.last_seen_at"
)
_INSERT_UNKNOWN_PRODUCT = (
    "INSERT INTO products (id, tenant_id, external_id, vendor_code, name, brand, subject, sizes,"
    " first_seen_at, last_seen_at) VALUES (?, ?, ?, '', '', '', '', '[]', ?, ?)"
    " ON CONFLICT (tenant_id, external_id) DO NOTHING"
)
_INSERT_WAREHOUSE = (
    "INSERT INTO warehouses (id, tenant_id, name, warehouse_type) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (tenant_id, name, warehouse_type) DO NOTHING"
)
_INSERT_SNAPSHOT = (
    "INSERT INTO snapshots (id, tenant_id, sync_run_id, taken_at, window_start, window_end,"
    " window_days, threshold_days, complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_LEVEL = (
    "INSERT INTO stock_levels (id, snapshot_id, product_id, warehouse_id,"  # noqa: S608
    f" {', '.join(FIGURE_NAMES)}) VALUES ({', '.join('?' * (4 + len(FIGURE_NAMES)))})"
)
_figures_of = attrgetter(*FIGURE_NAMES)
# The figures that orders make, which publishing sets on the levels written before.
_ORDER_MADE = tuple(spec.name for spec in fields(OrderFigures) if spec.name in FIGURE_NAMES)
_UPDATE_LEVEL_ORDERS = (
    f"UPDATE stock_levels SET {', '.join(f'{name} = ?' for name in _ORDER_MADE)}"  # noqa: S608
    " WHERE id = ?"
)
_order_made_of = attrgetter(*_ORDER_MADE)
_INSERT_ORDER = (
    "INSERT INTO order_lines (id, snapshot_id, line_id, product_id, warehouse_id, ordered_at,"
    " quantity, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class _Writer:
    """One transaction's writes for one tenant, on the driver's cursor."""

    def __init__(self, conn: Connection, tenant_id: uuid.UUID, seen: str) -> None:
        self.conn = conn
        self.tenant = tenant_id.hex
        self.seen = seen
        self.cursor: Any = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def bulk(self) -> None:
        # A larger page cache for one big transaction keeps SQLite from spilling dirty pages to
        # the WAL mid-way; ``close`` sets it back before the connection returns to the pool.
        self.cursor.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")

    def close(self) -> None:
        self.cursor.execute("PRAGMA cache_size = -2000")
        self.cursor.close()

    def upsert_products(self, products: Sequence[Product]) -> None:
        self.cursor.executemany(_UPSERT_PRODUCT, self._product_rows(products))

    def _product_rows(self, products: Sequence[Product]) -> Iterator[tuple]:
        tenant, seen = self.tenant, self.seen
        for row_id, product in zip(id_block(len(products)), products, strict=True):
            sizes = [
                {"id": s.size_id, "name": s.name, "barcodes": list(s.barcodes)}
                for s in product.sizes
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

    def product_ids(self, external_ids: Collection[str]) -> dict[str, str]:
        """Row ids of these products; ones the catalogue did not list (e.g. a card in the trash
        that still has stock or orders) are added under the id the marketplace gave."""
        found = self._known_products(external_ids)
        missing = sorted(set(external_ids) - found.keys())
        if missing:
            rows = [(new_id().hex, self.tenant, pid, self.seen, self.seen) for pid in missing]
            self.cursor.executemany(_INSERT_UNKNOWN_PRODUCT, rows)
            found.update(self._known_products(missing))
        return found

    def _known_products(self, external_ids: Collection[str]) -> dict[str, str]:
        query = "SELECT external_id, id FROM products WHERE tenant_id = ?"
        if len(external_ids) > _IN_LIST_AT_MOST:
            rows = self.cursor.execute(query, (self.tenant,))
            return {external_id: row_id for external_id, row_id in rows}
        marks = ", ".join("?" * len(external_ids))
        rows = self.cursor.execute(
            f"{query} AND external_id IN ({marks})",
            (self.tenant, *external_ids),
        )
        return dict(rows.fetchall())

    def warehouse_ids(
        self, places: Collection[tuple[str, WarehouseType]]
    ) -> dict[tuple[str, str], str]:
        if places:
            rows = [(new_id().hex, self.tenant, name, kind.value) for name, kind in sorted(places)]
            self.cursor.executemany(_INSERT_WAREHOUSE, rows)
        rows = self.cursor.execute(
            "SELECT name, warehouse_type, id FROM warehouses WHERE tenant_id = ?", (self.tenant,)
        )
        return {(name, kind): row_id for name, kind, row_id in rows}

    def insert_snapshot(
        self,
        snapshot_id: uuid.UUID,
        run_id: uuid.UUID | None,
        window: OrderWindow,
        threshold_days: float,
        *,
        complete: bool,
    ) -> None:
        self.cursor.execute(
            _INSERT_SNAPSHOT,
            (
                snapshot_id.hex,
                self.tenant,
                run_id.hex if run_id else None,
                self.seen,
                timestamp(window.start),
                timestamp(window.end),
                window.days,
                threshold_days,
                complete,
            ),
        )

    def _places(
        self, rows: Sequence[LevelFigures] | Sequence[OrderLine]
    ) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        """Row ids of the products and warehouses that ``rows`` name."""
        products = self.product_ids({row.product_id for row in rows})
        warehouses = self.warehouse_ids({(row.warehouse, row.warehouse_type) for row in rows})
        return products, warehouses

    def insert_levels(
        self, snapshot_id: uuid.UUID, ids: Iterable[str], levels: Sequence[LevelFigures]
    ) -> None:
        products, warehouses = self._places(levels)
        snap = snapshot_id.hex
        self.cursor.executemany(
            _INSERT_LEVEL,
            (
                (
                    row_id,
                    snap,
                    products[lv.product_id],
                    warehouses[(lv.warehouse, lv.warehouse_type)],  # a StrEnum hashes as text
                    *_figures_of(lv),
                )
                for row_id, lv in zip(ids, levels, strict=True)
            ),
        )

    def insert_order_lines(self, snapshot_id: uuid.UUID, lines: Sequence[OrderLine]) -> None:
        if not lines:
            return
        products, warehouses = self._places(lines)
        snap = snapshot_id.hex
        self.cursor.executemany(
            _INSERT_ORDER,
            (
                (
                    row_id,
                    snap,
                    o.line_id,
                    products[o.product_id],
                    warehouses[(o.warehouse, o.warehouse_type)],
                    timestamp(o.ordered_at),
                    o.quantity,
                    o.cancelled,
                )
                for row_id, o in zip(id_block(len(lines)), lines, strict=True)
            ),
        )


def write_snapshot(
    engine: Engine,
    data: SnapshotData,
    *,
    complete: bool = True,
    snapshot_id: uuid.UUID | None = None,
    share: bool = True,
) -> WrittenSnapshot:
    """Write products, warehouses, the snapshot, its levels and order lines in one transaction
    (a complete snapshot is enqueued for the team's server in it, like a published one).

    ``complete=False`` begins a pending snapshot instead, which no reader sees until
    ``publish_snapshot`` completes it (see the module's note). ``snapshot_id`` and
    ``share=False`` are for figures another desktop shared (storage.team_mirror): they keep the
    server's id and do not go back to it.
    """
    snapshot_id = snapshot_id or new_id()
    levels = data.levels
    first = id_range(len(levels))
    with write_transaction(engine) as conn:
        writer = _Writer(conn, data.tenant_id, timestamp(data.taken_at))
        writer.bulk()
        writer.upsert_products(data.products)
        writer.insert_snapshot(
            snapshot_id, data.sync_run_id, data.window, data.threshold_days, complete=complete
        )
        writer.insert_levels(snapshot_id, map(id_text, first), levels)
        writer.insert_order_lines(snapshot_id, data.order_lines)
        writer.close()
        if complete and share:
            outbox.enqueue(conn, outbox.OutboxKind.SNAPSHOT, data.tenant_id, snapshot_id)
    return WrittenSnapshot(snapshot_id, data.tenant_id, first.start, len(levels))


def add_order_lines(engine: Engine, pending: WrittenSnapshot, lines: Iterable[OrderLine]) -> None:
    """More order lines of a pending snapshot (they count once it is published)."""
    with write_transaction(engine) as conn:
        writer = _Writer(conn, pending.tenant_id, timestamp(datetime.now(UTC)))
        writer.insert_order_lines(pending.id, list(lines))
        writer.close()


def publish_snapshot(
    engine: Engine,
    pending: WrittenSnapshot,
    *,
    taken_at: datetime,
    order_figures: Iterable[OrderFigures],
    new_levels: Sequence[LevelFigures],
    order_lines: Sequence[OrderLine],
    finished_run: tuple[uuid.UUID, RunOutcome] | None = None,
) -> None:
    """Complete a pending snapshot in one small transaction and make it the current one.

    ``order_figures``: the final orders, days and low flag of levels already written (by their
    index), ``new_levels``: levels that only orders made (a warehouse with orders but no stock),
    ``order_lines``: the lines not written yet, ``finished_run``: the run and its outcome,
    recorded in the same transaction (a kill never leaves a published snapshot of a run that
    history calls interrupted). The snapshot and the run are enqueued for the team's server in
    it too (storage.outbox).
    """
    seen = timestamp(taken_at)
    first = pending.first_level
    with write_transaction(engine) as conn:
        writer = _Writer(conn, pending.tenant_id, seen)
        writer.insert_order_lines(pending.id, order_lines)
        writer.cursor.executemany(
            _UPDATE_LEVEL_ORDERS,
            ((*_order_made_of(f), id_text(first + f.index)) for f in order_figures),
        )
        writer.insert_levels(pending.id, id_block(len(new_levels)), new_levels)
        writer.cursor.execute(
            "UPDATE snapshots SET complete = 1, taken_at = ? WHERE id = ?", (seen, pending.id.hex)
        )
        writer.close()
        outbox.enqueue(conn, outbox.OutboxKind.SNAPSHOT, pending.tenant_id, pending.id)
        if finished_run is not None:
            finish_run(conn, *finished_run)


def discard_snapshot(engine: Engine, snapshot_id: uuid.UUID) -> None:
    """Remove a pending snapshot with its rows (a run that failed or was cancelled)."""
    with write_transaction(engine) as conn:
        conn.execute(
            text("DELETE FROM snapshots WHERE id = :id AND complete = 0"), {"id": snapshot_id.hex}
        )


def remove_abandoned_snapshots(engine: Engine) -> int:
    """Pending snapshots whose run is no longer running (the process died) are removed."""
    with write_transaction(engine) as conn:
        result = conn.execute(
            text(
                "DELETE FROM snapshots WHERE complete = 0 AND (sync_run_id IS NULL OR"
                " sync_run_id NOT IN (SELECT id FROM sync_runs WHERE status = :running))"
            ),
            {"running": RunStatus.RUNNING.value},
        )
    return result.rowcount or 0
