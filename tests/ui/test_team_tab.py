"""The Team tab of the settings and the team's word in the status bar, on real PostgreSQL: a
solo desktop offers to join or set up a team; joining with a real invitation shows the team and
brings its sellers, and leaving keeps them; a wrong passphrase joins nothing; an owner may invite
and revoke, a user may not; the status bar says when the server is away; the Russian window
speaks Russian there."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtWidgets import QMessageBox

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.team import membership
from stock_tracker_desktop.team.names import TeamRole
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.settings_dialog import SettingsDialog
from stock_tracker_desktop.ui.team_tab import (
    ActionDialog,
    InviteDialog,
    JoinDialog,
    SetupDialog,
    TeamTab,
)
from tests.support.pg_cluster import PgCluster
from tests.sync.conftest import add_wb
from tests.team.desktops import PASSPHRASE, Team, team_of
from tests.ui.conftest import Run, until
from tests.ui.test_russian_everywhere import _english

D = TypeVar("D", bound=ActionDialog)
JOINING = 30  # seconds: scrypt, the server, the first full pull


@pytest.fixture
def team(pg: PgCluster, team_database: str, tmp_path: Path) -> Iterator[Team]:
    """The owner's desktop (olga) of the team "Agency", built without a window."""
    yield from team_of(pg, team_database, tmp_path / "team")


def invitation_for(team: Team, name: str, role: TeamRole, folder: Path) -> Path:
    assert team.owner.session is not None
    path = folder / f"{name}.invitation"
    membership.invite(team.owner.session, name, role, path, PASSPHRASE)
    return path


async def open_team_tab(window: MainWindow) -> TeamTab:
    dialog = window.open_settings()
    tab = dialog.team_tab
    loaded: list[bool] = []
    tab.loaded.connect(lambda: loaded.append(True))
    dialog.tabs.setCurrentWidget(tab)  # the tab reads the desktop's standing when first shown
    await until(lambda: loaded, what="the team tab")
    return tab


async def open_dialog(tab: TeamTab, button: Any, kind: type[D]) -> D:
    tab.dialog = None
    button.click()
    await until(lambda: tab.dialog is not None and tab.dialog.isVisible(), what="the dialog")
    assert isinstance(tab.dialog, kind)
    return tab.dialog


async def join_through_the_tab(tab: TeamTab, invitation: Path, passphrase: str) -> JoinDialog:
    dialog = await open_dialog(tab, tab.join_button, JoinDialog)
    dialog.path.setText(str(invitation))
    dialog.passphrase.setText(passphrase)
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    return dialog


def member_names(tab: TeamTab) -> set[str]:
    return {member.name for member in tab.members}


def test_a_solo_desktop_offers_to_join_or_to_set_a_team_up(
    window: MainWindow, run: Run[Any]
) -> None:
    async def scenario() -> None:
        tab = await open_team_tab(window)
        assert tab.pages.currentWidget() is tab.solo_page
        assert tab.join_button.isVisible() and tab.join_button.text() == "Join with an invitation…"
        assert tab.setup_button.isVisible() and tab.setup_button.text() == "Set up a team…"
        setup = await open_dialog(tab, tab.setup_button, SetupDialog)
        assert setup.dsn.echoMode() == setup.dsn.EchoMode.Password  # a password may be in it
        assert not setup.ok_button.isEnabled()
        setup.reject()
        await window.show_team()
        assert window.team_label.isHidden()  # nothing of a team on a solo desktop

    run(scenario())


def test_joining_with_an_invitation_shows_the_team_and_brings_its_sellers(
    team: Team,
    window: MainWindow,
    sim: RunningSimulator,
    run: Run[Any],
    tmp_path: Path,
) -> None:
    add_wb(team.owner.ctx, sim.world.sellers[0], "WB One")
    team.owner.cycle()  # the seller is on the server
    invitation = invitation_for(team, "ulya", TeamRole.USER, tmp_path)

    async def scenario() -> None:
        tab = await open_team_tab(window)
        dialog = await join_through_the_tab(tab, invitation, PASSPHRASE)
        await until(tab.team_page.isVisible, JOINING, "the team")
        assert not dialog.isVisible()
        assert tab.team_name.text() == "Agency"
        assert tab.role.text() == "User"
        assert tab.login.text().endswith("_m_ulya")
        assert tab.server.text().endswith(f"/{team.database}")
        assert "Joined the team Agency" in tab.notice.text()
        # A user neither invites nor revokes.
        assert not tab.invite_button.isVisibleTo(tab) and not tab.revoke_button.isVisibleTo(tab)
        await until(lambda: member_names(tab) == {"olga", "ulya"}, what="the members")
        # The first cycle brought the team's seller to the Sellers tab.
        await until(lambda: "WB One" in [t.name for t in window.model.tenants()], JOINING)
        await until(lambda: window.team_label.text() == "Team: up to date", what="status bar")
        assert window.team_label.isVisible()

        tab.leave_button.click()
        await until(lambda: tab.confirm_box is not None and tab.confirm_box.isVisible())
        box = tab.confirm_box
        assert box is not None
        assert "stay on this desktop" in box.informativeText()
        box.button(QMessageBox.StandardButton.Yes).click()
        await until(tab.solo_page.isVisible, JOINING, "the desktop solo again")
        assert "left the team" in tab.notice.text()
        await until(window.team_label.isHidden, what="the status bar without the team")
        assert "WB One" in [t.name for t in window.model.tenants()]  # the sellers stay

    run(scenario(), timeout=90)


def test_a_wrong_passphrase_says_so_and_joins_nothing(
    team: Team, window: MainWindow, core: AppCore, run: Run[Any], tmp_path: Path
) -> None:
    invitation = invitation_for(team, "ulya", TeamRole.USER, tmp_path)

    async def scenario() -> None:
        tab = await open_team_tab(window)
        dialog = await join_through_the_tab(tab, invitation, "not the passphrase")
        await until(dialog.problem.isVisible, JOINING, "the refusal")
        assert "passphrase does not open" in dialog.problem.text()
        assert dialog.isVisible()  # to type the passphrase again
        assert dialog.ok_button.isEnabled()
        assert await core.team.status() is None
        assert tab.pages.currentWidget() is tab.solo_page
        dialog.reject()

    run(scenario(), timeout=60)


def test_an_owner_sets_the_team_up_invites_and_revokes(
    pg: PgCluster,
    team_database: str,
    window: MainWindow,
    run: Run[Any],
    tmp_path: Path,
) -> None:
    invitation = tmp_path / "ivan.invitation"

    async def scenario() -> None:
        tab = await open_team_tab(window)
        setup = await open_dialog(tab, tab.setup_button, SetupDialog)
        setup.dsn.setText(pg.dsn(team_database))
        setup.owner.setText("olga")
        setup.team_name.setText("Agency")
        setup.ok_button.click()
        await until(tab.team_page.isVisible, JOINING, "the team")
        assert tab.role.text() == "Owner"
        assert "The team is set up" in tab.notice.text()
        assert tab.invite_button.isVisible() and tab.revoke_button.isVisible()
        await until(lambda: member_names(tab) == {"olga"}, what="the members")
        tab.members_table.selectRow(0)
        assert not tab.revoke_button.isEnabled()  # not oneself

        invite = await open_dialog(tab, tab.invite_button, InviteDialog)
        invite.name.setText("ivan")
        invite.path.setText(str(invitation))
        invite.role.setCurrentIndex(invite.role.findData("admin"))
        invite.passphrase.setText("short")
        assert "at least 8 characters" in invite.problem.text()
        invite.passphrase.setText(PASSPHRASE)
        invite.repeat.setText(PASSPHRASE + "!")
        assert invite.problem.text() == "The two passphrases differ."
        assert not invite.ok_button.isEnabled()
        invite.repeat.setText(PASSPHRASE)
        assert invite.ok_button.isEnabled()
        invite.ok_button.click()
        await until(lambda: "for ivan (Admin)" in tab.notice.text(), JOINING, "the invitation")
        assert invitation.exists()
        await until(lambda: member_names(tab) == {"olga", "ivan"}, what="ivan listed")

        tab.members_table.selectRow(next(i for i, m in enumerate(tab.members) if m.name == "ivan"))
        assert tab.revoke_button.isEnabled()
        tab.revoke_button.click()
        await until(lambda: tab.confirm_box is not None and tab.confirm_box.isVisible())
        box = tab.confirm_box
        assert box is not None
        assert "team key is rotated" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
        await until(lambda: "team key is now version 2" in tab.notice.text(), JOINING)
        await until(lambda: member_names(tab) == {"olga"}, what="ivan gone")

    run(scenario(), timeout=90)


def test_the_status_bar_says_when_the_server_is_away(
    pg: PgCluster,
    team: Team,
    window: MainWindow,
    core: AppCore,
    sim: RunningSimulator,  # the team's cycle runs at the simulator's pace
    run: Run[Any],
    tmp_path: Path,
) -> None:
    invitation = invitation_for(team, "ulya", TeamRole.USER, tmp_path)

    async def scenario() -> None:
        await core.team.join(invitation, PASSPHRASE)
        assert await core.team.start()
        await until(lambda: window.team_label.text() == "Team: up to date", what="status bar")
        await asyncio.to_thread(pg.stop, "immediate")
        try:
            core.team.nudge()
            await until(
                lambda: window.team_label.text().startswith("Team server away since "),
                JOINING,
                "the server away",
            )
            tab = await open_team_tab(window)
            assert tab.away.isVisible() and tab.away.text().startswith("since ")
            await until(tab.members_problem.isVisible, JOINING, "members refused")
            assert "does not answer" in tab.members_problem.text()
        finally:
            await asyncio.to_thread(pg.start)  # the database is dropped after the test

    run(scenario(), timeout=90)


@pytest.mark.parametrize("language", ["ru"], indirect=True)
def test_the_russian_tab_speaks_russian(
    language: str, window: MainWindow, core: AppCore, run: Run[Any]
) -> None:
    seen: list[str] = []

    async def scenario() -> None:
        tab = await open_team_tab(window)
        assert tab.join_button.text() == "Присоединиться по приглашению…"
        dialog = window.settings_dialog
        assert isinstance(dialog, SettingsDialog)
        seen.extend(_english(dialog, set()))
        for kind in (JoinDialog, SetupDialog, InviteDialog):
            asking = kind(core, dialog)
            asking.show()
            seen.extend(_english(asking, set()))
            asking.close()

    run(scenario())
    assert seen == [], "\n".join(seen)


@pytest.mark.parametrize("language", ["ru"], indirect=True)
def test_the_russian_tab_in_a_team_speaks_russian(
    language: str,
    team: Team,
    window: MainWindow,
    core: AppCore,
    run: Run[Any],
    tmp_path: Path,
) -> None:
    invitation = invitation_for(team, "ulya", TeamRole.USER, tmp_path)
    seen: list[str] = []

    async def scenario() -> None:
        await core.team.join(invitation, PASSPHRASE)
        tab = await open_team_tab(window)
        await until(lambda: member_names(tab) == {"olga", "ulya"}, what="the members")
        assert tab.role.text() == "Пользователь"
        dialog = window.settings_dialog
        seen.extend(_english(dialog, {"Agency"}))
        await window.show_team()
        assert window.team_label.text() == "Команда: всё актуально"

    run(scenario(), timeout=60)
    assert seen == [], "\n".join(seen)
