"""Team mode against PostgreSQL: a full first push, publish-to-visible lag, a week's backlog.

    python bench/bench_team.py [--sellers 100] [--products 2000] [--warehouses 5]
                               [--lag-runs 10] [--backlog-sellers 50] [--backlog-hours 168]

A throwaway cluster is started as the tests start theirs (initdb, pg_ctl as ``postgres``).

1. Full first push: one desktop holds ``sellers`` x ``products`` x ``warehouses`` levels (and
   two order lines per product); joining a team enqueues everything, and the pusher's drain is
   timed against a raw ``COPY`` of the very same rows into the very same tables by the
   superuser (no row-level security, no staging table, rows already in memory), measured in
   the same run after the tables are emptied. Target: ratio <= 2.
2. Lag: two desktops with their background workers; one publishes a snapshot, the other's
   local store has it (pulled on NOTIFY). Target: under 5 s.
3. Backlog: ``backlog-sellers`` sellers synced every hour for ``backlog-hours`` while the server
   was away (a run and a snapshot each; the local store keeps 30 snapshots per seller, as the
   default setting does, so the older snapshots' entries point at pruned ones), then drained.
   Reported with the rows that had to land.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from bench_snapshot_write import make_data  # noqa: E402  (bench/ is on the path)
from licence import agency_licence  # noqa: E402

from stock_tracker_desktop.domain.models import (  # noqa: E402
    Marketplace,
    OrderLine,
)
from stock_tracker_desktop.domain.runs import RunStatus, Trigger  # noqa: E402
from stock_tracker_desktop.services.context import AppContext  # noqa: E402
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService  # noqa: E402
from stock_tracker_desktop.storage import outbox, snapshot_writer, snapshots, team_rows  # noqa: E402
from stock_tracker_desktop.storage.ids import new_id  # noqa: E402
from stock_tracker_desktop.storage.sync_runs import RunOutcome, SyncRunRepository  # noqa: E402
from stock_tracker_desktop.team import membership  # noqa: E402
from stock_tracker_desktop.team.names import TeamRole  # noqa: E402
from stock_tracker_desktop.team.worker import worker_for  # noqa: E402
from tests.support.file_keyring import ENV as KEYRING_ENV  # noqa: E402
from tests.support.pg_cluster import PgCluster, remove_cluster, start_cluster  # noqa: E402
from tests.support.tokens import wb_token  # noqa: E402

PASSPHRASE = "bench invitation passphrase"  # noqa: S105 (a throwaway team's)
KEEP_SNAPSHOTS = 30


class Desktop:
    """One installation; every local call is serialised (the bench's threads and the
    worker's share it, as the app's database thread would serialise them)."""

    def __init__(self, home: Path) -> None:
        self.ctx = AppContext.open(lambda: None, home)
        self.lock = threading.Lock()
        self.thread = ThreadPoolExecutor(max_workers=1)

    def local(self, call: Callable[[], Any]) -> Any:
        with self.lock:
            return call()

    def local_soon(self, call: Callable[[], Any]) -> Future[Any]:
        """As the app's database thread starts a call for the team's thread."""
        return self.thread.submit(self.local, call)


def snapshot_data(
    tenant: uuid.UUID, products: int, warehouses: int, taken_at: datetime
) -> snapshot_writer.SnapshotData:
    """bench_snapshot_write's snapshot, with two order lines per product in its window."""
    data = make_data(tenant, products, warehouses)
    lines = [
        OrderLine(
            f"{tenant.hex[:8]}-{p}-{day}",
            level.product_id,
            level.warehouse,
            level.warehouse_type,
            data.window.start + timedelta(days=day, hours=5),
        )
        for p, level in enumerate(data.levels[::warehouses])
        for day in (p % 7, (p + 3) % 7)
    ]
    return dataclasses.replace(data, taken_at=taken_at, order_lines=lines)


def add_sellers(desktop: Desktop, count: int, prefix: str) -> list[uuid.UUID]:
    service = TenantService(desktop.ctx)
    token = wb_token()
    return [
        service.add(
            TenantDraft(name=f"{prefix} {i:03d}", marketplace=Marketplace.WILDBERRIES, token=token)
        ).tenant.id
        for i in range(count)
    ]


def owner_of_team(pg: PgCluster, desktop: Desktop, database: str) -> tuple[Any, int]:
    """The desktop sets a team up on ``database`` as its owner: (session, entries enqueued)."""
    ctx = desktop.ctx
    setup = membership.init(
        desktop.local,
        ctx.database,
        ctx.vault,
        ctx.home,
        dsn=pg.dsn(database),
        team_name=database,
        owner_name="olga",
    )
    return setup.session, setup.enqueued


def worker_of(desktop: Desktop, session: Any) -> Any:
    return worker_for(
        session,
        desktop.ctx.database,
        desktop.ctx.vault,
        local=desktop.local,
        local_soon=desktop.local_soon,
        keep_snapshots=lambda: KEEP_SNAPSHOTS,
    )


def record_run(desktop: Desktop, tenant: uuid.UUID, name: str) -> None:
    runs = SyncRunRepository(desktop.ctx.database)
    run_id = new_id()
    runs.start(tenant, name, Trigger.SCHEDULE, run_id)
    runs.finish(run_id, RunOutcome(status=RunStatus.SUCCEEDED, products=1))


# ----- 1. the full first push ------------------------------------------------------------------


def shared_rows(desktop: Desktop, sellers: list[uuid.UUID]) -> dict[str, list[tuple[Any, ...]]]:
    """What the push writes, read once into memory for the raw COPY (not timed)."""
    database = desktop.ctx.database
    rows: dict[str, list[tuple[Any, ...]]] = {
        "products": [],
        "warehouses": [],
        "stock": [],
        "order_days": [],
    }
    for seller in sellers:
        current = snapshots.current_snapshot(database, seller)
        assert current is not None
        rows["products"] += [(seller, *r) for r in team_rows.products(database, seller)]
        rows["warehouses"] += [(seller, *r) for r in team_rows.warehouses(database, seller)]
        rows["stock"] += [(seller, *r) for r in team_rows.levels(database, current.id)]
        rows["order_days"] += [(seller, *r) for r in team_rows.order_days(database, current.id)]
    return rows


def raw_copy(pg: PgCluster, database: str, rows: dict[str, list[tuple[Any, ...]]]) -> float:
    """The baseline: the superuser COPYs the rows straight into the tables, in binary (the
    fastest COPY there is; the pusher's is binary too), one transaction, timed alone."""
    with psycopg.connect(pg.dsn(database)) as conn:
        conn.execute("TRUNCATE stock, order_days, products, warehouses")
        conn.commit()
        types = {
            table: dict(
                conn.execute(
                    "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                    " WHERE attrelid = %s::regclass AND attnum > 0",
                    (table,),
                ).fetchall()
            )
            for table in team_rows.FIGURE_TABLES
        }
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for table, columns in team_rows.FIGURE_TABLES.items():
                listed = ("seller_id", *columns)
                statement = f"COPY {table} ({', '.join(listed)}) FROM STDIN (FORMAT BINARY)"
                with cursor.copy(statement) as copy:
                    copy.set_types([types[table][name] for name in listed])
                    for row in rows[table]:
                        copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def full_push(pg: PgCluster, folder: Path, args: argparse.Namespace) -> None:
    database = pg.new_database("bench")
    owner = Desktop(folder / "owner")
    sellers = add_sellers(owner, args.sellers, "Seller")
    started = time.perf_counter()
    for seller in sellers:
        data = snapshot_data(seller, args.products, args.warehouses, datetime.now(UTC))
        snapshot_writer.write_snapshot(owner.ctx.database, data)
    print(f"local data: {args.sellers} sellers written in {time.perf_counter() - started:.1f} s")
    session, enqueued = owner_of_team(pg, owner, database)
    worker = worker_of(owner, session)
    with session.connect() as conn:
        started = time.perf_counter()
        report = worker.pusher.drain(conn)
        pushed = time.perf_counter() - started
    assert report.refused == 0, report
    rows = shared_rows(owner, sellers)
    total = sum(map(len, rows.values()))
    copy_seconds = raw_copy(pg, database, rows)
    print(
        f"full first push: {enqueued} outbox entries, {total:,} rows "
        f"({len(rows['stock']):,} levels, {len(rows['order_days']):,} order days, "
        f"{len(rows['products']):,} products)"
    )
    print(
        f"  pusher {pushed:.2f} s, raw COPY {copy_seconds:.2f} s, "
        f"ratio {pushed / copy_seconds:.2f} (target <= 2)"
    )
    owner.ctx.close()


# ----- 2. publish-to-visible lag ---------------------------------------------------------------


def lag(pg: PgCluster, folder: Path, args: argparse.Namespace) -> None:
    database = pg.new_database("lag")
    owner, member = Desktop(folder / "lag-owner"), Desktop(folder / "lag-member")
    (seller,) = add_sellers(owner, 1, "Lag")
    session, _ = owner_of_team(pg, owner, database)
    invitation = folder / "member.invitation"
    membership.invite(session, "ivan", TeamRole.USER, invitation, PASSPHRASE)
    member_session, _ = membership.join(
        member.local, member.ctx.database, member.ctx.vault, member.ctx.home, invitation, PASSPHRASE
    )
    workers = [worker_of(owner, session), worker_of(member, member_session)]
    for worker in workers:
        worker.start()
    lags = []
    try:
        time.sleep(1.0)  # both have made their first cycle and listen
        for _ in range(args.lag_runs):
            data = snapshot_data(seller, 200, 2, datetime.now(UTC))
            published = time.perf_counter()
            written = owner.local(
                lambda d=data: snapshot_writer.write_snapshot(owner.ctx.database, d)
            )
            workers[0].nudge()
            while not member.local(
                lambda w=written: (
                    snapshots.current_snapshot(member.ctx.database, seller) is not None
                    and snapshots.current_snapshot(member.ctx.database, seller).id == w.id
                )
            ):
                time.sleep(0.005)
                if time.perf_counter() - published > 30:
                    raise RuntimeError("the snapshot did not arrive within 30 s")
            lags.append(time.perf_counter() - published)
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.stop()
    print(
        f"publish-to-visible lag over {len(lags)} publishes: median "
        f"{statistics.median(lags) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms (target < 5 s)"
    )
    owner.ctx.close()
    member.ctx.close()


# ----- 3. a week's backlog ---------------------------------------------------------------------


def backlog(pg: PgCluster, folder: Path, args: argparse.Namespace) -> None:
    database = pg.new_database("backlog")
    owner = Desktop(folder / "backlog-owner")
    sellers = add_sellers(owner, args.backlog_sellers, "Hourly")
    session, _ = owner_of_team(pg, owner, database)
    worker = worker_of(owner, session)
    with session.connect() as conn:
        worker.pusher.drain(conn)  # the sellers themselves are on the server already
    started = time.perf_counter()
    start = datetime.now(UTC) - timedelta(hours=args.backlog_hours)
    for hour in range(args.backlog_hours):
        for i, seller in enumerate(sellers):
            record_run(owner, seller, f"Hourly {i:03d}")
            data = snapshot_data(seller, args.backlog_products, 2, start + timedelta(hours=hour))
            snapshot_writer.write_snapshot(owner.ctx.database, data)
            snapshots.prune_snapshots(owner.ctx.database, seller, KEEP_SNAPSHOTS)
    waiting = outbox.backlog(owner.ctx.database)
    print(
        f"backlog: {waiting.pending:,} outbox entries from {args.backlog_hours} hours x "
        f"{args.backlog_sellers} sellers (made in {time.perf_counter() - started:.0f} s)"
    )
    with session.connect() as conn:
        started = time.perf_counter()
        report = worker.pusher.drain(conn)
        drained = time.perf_counter() - started
        runs = conn.execute("SELECT count(*) FROM sync_runs").fetchone()
    assert report.refused == 0 and outbox.backlog(owner.ctx.database).pending == 0
    print(
        f"  drained in {drained:.2f} s: {runs[0] if runs else 0:,} runs on the server, "
        f"{args.backlog_sellers} current snapshots of {args.backlog_products * 2} levels"
    )
    owner.ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=100)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--warehouses", type=int, default=5)
    parser.add_argument("--lag-runs", type=int, default=10)
    parser.add_argument("--backlog-sellers", type=int, default=50)
    parser.add_argument("--backlog-hours", type=int, default=168)
    parser.add_argument("--backlog-products", type=int, default=200)
    parser.add_argument("--skip", nargs="*", default=[], choices=["push", "lag", "backlog"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="st-bench-team-") as tmp, agency_licence():
        folder = Path(tmp)
        import os

        os.environ.setdefault("STOCK_TRACKER_HOME", str(folder / "home"))
        os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.file_keyring.FileKeyring"
        os.environ[KEYRING_ENV] = str(folder / "keyring.json")
        pg = start_cluster()
        try:
            if "push" not in args.skip:
                full_push(pg, folder, args)
            if "lag" not in args.skip:
                lag(pg, folder, args)
            if "backlog" not in args.skip:
                backlog(pg, folder, args)
        finally:
            remove_cluster(pg)


if __name__ == "__main__":
    main()
