"""Team mode when things break: the server crashes in the middle of a push, stays away for many
syncs, a desktop is killed holding leases, two desktops are asked to sync the same sellers at
once. Afterwards the shared data equal the desktops' truth, row for row (tests/team/truth.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine

from stock_tracker_desktop.domain.runs import Trigger
from stock_tracker_desktop.marketplaces.settings import REQUEST_DEADLINE_ENV
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage import outbox, team_link, team_rows
from stock_tracker_desktop.storage.sync_runs import SyncRunRepository
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncResult
from stock_tracker_desktop.team.names import TeamRole
from stock_tracker_desktop.team.team_claims import DEFAULT_TTL, TeamClaims
from tests.support.cli import start_cli
from tests.support.pg_cluster import PgCluster
from tests.support.sellers import simulator_env
from tests.sync.conftest import add_wb
from tests.team.desktops import Desktop, Team, local_levels, team_of, tenant_ids
from tests.team.truth import assert_shared_equals_local

TIME_FACTOR = 0.01


@pytest.fixture
def team(pg: PgCluster, team_database: str, tmp_path: Path) -> Iterator[Team]:
    # The test cluster commits without waiting for the WAL (fast, and a crash may lose the
    # last commits); the server crashes here, so this database waits for it as a real one does.
    with psycopg.connect(pg.dsn(), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{team_database}" SET synchronous_commit = on')
    yield from team_of(pg, team_database, tmp_path)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30) -> Any:
    """Poll ``check`` until it gives something true; its value."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return found


def count(conn: psycopg.Connection, query: str, params: tuple[Any, ...] = ()) -> int:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return int(row[0])


def add_sellers(desktop: Desktop, sim: RunningSimulator) -> list[str]:
    names = [f"Seller {i:02d}" for i in range(len(sim.world.sellers))]
    for seller, name in zip(sim.world.sellers, names, strict=True):
        add_wb(desktop.ctx, seller, name)
    return names


async def sync(ctx: AppContext, names: list[str] | None = None) -> list[SyncResult]:
    engine = SyncEngine(ctx)
    try:
        results = await engine.sync(names, trigger=Trigger.CLI)
    finally:
        await engine.aclose()
    assert all(r.outcome is not None and r.outcome.error_message == "" for r in results), results
    return results


# ----- the server crashes in the middle of a push --------------------------------------------


async def test_a_server_crash_in_the_middle_of_a_push_loses_nothing_and_doubles_nothing(
    pg: PgCluster,
    team: Team,
    point_clients_at: Callable[..., RunningSimulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sellers, crash_at = 8, 3  # the crash comes during the third seller's transaction
    sim = point_clients_at(seed=31, sellers=sellers, products=8, time_factor=TIME_FACTOR)
    owner = team.owner
    add_sellers(owner, sim)
    await sync(owner.ctx)
    assert owner.session is not None
    ids = set(tenant_ids(owner.ctx).values())

    # The push reads each seller's levels inside that seller's transaction: at the third
    # seller it is held there until the server is down, so that the crash comes in the middle
    # of the push and of a transaction however fast the machine is.
    holding, server_down = threading.Event(), threading.Event()
    levels, read = team_rows.levels, Counter[str]()

    def held_levels(database: Engine, snapshot_id: uuid.UUID) -> Iterator[tuple[Any, ...]]:
        read["levels"] += 1
        if read["levels"] == crash_at:
            holding.set()
            server_down.wait(30)
        return levels(database, snapshot_id)

    monkeypatch.setattr(team_rows, "levels", held_levels)
    outcome: list[object] = []
    pushing = threading.Thread(target=lambda: outcome.append(owner.worker.try_cycle()))
    pushing.start()
    try:
        with team.server() as conn:
            conn.autocommit = True
            committed = wait_for(
                "the first sellers' figures on the server",
                lambda: holding.is_set() and count(conn, "SELECT count(*) FROM seller_state"),
            )
            assert committed == crash_at - 1
            in_transaction = count(
                conn,
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'"
                " AND usename = %s",
                (owner.session.link.login,),
            )
            assert in_transaction == 1
            done = {row[0] for row in conn.execute("SELECT seller_id FROM seller_state")}
        pg.stop("immediate")
    finally:
        server_down.set()
        pushing.join(30)
        if not pg.running():
            pg.start()
    [error] = outcome
    assert isinstance(error, str) and error, error  # the push failed: the server was away
    link = team_link.get(owner.ctx.database)
    assert link is not None and link.server_away_since is not None
    # The outbox keeps exactly the sellers whose transaction the crash cut or never began.
    waiting = {entry.tenant_id for entry in outbox.pending(owner.ctx.database, 1000)}
    assert waiting == ids - done

    with team.server() as conn:  # what was committed survived the crash
        assert {row[0] for row in conn.execute("SELECT seller_id FROM seller_state")} == done
    report = owner.cycle()
    assert report.pushed.refused == 0
    assert outbox.backlog(owner.ctx.database) == outbox.Backlog(0, 0)
    link = team_link.get(owner.ctx.database)
    assert link is not None and link.server_away_since is None
    with team.server() as conn:
        assert count(conn, "SELECT count(*) FROM seller_state") == sellers
        assert_shared_equals_local(conn, [owner.ctx])


# ----- the server away for many syncs ----------------------------------------------------------


def team_claims(desktop: Desktop) -> TeamClaims:
    """The claims the core hands a desktop's engine: no lease asked while the worker knows the
    server is away."""
    session = desktop.session
    assert session is not None
    return TeamClaims(
        lambda: session.connect(autocommit=True),
        session.link.desktop_id,
        f"{desktop.name}'s desktop",
        is_away=lambda: desktop.worker.away,
    )


async def sync_in_team(desktop: Desktop) -> list[SyncResult]:
    engine = SyncEngine(desktop.ctx, claims=team_claims(desktop))
    try:
        return await engine.sync(trigger=Trigger.CLI)
    finally:
        await engine.aclose()


async def test_syncs_while_the_server_is_away_wait_in_the_outbox_and_go_out_in_one_cycle(
    pg: PgCluster, team: Team, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=32, sellers=2, products=8, time_factor=TIME_FACTOR)
    owner = team.owner
    add_sellers(owner, sim)
    member = team.join("ulya", TeamRole.USER)
    owner.cycle()
    member.cycle()
    assert outbox.backlog(owner.ctx.database).pending == 0

    pg.stop("immediate")
    backlog: list[int] = []
    away_since: datetime | None = None
    try:
        for _ in range(3):
            results = await sync_in_team(owner)
            assert [r.outcome.error_message for r in results if r.outcome] == ["", ""], results
            failed_at = datetime.now(UTC)
            error = owner.worker.try_cycle()
            assert isinstance(error, str) and error
            link = team_link.get(owner.ctx.database)
            assert link is not None and link.last_error == error
            if away_since is None:  # the first failure says since when
                assert link.server_away_since is not None
                assert failed_at <= link.server_away_since <= datetime.now(UTC)
                away_since = link.server_away_since
            assert link.server_away_since == away_since  # kept through the later failures
            backlog.append(outbox.backlog(owner.ctx.database).pending)
    finally:
        if not pg.running():
            pg.start()
    assert backlog == sorted(set(backlog)) and backlog[0] > 0, backlog  # grows with each round

    report = owner.cycle()
    assert report.pushed.refused == 0
    assert outbox.backlog(owner.ctx.database) == outbox.Backlog(0, 0)
    link = team_link.get(owner.ctx.database)
    assert link is not None and (link.server_away_since, link.last_error) == (None, "")
    with team.server() as conn:
        assert count(conn, "SELECT count(*) FROM sync_runs") == 6
        assert_shared_equals_local(conn, [owner.ctx])

    # The member's desktop sat idle while the server was down: the connection it kept died
    # with the server, and its first cycle may fail on it (then the next one connects anew).
    if isinstance(member.worker.try_cycle(), str):
        member.cycle()
    sellers = tenant_ids(owner.ctx)
    assert tenant_ids(member.ctx) == sellers
    for seller in sellers.values():
        assert local_levels(member.ctx, seller) == local_levels(owner.ctx, seller)
    with team.server() as conn:
        assert_shared_equals_local(conn, [owner.ctx, member.ctx])


# ----- a desktop killed while holding leases ---------------------------------------------------

# The killed desktop's time factor: its leases last DEFAULT_TTL times this (4.5 s), long enough
# to see another desktop refused, short enough to wait for their expiry.
LEASE_FACTOR = 0.05
SLOW_CATALOGUE = 8.0  # real seconds the killed desktop's first catalogue requests are held


def desktop_env(desktop: Desktop, sim: RunningSimulator, **extra: str) -> dict[str, str]:
    """The environment of a `stock-tracker` process on ``desktop``'s installation. Requests
    get 30 s rather than the 5 s the time factor leaves them: the simulator answers a score
    of syncs at once on a machine shared with the tests' other processes."""
    return {
        **simulator_env(sim),
        "STOCK_TRACKER_HOME": str(desktop.ctx.home),
        REQUEST_DEADLINE_ENV: str(30 / TIME_FACTOR),
        **extra,
    }


def live_leases(conn: psycopg.Connection) -> list[tuple[Any, ...]]:
    """(seller, holder, desktop, seconds left) of every live lease."""
    return conn.execute(
        "SELECT seller_id, holder, desktop_id, extract(epoch FROM expires_at - now())::float8"
        " FROM leases WHERE expires_at >= now()"
    ).fetchall()


async def test_a_desktop_killed_holding_leases_keeps_its_sellers_until_the_leases_expire(
    team: Team, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=33, sellers=3, products=8, time_factor=TIME_FACTOR)
    owner = team.owner
    names = add_sellers(owner, sim)
    owner.cycle()
    member = team.join("ulya", TeamRole.USER)
    member.cycle()
    assert owner.session is not None and member.session is not None
    sellers = set(tenant_ids(member.ctx).values())
    assert sellers == set(tenant_ids(owner.ctx).values())

    # The owner's desktop syncs in a process of its own, its catalogue requests held.
    sim.world.faults.add(
        Fault(kind="slow", path_prefix="/content/", count=len(names), delay=SLOW_CATALOGUE)
    )
    process = start_cli(
        "sync",
        "--all",
        env=desktop_env(owner, sim, STOCK_TRACKER_TIME_FACTOR=str(LEASE_FACTOR)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def running() -> None:
        if process.poll() is not None:
            raise AssertionError(f"the sync ended by itself: {process.communicate()[0]}")

    try:
        with team.server() as conn:
            conn.autocommit = True
            held = wait_for(
                "the sync's leases",
                lambda: running() or (len(rows := live_leases(conn)) == len(names) and rows),
            )
            wait_for("every catalogue request held", lambda: not sim.world.faults.pending())
        running()
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=10)
    assert {seller for seller, *_ in held} == sellers
    assert {(holder, desktop) for _, holder, desktop, _ in held} == {
        (owner.session.link.login, owner.session.link.desktop_id)
    }
    assert max(left for *_, left in held) <= DEFAULT_TTL * LEASE_FACTOR  # the time factor's

    # While the dead desktop's leases live, the member's desktop is told who syncs them.
    refused = await sync_in_team(member)
    assert [r.status for r in refused] == [None] * len(names)
    for result in refused:
        assert f"{result.tenant}: already syncing in " in result.refused, result
        assert "(olga)" in result.refused, result
    assert SyncRunRepository(member.ctx.database).history() == []
    with team.server() as conn:
        conn.autocommit = True
        wait_for("the leases' expiry", lambda: not live_leases(conn), timeout=60)

    # Expired, they are taken over: the member syncs every seller.
    synced = await sync_in_team(member)
    assert all(r.outcome is not None and r.outcome.error_message == "" for r in synced), synced
    # The owner's desktop starts again: its runs left running are interrupted.
    assert SyncRunRepository(owner.ctx.database).mark_interrupted() == len(names)
    member.cycle()
    owner.cycle()
    member.cycle()
    with team.server() as conn:
        assert live_leases(conn) == []
        statuses = Counter(conn.execute("SELECT status FROM sync_runs").fetchall())
        assert statuses == {("succeeded",): len(names), ("interrupted",): len(names)}
        assert_shared_equals_local(conn, [owner.ctx, member.ctx])


# ----- two desktops asked to sync the same sellers at once ---------------------------------------

RACE_CATALOGUE = 2.0  # real seconds each seller's first catalogue page takes (deadline: 5 s)


def summary(process: subprocess.Popen[str]) -> dict[str, dict[str, Any]]:
    """A `sync --json` process's summary by tenant, once it ended cleanly."""
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert process.returncode in (0, 1), err  # 1: some sellers were the other desktop's
    return {line["tenant"]: line for line in json.loads(out)}


async def test_two_desktops_asked_to_sync_the_same_sellers_at_once_sync_each_once(
    team: Team, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=34, sellers=20, products=4, time_factor=TIME_FACTOR)
    owner = team.owner
    names = add_sellers(owner, sim)
    owner.cycle()
    member = team.join("ulya", TeamRole.USER)
    member.cycle()
    desktops = {"olga": owner, "ulya": member}
    for desktop in desktops.values():
        # Every seller claimed at once, rather than as places free up.
        SettingsService(desktop.ctx).update(concurrency=len(names))
    for seller in sim.world.sellers:
        assert seller.wb.cards  # built now rather than while both desktops ask for them
    # The syncs take long enough that both desktops are asking while the first ones run.
    sim.world.faults.add(
        Fault(kind="slow", path_prefix="/content/", count=len(names), delay=RACE_CATALOGUE)
    )
    processes = {
        member_name: start_cli(
            "sync",
            "--all",
            "--json",
            env=desktop_env(desktop, sim),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for member_name, desktop in desktops.items()
    }
    summaries = {member_name: summary(process) for member_name, process in processes.items()}

    winners: dict[str, str] = {}
    for tenant in names:
        lines = {member_name: found[tenant] for member_name, found in summaries.items()}
        synced = [m for m, line in lines.items() if line["status"] == "succeeded"]
        assert len(synced) == 1, lines
        winner = winners[tenant] = synced[0]
        [loser] = set(lines) - {winner}
        assert lines[loser]["status"] == "refused", lines
        assert lines[loser]["run_id"] is None, lines
        assert lines[loser]["message"].startswith(f"{tenant}: already syncing in "), lines
        assert f"({winner}) since " in lines[loser]["message"], lines

    owner.cycle()
    member.cycle()
    sellers = tenant_ids(owner.ctx)
    with team.server() as conn:
        runs = conn.execute("SELECT seller_id, desktop_id, status FROM sync_runs").fetchall()
        assert Counter(seller for seller, _, _ in runs) == Counter(sellers.values())
        assert {status for _, _, status in runs} == {"succeeded"}
        desktop_of = {seller: desktop for seller, desktop, _ in runs}
        for tenant, winner in winners.items():
            session = desktops[winner].session
            assert session is not None
            assert desktop_of[sellers[tenant]] == session.link.desktop_id, tenant
        assert_shared_equals_local(conn, [owner.ctx, member.ctx])


# ----- a pulled catalogue is the server's ---------------------------------------------------------


async def test_a_pulled_catalogue_keeps_the_servers_seen_times(
    team: Team, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=35, sellers=1, products=2, time_factor=TIME_FACTOR)
    owner = team.owner
    add_sellers(owner, sim)
    await sync(owner.ctx)
    owner.cycle()
    member = team.join("ulya", TeamRole.USER)
    member.cycle()
    [seller] = tenant_ids(member.ctx).values()
    assert local_levels(member.ctx, seller) == local_levels(owner.ctx, seller)
    pulled = sorted(team_rows.products(member.ctx.database, seller))
    assert pulled == sorted(team_rows.products(owner.ctx.database, seller))
