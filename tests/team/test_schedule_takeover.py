"""Which desktop runs a seller's schedule: its home while heard, else one chosen by rendezvous
hashing; the desktops' heartbeats on a real PostgreSQL; the scheduler skipping what runs
elsewhere."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.ids import new_id
from stock_tracker_desktop.storage.sync_runs import (
    RunOutcome,
    RunStatus,
    SyncRunRepository,
    Trigger,
)
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncEvent, SyncFinished, SyncStarted
from stock_tracker_desktop.sync.scheduler import SyncScheduler
from stock_tracker_desktop.team.desktops import (
    desktops,
    heartbeat,
    live_desktops,
    runs_schedule_here,
)
from tests.support.pg_cluster import PgCluster
from tests.sync.conftest import add_wb
from tests.team.test_leases import Team, make_team

HOME, A, B, C = (uuid.uuid4() for _ in range(4))
SELLERS = [uuid.uuid4() for _ in range(60)]


def runners(seller: uuid.UUID, home: uuid.UUID | None, live: list[uuid.UUID]) -> list[uuid.UUID]:
    """The live desktops that would run the seller's schedule, each asked on its own."""
    return [me for me in live if runs_schedule_here(seller, home, me, live)]


def test_a_live_home_runs_its_sellers_and_nobody_else_does() -> None:
    for seller in SELLERS:
        assert runners(seller, HOME, [A, HOME, B, C]) == [HOME]


def test_a_silent_homes_seller_goes_to_exactly_one_live_desktop() -> None:
    live = [A, B, C]
    winners = {}
    for seller in SELLERS:
        [winner] = runners(seller, HOME, live)
        # Whatever order each desktop lists the others in, and asked again: the same answer.
        for _ in range(3):
            assert runners(seller, HOME, random.sample(live, len(live))) == [winner]
        winners[seller] = winner
    assert set(winners.values()) == {A, B, C}  # shared out, not all on one desktop
    # The home heard again takes every one of them back.
    for seller in SELLERS:
        assert runners(seller, HOME, [*live, HOME]) == [HOME]
    # A desktop going silent hands on only the sellers it ran.
    for seller in SELLERS:
        [winner] = runners(seller, HOME, [A, B])
        assert winner == winners[seller] or winners[seller] == C


def test_a_seller_without_a_home_is_run_by_one_live_desktop() -> None:
    for seller in SELLERS:
        [winner] = runners(seller, None, [A, B, C])
        assert winner == runners(seller, HOME, [A, B, C])[0]  # the same ranking


def test_a_desktop_always_counts_itself_live() -> None:
    # The home cut off from the server keeps its sellers' schedule: the server is never a
    # dependency of a sync (others may try too; a lease lets one through).
    assert all(runs_schedule_here(seller, HOME, HOME, [A, B]) for seller in SELLERS)
    # With nobody else heard, a desktop runs what has no live home.
    assert all(runs_schedule_here(seller, HOME, A, []) for seller in SELLERS)


@pytest.fixture
def team(pg: PgCluster, team_database: str) -> Team:
    return make_team(pg, team_database)


def test_heartbeats_tell_who_is_live(team: Team) -> None:
    with team.connect(team.anna) as anna, team.connect(team.vera) as vera:
        heartbeat(anna, A, "Anna's laptop", "windows")
        heartbeat(vera, B, "Vera's desktop", "macos")  # a viewer's desktop is heard too
        heartbeat(anna, A, "Anna's laptop (new name)", "windows")
        found = {d.id: d for d in desktops(vera)}
        assert set(found) == {A, B}
        assert (found[A].member, found[A].member_name) == (team.anna.login, "anna")
        assert (found[A].name, found[A].platform) == ("Anna's laptop (new name)", "windows")
        assert found[A].last_seen_at >= found[A].started_at
        assert live_desktops(found.values(), timedelta(minutes=5)) == [A, B]

        with team.superuser() as conn:
            conn.execute(
                "UPDATE stock_tracker.desktops SET last_seen_at = now() - interval '10 minutes' "
                "WHERE id = %s",
                (A,),
            )
        silent = desktops(anna)
        assert live_desktops(silent, timedelta(minutes=5)) == [B]
        heartbeat(anna, A, "Anna's laptop", "windows")
        assert live_desktops(desktops(anna), timedelta(minutes=5)) == [A, B]


def test_a_member_heartbeats_only_their_own_desktops(team: Team) -> None:
    with team.connect(team.anna) as anna, team.connect(team.boris) as boris:
        heartbeat(anna, A, "Anna's laptop", "linux")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            heartbeat(boris, A, "Boris pretending", "linux")
        assert [d.name for d in desktops(boris)] == ["Anna's laptop"]


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    return point_clients_at(seed=11, sellers=1, products=20, time_factor=0.01)


async def test_the_scheduler_skips_a_seller_whose_schedule_runs_elsewhere(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    SettingsService(ctx).update(schedule=Schedule(mode="interval", interval_hours=6))
    add_wb(ctx, sim.world.sellers[0], "Shop")
    shop = TenantService(ctx).get("Shop").id
    _ran_long_ago(ctx, shop)  # a run is due at once
    asked, finished = asyncio.Event(), asyncio.Event()
    events: list[SyncEvent] = []

    def elsewhere(tenant_id: uuid.UUID) -> bool:
        asked.set()
        return tenant_id != shop

    def on_event(event: SyncEvent) -> None:
        events.append(event)
        if isinstance(event, SyncFinished):
            finished.set()

    engine = SyncEngine(ctx)
    engine.subscribe(on_event)
    scheduler = SyncScheduler(engine)
    scheduler.set_runs_here(elsewhere)
    try:
        await scheduler.start()
        await asyncio.wait_for(asked.wait(), timeout=30)
        await asyncio.sleep(0.3)
        assert events == []
        assert scheduler.next_run(shop) is not None  # still planned: it may come back here
        # The schedule moves here (its home went silent): the next plan runs it.
        scheduler.set_runs_here(lambda _id: True)
        await scheduler.reload()
        await asyncio.wait_for(finished.wait(), timeout=30)
    finally:
        await scheduler.shutdown()
        await engine.aclose()
    assert isinstance(events[0], SyncStarted)
    newest = SyncRunRepository(ctx.database).history(limit=1)[0]
    assert (newest.trigger, newest.status) == (Trigger.SCHEDULE, RunStatus.SUCCEEDED)


def _ran_long_ago(ctx: AppContext, tenant_id: uuid.UUID) -> None:
    runs = SyncRunRepository(ctx.database)
    run_id = new_id()
    runs.start(tenant_id, "Shop", Trigger.MANUAL, run_id)
    runs.finish(run_id, RunOutcome(status=RunStatus.SUCCEEDED))
    when = (datetime.now(UTC) - timedelta(hours=30)).isoformat(timespec="microseconds")
    with ctx.database.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE sync_runs SET started_at = ?, finished_at = ? WHERE id = ?",
            (when, when, run_id.hex),
        )
