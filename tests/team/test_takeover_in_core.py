"""A seller's schedule runs on its home desktop; when that desktop has been silent past the
takeover time, exactly one other member's desktop runs it, and gives it back once the home is
heard again (docs/team.md, "Sharing out the syncs"), as the core tells its scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.team.names import TeamRole
from tests.support.pg_cluster import PgCluster
from tests.support.tokens import wb_token
from tests.team.desktops import Team, team_of, tenant_ids


@pytest.fixture
def team(pg: PgCluster, team_database: str, tmp_path: Path) -> Iterator[Team]:
    yield from team_of(pg, team_database, tmp_path)


async def test_a_silent_home_desktops_schedule_moves_to_one_other_and_back(team: Team) -> None:
    from stock_tracker_desktop.services.tenants import TenantDraft, TenantService

    owner = team.owner
    TenantService(owner.ctx).add(
        TenantDraft(name="Acme", marketplace=Marketplace.WILDBERRIES, token=wb_token())
    )
    owner.cycle()  # Acme's home is the owner's desktop
    members = [team.join(name, TeamRole.USER) for name in ("anna", "boris")]
    cores = [AppCore(desktop.ctx) for desktop in (owner, *members)]
    try:
        for core in cores:
            await core.team.refresh()
        seller = tenant_ids(owner.ctx)["Acme"]
        assert [core.team.runs_schedule_here(seller) for core in cores] == [True, False, False]

        with team.server() as conn:  # the owner's desktop has not been heard for an hour
            conn.execute(
                "UPDATE stock_tracker.desktops SET last_seen_at = now() - interval '1 hour'"
                " WHERE id = %s",
                (owner.session.link.desktop_id if owner.session else None,),
            )
            conn.commit()
        for core in cores[1:]:
            await core.team.refresh()
        taken = [core.team.runs_schedule_here(seller) for core in cores[1:]]
        assert sorted(taken) == [False, True]  # exactly one member takes it over

        await cores[0].team.refresh()  # the owner's desktop is back: its heartbeat
        for core in cores[1:]:
            await core.team.refresh()
        assert [core.team.runs_schedule_here(seller) for core in cores] == [True, False, False]
    finally:
        for core in cores:
            await core.aclose()
