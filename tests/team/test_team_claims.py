"""The real engine syncing the simulator's seller under a lease on a real PostgreSQL.

This desktop is Anna's laptop; "another desktop" is Boris's lease, taken straight with
``leases.claim``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable

import psycopg
import pytest

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository, Trigger
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncEvent, SyncResult, SyncStarted
from stock_tracker_desktop.team import leases
from stock_tracker_desktop.team.team_claims import TeamClaims
from tests.support.pg_cluster import PgCluster
from tests.sync.conftest import add_wb
from tests.team.test_leases import Team, make_team

LAPTOP = uuid.uuid4()
BORIS_DESKTOP = uuid.uuid4()


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    return point_clients_at(seed=11, sellers=1, products=20, time_factor=0.01)


@pytest.fixture
def team(pg: PgCluster, team_database: str) -> Team:
    return make_team(pg, team_database)


@pytest.fixture
def shop(ctx: AppContext, sim: RunningSimulator, team: Team) -> uuid.UUID:
    """The simulator's seller as a tenant here, and as a seller on the team's server."""
    add_wb(ctx, sim.world.sellers[0], "Shop")
    tenant_id = TenantService(ctx).get("Shop").id
    team.add_seller(tenant_id)
    return tenant_id


def claims_of(team: Team, *, ttl: float = 30, member: str = "anna") -> TeamClaims:
    login = getattr(team, member)
    return TeamClaims(lambda: team.connect(login), LAPTOP, "Anna's laptop", ttl=ttl)


def live_leases(team: Team) -> dict[uuid.UUID, leases.LeaseInfo]:
    with team.connect(team.boris) as conn:
        return leases.holders(conn)


async def sync_shop(ctx: AppContext, claims: TeamClaims) -> SyncResult:
    engine = SyncEngine(ctx, claims=claims)
    try:
        [result] = await engine.sync(["Shop"])
    finally:
        await engine.aclose()
    return result


def slow_catalogue(sim: RunningSimulator, seconds: float) -> None:
    seller = sim.world.sellers[0].seller_id
    sim.world.faults.add(
        Fault(kind="slow", path_prefix="/content/", seller_id=seller, delay=seconds)
    )


async def test_a_seller_another_desktop_holds_is_refused_naming_it(
    ctx: AppContext, team: Team, shop: uuid.UUID
) -> None:
    with team.connect(team.boris) as boris:
        leases.claim(boris, shop, BORIS_DESKTOP, "Boris's desktop", 60)
    result = await sync_shop(ctx, claims_of(team))
    assert result.status is None
    assert "Shop: already syncing in Boris's desktop (boris)" in result.refused
    assert SyncRunRepository(ctx.database).history() == []
    assert live_leases(team)[shop].desktop_id == BORIS_DESKTOP


async def test_the_lease_is_held_while_the_seller_syncs_and_released_after(
    ctx: AppContext, team: Team, shop: uuid.UUID
) -> None:
    seen: list[dict[uuid.UUID, leases.LeaseInfo]] = []
    engine = SyncEngine(ctx, claims=claims_of(team))

    def on_event(event: SyncEvent) -> None:
        if isinstance(event, SyncStarted):
            seen.append(live_leases(team))

    engine.subscribe(on_event)
    try:
        [result] = await engine.sync(["Shop"])
    finally:
        await engine.aclose()
    assert result.status is RunStatus.SUCCEEDED
    [during] = seen
    assert (during[shop].desktop_id, during[shop].member) == (LAPTOP, "anna")
    assert live_leases(team) == {}


async def test_renewal_keeps_a_short_lease_through_a_longer_sync(
    ctx: AppContext, sim: RunningSimulator, team: Team, shop: uuid.UUID
) -> None:
    ttl = 1.0
    slow_catalogue(sim, 3 * ttl)
    started = asyncio.Event()
    engine = SyncEngine(ctx, claims=claims_of(team, ttl=ttl))
    engine.subscribe(lambda e: started.set() if isinstance(e, SyncStarted) else None)
    try:
        task = engine.start(TenantService(ctx).get("Shop"), Trigger.MANUAL)
        await asyncio.wait_for(started.wait(), timeout=30)
        await asyncio.sleep(2 * ttl)
        lease = (await asyncio.to_thread(live_leases, team)).get(shop)
        result = await task
    finally:
        await engine.aclose()
    assert lease is not None, "the lease expired while the sync ran"
    assert lease.desktop_id == LAPTOP
    assert (lease.expires_at - lease.claimed_at).total_seconds() > 1.5 * ttl  # renewed
    assert result.status is RunStatus.SUCCEEDED
    assert live_leases(team) == {}


async def test_a_lost_lease_is_logged_and_the_sync_goes_on(
    ctx: AppContext,
    sim: RunningSimulator,
    team: Team,
    shop: uuid.UUID,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ttl = 1.0
    slow_catalogue(sim, 3 * ttl)
    started = asyncio.Event()
    engine = SyncEngine(ctx, claims=claims_of(team, ttl=ttl))
    engine.subscribe(lambda e: started.set() if isinstance(e, SyncStarted) else None)
    try:
        task = engine.start(TenantService(ctx).get("Shop"), Trigger.MANUAL)
        await asyncio.wait_for(started.wait(), timeout=30)
        # The laptop's renewals did not reach the server; its lease expired and Boris took it.
        team.expire(shop)
        with team.connect(team.boris) as boris:
            leases.claim(boris, shop, BORIS_DESKTOP, "Boris's desktop", 60)
        with caplog.at_level(logging.WARNING):
            result = await task
    finally:
        await engine.aclose()
    assert result.status is RunStatus.SUCCEEDED
    assert any("lease on Shop was lost" in r.getMessage() for r in caplog.records)
    assert live_leases(team)[shop].desktop_id == BORIS_DESKTOP  # the laptop let go of nothing


async def test_a_viewer_is_told_syncing_needs_the_user_role(
    ctx: AppContext, team: Team, shop: uuid.UUID
) -> None:
    result = await sync_shop(ctx, claims_of(team, member="vera"))
    assert result.status is None
    assert "needs the user role" in result.refused
    assert "you are a viewer" in result.refused
    assert SyncRunRepository(ctx.database).history() == []


async def test_the_sync_goes_on_while_the_server_is_down(
    ctx: AppContext, pg: PgCluster, team: Team, shop: uuid.UUID
) -> None:
    pg.stop("immediate")
    try:
        result = await sync_shop(ctx, claims_of(team))
    finally:
        pg.start()
    assert result.status is RunStatus.SUCCEEDED
    assert [run.status for run in SyncRunRepository(ctx.database).history()] == [
        RunStatus.SUCCEEDED
    ]


async def test_the_sync_goes_on_without_asking_a_server_known_to_be_away(
    ctx: AppContext, team: Team, shop: uuid.UUID
) -> None:
    connections: list[psycopg.Connection] = []

    def connect() -> psycopg.Connection:
        connections.append(team.connect(team.anna))
        return connections[-1]

    claims = TeamClaims(connect, LAPTOP, "Anna's laptop", is_away=lambda: True)
    result = await sync_shop(ctx, claims)
    assert result.status is RunStatus.SUCCEEDED
    assert connections == []


async def test_a_seller_not_on_the_server_yet_syncs_without_a_lease(
    ctx: AppContext, sim: RunningSimulator, team: Team
) -> None:
    add_wb(ctx, sim.world.sellers[0], "Shop")  # added here, not pushed yet
    result = await sync_shop(ctx, claims_of(team))
    assert result.status is RunStatus.SUCCEEDED
    assert live_leases(team) == {}


async def test_a_sync_cancelled_while_claiming_leaves_no_lease(
    ctx: AppContext, team: Team, shop: uuid.UUID
) -> None:
    connecting = threading.Event()

    def slow_connect() -> psycopg.Connection:
        connecting.set()
        time.sleep(0.5)  # the claim is on its way when the cancel comes
        return team.connect(team.anna)

    engine = SyncEngine(ctx, claims=TeamClaims(slow_connect, LAPTOP, "Anna's laptop"))
    try:
        task = engine.start(TenantService(ctx).get("Shop"), Trigger.MANUAL)
        await asyncio.to_thread(connecting.wait, 30)
        task.cancel()
        result = await task
    finally:
        await engine.aclose()
    assert (result.status, result.refused) == (RunStatus.CANCELLED, "cancelled while queued")
    assert live_leases(team) == {}
    assert SyncRunRepository(ctx.database).history() == []
