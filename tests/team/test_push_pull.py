"""A sync on one desktop reaches the others through the real server: the shared rows equal the
local truth, members who sync get the secrets, a viewer gets the figures only and the server
refuses its writes (docs/team.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop.domain.runs import Trigger
from stock_tracker_desktop.services.tenants import TenantChanges, TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage import outbox
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.team import membership
from stock_tracker_desktop.team.names import TeamRole
from tests.support.pg_cluster import PgCluster
from tests.sync.conftest import add_ozon, add_wb
from tests.team.desktops import (
    PASSPHRASE,
    Team,
    direct,
    local_levels,
    run_ids,
    server_levels,
    team_of,
    tenant_ids,
)


@pytest.fixture
def team(pg: PgCluster, team_database: str, tmp_path: Path) -> Iterator[Team]:
    yield from team_of(pg, team_database, tmp_path)


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    return point_clients_at(seed=5, sellers=2, products=25, time_factor=0.01)


async def sync_all(team_desktop_ctx: object) -> None:
    engine = SyncEngine(team_desktop_ctx)  # type: ignore[arg-type]
    try:
        results = await engine.sync(trigger=Trigger.CLI)
    finally:
        await engine.aclose()
    assert all(r.outcome is not None and r.outcome.error_message == "" for r in results)


async def test_a_sync_on_one_desktop_appears_on_the_others(
    team: Team, sim: RunningSimulator
) -> None:
    owner = team.owner
    add_wb(owner.ctx, sim.world.sellers[0], "WB One")
    add_ozon(owner.ctx, sim.world.sellers[1], "Ozon Two")
    await sync_all(owner.ctx)
    user, viewer = team.join("ulya", TeamRole.USER), team.join("vera", TeamRole.VIEWER)

    pushed = owner.cycle().pushed
    assert pushed.refused == 0
    assert outbox.backlog(owner.ctx.database).pending == 0
    sellers = tenant_ids(owner.ctx)
    with team.server() as conn:
        for seller in sellers.values():
            assert server_levels(conn, seller) == local_levels(owner.ctx, seller)
        shared_runs = {row[0] for row in conn.execute("SELECT id FROM sync_runs").fetchall()}
    assert shared_runs == run_ids(owner.ctx)

    user.cycle()
    viewer.cycle()
    for member in (user, viewer):
        assert tenant_ids(member.ctx) == sellers
        assert run_ids(member.ctx) == shared_runs
        for seller in sellers.values():
            assert local_levels(member.ctx, seller) == local_levels(owner.ctx, seller)
    owner_tenants = TenantService(owner.ctx)
    assert TenantService(user.ctx).credentials("WB One") == owner_tenants.credentials("WB One")
    assert TenantService(viewer.ctx).credentials("WB One") == {}


async def test_an_admins_edit_reaches_every_desktop_and_a_viewers_is_refused_by_the_server(
    team: Team, sim: RunningSimulator
) -> None:
    owner = team.owner
    add_wb(owner.ctx, sim.world.sellers[0], "WB One")
    owner.cycle()
    viewer = team.join("vera", TeamRole.VIEWER)
    viewer.cycle()

    TenantService(owner.ctx).edit("WB One", TenantChanges(notes="call on Mondays"))
    owner.cycle()
    viewer.cycle()
    assert TenantService(viewer.ctx).get("WB One").notes == "call on Mondays"

    TenantService(viewer.ctx).edit("WB One", TenantChanges(notes="mine now"))
    report = viewer.cycle()
    assert report.pushed.refused == 1
    backlog = outbox.backlog(viewer.ctx.database)
    assert (backlog.pending, backlog.failed) == (0, 1)
    failed = outbox.failed(viewer.ctx.database)
    assert "needs the admin role" in failed[0].error
    with team.server() as conn:
        assert conn.execute("SELECT notes FROM sellers").fetchall() == [("call on Mondays",)]


async def test_a_seller_deleted_or_archived_by_an_admin_goes_from_every_desktop(
    team: Team, sim: RunningSimulator
) -> None:
    owner = team.owner
    add_wb(owner.ctx, sim.world.sellers[0], "WB One")
    add_ozon(owner.ctx, sim.world.sellers[1], "Ozon Two")
    await sync_all(owner.ctx)
    owner.cycle()
    user = team.join("ulya", TeamRole.USER)
    user.cycle()
    assert set(tenant_ids(user.ctx)) == {"WB One", "Ozon Two"}
    gone = tenant_ids(owner.ctx)["Ozon Two"]

    TenantService(owner.ctx).set_archived("WB One", True)
    TenantService(owner.ctx).remove("Ozon Two")
    owner.cycle()
    user.cycle()
    assert set(tenant_ids(user.ctx)) == {"WB One"}
    assert TenantService(user.ctx).get("WB One").archived_at is not None
    with team.server() as conn:
        tombstone = conn.execute(
            "SELECT deleted_at IS NOT NULL FROM sellers WHERE id = %s", (gone,)
        ).fetchone()
        figures = conn.execute("SELECT count(*) FROM stock WHERE seller_id = %s", (gone,))
        assert tombstone == (True,)  # kept, so that every desktop learns of the deletion
        assert figures.fetchone() == (0,)


async def test_a_team_seller_whose_name_a_member_has_already_is_left_out_and_said(
    team: Team, sim: RunningSimulator
) -> None:
    owner = team.owner
    add_wb(owner.ctx, sim.world.sellers[0], "WB One")
    owner.cycle()
    admin = team.desktop("adam")
    add_wb(admin.ctx, sim.world.sellers[1], "wb one")  # the same name to a person
    assert team.owner.session is not None
    invitation = team.folder / "adam.invitation"
    membership.invite(team.owner.session, "adam", TeamRole.ADMIN, invitation, PASSPHRASE)
    admin.session, _ = membership.join(
        direct, admin.ctx.database, admin.ctx.vault, admin.ctx.home, invitation, PASSPHRASE
    )
    report = admin.cycle()
    assert report.pulled.problems == [
        "WB One: a seller of this desktop has the team seller's name; rename one of them"
    ]
    assert report.pushed.refused == 1  # its own one: the team has a seller of that name
    [refusal] = outbox.failed(admin.ctx.database)
    assert refusal.error == "the team has another seller of this name: rename one of them"
    assert set(tenant_ids(admin.ctx)) == {"wb one"}  # both stay where they were
    with team.server() as conn:
        assert conn.execute("SELECT name FROM sellers").fetchall() == [("WB One",)]
