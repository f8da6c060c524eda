"""Desktops of one team in a test: separate installations (homes) in one process, each with
its own vault, joined to a team on the test's PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.team import membership
from stock_tracker_desktop.team.membership import TeamSession
from stock_tracker_desktop.team.names import TeamRole
from stock_tracker_desktop.team.worker import CycleReport, TeamWorker, worker_for
from tests.support.pg_cluster import PgCluster

PASSPHRASE = "invitation passphrase"


def direct(call: Any) -> Any:
    """The local store's part of a team call, on the test's thread (nothing else runs)."""
    return call()


@dataclass
class Desktop:
    name: str
    ctx: AppContext
    session: TeamSession | None = None
    _worker: TeamWorker | None = field(default=None, repr=False)

    @property
    def worker(self) -> TeamWorker:
        assert self.session is not None, f"{self.name} is in no team"
        if self._worker is None or self._worker.session.link != self.session.link:
            self._worker = worker_for(
                self.session,
                self.ctx.database,
                self.ctx.vault,
                local=direct,
                keep_snapshots=lambda: SettingsService(self.ctx).load().keep_snapshots,
            )
        return self._worker

    def cycle(self) -> CycleReport:
        """One heartbeat, push and pull, as the desktop's team thread runs them."""
        report = self.worker.cycle()
        self.session = self.worker.session
        return report

    def connect(self) -> psycopg.Connection:
        assert self.session is not None
        return self.session.connect()


class Team:
    """A team whose first desktop is its owner's; ``join`` adds a member's desktop."""

    def __init__(self, pg: PgCluster, database: str, folder: Path) -> None:
        self.pg, self.database, self.folder = pg, database, folder
        self.desktops: list[Desktop] = []
        self.owner = self.desktop("owner")
        self.owner.session = membership.init(
            direct,
            self.owner.ctx.database,
            self.owner.ctx.vault,
            self.owner.ctx.home,
            dsn=pg.dsn(database),
            team_name="Agency",
            owner_name="olga",
        ).session

    def desktop(self, name: str) -> Desktop:
        ctx = AppContext.open(lambda: None, self.folder / name)
        desktop = Desktop(name, ctx)
        self.desktops.append(desktop)
        return desktop

    def join(self, name: str, role: TeamRole) -> Desktop:
        assert self.owner.session is not None
        invitation = self.folder / f"{name}.invitation"
        membership.invite(self.owner.session, name, role, invitation, PASSPHRASE)
        desktop = self.desktop(name)
        desktop.session, _ = membership.join(
            direct,
            desktop.ctx.database,
            desktop.ctx.vault,
            desktop.ctx.home,
            invitation,
            PASSPHRASE,
        )
        return desktop

    def server(self) -> psycopg.Connection:
        """The database as its superuser sees it (the truth on the server)."""
        return psycopg.connect(self.pg.dsn(self.database))

    def close(self) -> None:
        for desktop in self.desktops:
            if desktop._worker is not None:
                desktop._worker.stop()
            desktop.ctx.close()


def local_levels(ctx: AppContext, tenant_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """The seller's current figures here, one tuple per product and warehouse, sorted."""
    current = snapshots.current_snapshot(ctx.database, tenant_id)
    assert current is not None
    return sorted(
        (
            r.product_id,
            r.warehouse,
            r.warehouse_type.value,
            r.quantity,
            r.in_transit_to_customers,
            r.in_transit_returns,
            r.orders,
            r.days_of_stock,
            bool(r.low_stock),
        )
        for r in snapshots.stock_levels(ctx.database, current.id)
    )


def server_levels(conn: psycopg.Connection, tenant_id: uuid.UUID) -> list[tuple[Any, ...]]:
    return sorted(
        conn.execute(
            "SELECT external_id, warehouse, warehouse_type, quantity, in_transit_to_customers,"
            " in_transit_returns, orders, days_of_stock, low_stock FROM stock"
            " WHERE seller_id = %s",
            (tenant_id,),
        ).fetchall()
    )


def tenant_ids(ctx: AppContext) -> dict[str, uuid.UUID]:
    with ctx.database.connect() as conn:
        rows = conn.execute(text("SELECT name, id FROM tenants")).all()
    return {name: uuid.UUID(hex_id) for name, hex_id in rows}


def run_ids(ctx: AppContext) -> set[uuid.UUID]:
    with ctx.database.connect() as conn:
        rows = conn.execute(text("SELECT id FROM sync_runs")).all()
    return {uuid.UUID(row[0]) for row in rows}


def team_of(pg: PgCluster, database: str, folder: Path) -> Iterator[Team]:
    team = Team(pg, database, folder)
    try:
        yield team
    finally:
        team.close()
