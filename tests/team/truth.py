"""The shared schema against the desktops' local truth, row for row (docs/team.md).

``assert_shared_equals_local`` reads the server as its superuser sees it and every desktop's
store with the pusher's own readers (``storage.team_rows``), so that what is compared is
exactly what a push sends: nothing missing, nothing extra, no row twice.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import psycopg
from sqlalchemy import text

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage import snapshots, team_rows

_FIGURE_TABLES = {
    "products": team_rows.PRODUCT_FIELDS,
    "warehouses": ("name", "warehouse_type"),
    "stock": team_rows.LEVEL_FIELDS,
    "order_days": team_rows.ORDER_DAY_FIELDS,
}


def _server_rows(
    server: psycopg.Connection, table: str, columns: tuple[str, ...], seller: uuid.UUID
) -> list[tuple[Any, ...]]:
    return sorted(
        server.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE seller_id = %s",  # noqa: S608
            (seller,),
        ).fetchall()
    )


def _local_tenants(ctx: AppContext) -> list[uuid.UUID]:
    with ctx.database.connect() as conn:
        return [uuid.UUID(row[0]) for row in conn.execute(text("SELECT id FROM tenants")).all()]


def _local_runs(ctx: AppContext) -> dict[uuid.UUID, tuple[Any, ...]]:
    """The desktop's finished runs: id -> (seller id, ``RUN_FIELDS``...)."""
    with ctx.database.connect() as conn:
        rows = conn.execute(text("SELECT id, tenant_id FROM sync_runs")).all()
    found: dict[uuid.UUID, tuple[Any, ...]] = {}
    for run_hex, tenant_hex in rows:
        run_id = uuid.UUID(run_hex)
        values = team_rows.run_row(ctx.database, run_id)
        if values is not None:  # still running: pushed at its end
            found[run_id] = (uuid.UUID(tenant_hex), *values.values())
    return found


def _local_figures(ctx: AppContext, seller: uuid.UUID) -> dict[str, list[tuple[Any, ...]]]:
    current = snapshots.current_snapshot(ctx.database, seller)
    if current is None:
        return {table: [] for table in _FIGURE_TABLES}
    return {
        "products": sorted(team_rows.products(ctx.database, seller)),
        "warehouses": sorted(team_rows.warehouses(ctx.database, seller)),
        "stock": sorted(team_rows.levels(ctx.database, current.id)),
        "order_days": sorted(team_rows.order_days(ctx.database, current.id)),
    }


def _assert_seller(server: psycopg.Connection, ctx: AppContext, seller: uuid.UUID) -> None:
    where = f"{ctx.home.name}: seller {seller}"
    local = team_rows.seller_row(ctx.database, seller)
    assert local is not None, where
    shared = server.execute(
        f"SELECT {', '.join(team_rows.SELLER_FIELDS)}, deleted_at FROM sellers"  # noqa: S608
        " WHERE id = %s",
        (seller,),
    ).fetchall()
    assert len(shared) == 1, f"{where}: {len(shared)} sellers rows"
    *fields, deleted_at = shared[0]
    assert deleted_at is None, f"{where}: deleted on the server"
    assert dict(zip(team_rows.SELLER_FIELDS, fields, strict=True)) == local.fields, where

    current = snapshots.current_snapshot(ctx.database, seller)
    state = server.execute(
        "SELECT snapshot_id, taken_at FROM seller_state WHERE seller_id = %s", (seller,)
    ).fetchall()
    if current is None:
        assert state == [], f"{where}: figures on the server, none here"
    else:
        assert state == [(current.id, current.taken_at)], f"{where}: seller_state"
    for table, local_rows in _local_figures(ctx, seller).items():
        shared_rows = _server_rows(server, table, _FIGURE_TABLES[table], seller)
        assert len(shared_rows) == len(local_rows), f"{where}: {table} row count"
        assert shared_rows == local_rows, f"{where}: {table}"


def assert_shared_equals_local(server: psycopg.Connection, desktops: list[AppContext]) -> None:
    """The team's server holds exactly the desktops' truth.

    For every seller of every desktop: its ``sellers`` row is the local tenant's, and its
    ``products``, ``warehouses``, ``stock``, ``order_days`` and ``seller_state`` are what the
    local current snapshot gives; the server has no other seller and no other figures.
    ``sync_runs`` holds exactly the union of the desktops' finished runs, each once, with the
    same seller, status and figures everywhere it is known.
    """
    sellers: set[uuid.UUID] = set()
    for ctx in desktops:
        tenants = _local_tenants(ctx)
        sellers |= set(tenants)
        for seller in tenants:
            _assert_seller(server, ctx, seller)

    shared_sellers = Counter(
        row[0] for row in server.execute("SELECT id FROM sellers WHERE deleted_at IS NULL")
    )
    assert set(shared_sellers) == sellers, "the server's sellers are not the desktops'"
    assert all(count == 1 for count in shared_sellers.values())
    for table in (*_FIGURE_TABLES, "seller_state"):
        extra = server.execute(
            f"SELECT count(*) FROM {table} WHERE NOT seller_id = ANY(%s)",  # noqa: S608
            (list(sellers),),
        ).fetchone()
        assert extra == (0,), f"{table}: rows of sellers no desktop has"

    runs: dict[uuid.UUID, tuple[Any, ...]] = {}
    for ctx in desktops:
        for run_id, values in _local_runs(ctx).items():
            known = runs.setdefault(run_id, values)
            assert known == values, f"{ctx.home.name}: run {run_id} differs between desktops"
    shared_runs = server.execute(
        f"SELECT id, seller_id, {', '.join(team_rows.RUN_FIELDS)} FROM sync_runs"  # noqa: S608
    ).fetchall()
    ids = Counter(row[0] for row in shared_runs)
    assert [run for run, count in ids.items() if count > 1] == [], "a run twice on the server"
    assert set(ids) == set(runs), (
        f"runs missing on the server: {set(runs) - set(ids)}; "
        f"runs no desktop has: {set(ids) - set(runs)}"
    )
    for row in shared_runs:
        assert tuple(row[1:]) == runs[row[0]], f"run {row[0]} differs on the server"
