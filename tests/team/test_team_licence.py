"""The agency's licence travels in the team invitation: a member's desktop activates on it when
it joins, as one more machine of the licence, and a licence with no machine left refuses the
join before anything of the team is stored (docs/licensing.md, "Team mode")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop.config import LICENSE_KEY_ENV
from stock_tracker_desktop.core import AppCore, TeamError
from stock_tracker_desktop.licensing import fingerprint
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.team.invitation import read_invitation
from stock_tracker_desktop.team.names import TeamRole
from tests.support.pg_cluster import PgCluster
from tests.team.desktops import PASSPHRASE, Team, team_of


@pytest.fixture
def team(pg: PgCluster, team_database: str, tmp_path: Path) -> Iterator[Team]:
    yield from team_of(pg, team_database, tmp_path)


@pytest.fixture
def cores(team: Team) -> Iterator[list[AppCore]]:
    made: list[AppCore] = []
    yield made
    for core in made:
        core.db.close()


async def test_a_member_joins_on_the_agencys_licence(
    team: Team,
    cores: list[AppCore],
    licensing_service: RunningSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    licence = licensing_service.world.keygen.add_licence(plan="agency", max_machines=5)
    owner = AppCore(team.owner.ctx)
    cores.append(owner)
    await owner.licence.activate(licence.key)
    invitation = team.folder / "anna.invitation"
    await owner.team.invite("anna", TeamRole.USER, invitation, PASSPHRASE)
    assert read_invitation(invitation, PASSPHRASE).licence_key == licence.key

    monkeypatch.delenv(LICENSE_KEY_ENV)  # the member's desktop has no licence of its own
    member = AppCore(team.desktop("anna").ctx)
    cores.append(member)
    await member.team.join(invitation, PASSPHRASE)
    assert await member.licence.key() == licence.key
    usage = await member.licence.usage()
    assert usage.standing.plan.code == "agency" and usage.standing.name == licence.name


async def test_a_licence_with_no_machine_left_refuses_the_join(
    team: Team,
    cores: list[AppCore],
    licensing_service: RunningSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keygen = licensing_service.world.keygen
    licence = keygen.add_licence(plan="agency", max_machines=1)
    owner = AppCore(team.owner.ctx)
    cores.append(owner)
    await owner.licence.activate(licence.key)
    invitation = team.folder / "boris.invitation"
    await owner.team.invite("boris", TeamRole.USER, invitation, PASSPHRASE)

    monkeypatch.delenv(LICENSE_KEY_ENV)
    # Boris's desktop is another computer: the operating system gives it another machine id.
    monkeypatch.setattr(fingerprint, "platform_machine_id", lambda: "boris-laptop")
    member = AppCore(team.desktop("boris").ctx)
    cores.append(member)
    with pytest.raises(TeamError) as refused:
        await member.team.join(invitation, PASSPHRASE)
    message = str(refused.value)
    assert "license deactivate" in message and licence.key not in message
    assert await member.team.status() is None  # nothing of the team was stored
    assert await member.licence.key() == "" and len(keygen.machines(licence.key)) == 1
