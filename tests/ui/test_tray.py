"""The tray where the desktop has one: state, menu, notifications, closing keeps syncing."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QAction

from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.tray import Tray
from tests.sync.conftest import wb_draft
from tests.ui.conftest import Run, until

with_tray = pytest.mark.parametrize("window", [True], ids=["tray"], indirect=True)


def _action(tray: Tray, text: str) -> QAction:
    return next(a for a in tray.menu.actions() if a.text().startswith(text))


@with_tray
def test_tray_shows_state_and_notifies_failures(
    window: MainWindow, sim: RunningSimulator, run: Run[Any]
) -> None:
    tray = window.tray
    assert tray is not None
    seller = sim.world.sellers[0]
    run(window.core.add_tenant(wb_draft(seller, "Good")))
    expired = sim.world.mint_wb_token(seller, expired=True)
    run(window.core.add_tenant(wb_draft(sim.world.sellers[1], "Expired", expired)))
    assert tray.icon.toolTip() == "Stock Tracker: Idle"
    assert _action(tray, "Next sync:").text() != "Next sync: "

    async def scenario() -> None:
        await window.reload()
        _action(tray, "Sync all now").trigger()
        # The tooltip follows the engine's "started" event, which comes once a run is recorded.
        syncing = "Stock Tracker: Syncing"
        await until(lambda: tray.icon.toolTip().startswith(syncing), what="the syncing tooltip")
        await until(lambda: not window.core.running and not tray.syncing, what="syncs to end")

    run(scenario())
    assert tray.failures == {"Expired"}
    assert tray.icon.toolTip() == "Stock Tracker: Last sync failed: Expired"
    assert _action(tray, "Last result:").text().startswith("Last result: ")
    failed = [text for title, text in tray.notifications if title == "Sync failed"]
    assert len(failed) == 1
    assert failed[0].startswith("Expired: ") and "expired" in failed[0]


@with_tray
def test_closing_keeps_running_in_the_tray_until_quit_from_its_menu(window: MainWindow) -> None:
    tray = window.tray
    assert tray is not None
    quits: list[bool] = []
    window.quit_requested.connect(lambda: quits.append(True))
    window.close()
    assert not window.isVisible() and not quits  # hidden, not quit, and nothing asked
    assert [title for title, _ in tray.notifications] == ["Stock Tracker keeps running"]
    window.close()  # told once only
    assert len(tray.notifications) == 1

    _action(tray, "Open window").trigger()
    assert window.isVisible()
    _action(tray, "Quit").trigger()
    assert quits == [True]
