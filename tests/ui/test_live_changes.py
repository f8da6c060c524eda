"""Changes that used to need a restart apply with the window open: the concurrency setting, and
rotating the master key."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from stock_tracker_desktop.core import AppCore, SyncEvent, SyncFinished, SyncStarted
from stock_tracker_desktop.domain.runs import RunStatus
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.ui.app import rotate_key
from stock_tracker_desktop.ui.main_window import MainWindow
from tests.sync.conftest import wb_draft
from tests.ui.conftest import TIME_FACTOR, Run, find_top_level, until

SELLERS = 3
SLOW_ORDERS_SECONDS = 2.0  # long enough to see who waits, short enough for a quick test


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    return point_clients_at(seed=7, sellers=SELLERS, products=5, time_factor=TIME_FACTOR)


def test_more_sellers_at_once_applies_to_syncs_already_waiting(
    window: MainWindow, core: AppCore, sim: RunningSimulator, run: Run[Any]
) -> None:
    run(core.update_settings(concurrency=1))
    for index, seller in enumerate(sim.world.sellers):
        run(core.add_tenant(wb_draft(seller, f"Seller {index}")))
    orders = "/api/v1/supplier/orders"
    sim.world.faults.add(
        Fault(kind="slow", path_prefix=orders, count=SELLERS, delay=SLOW_ORDERS_SECONDS)
    )
    events: list[SyncEvent] = []
    core.subscribe(events.append)

    def started() -> int:
        return sum(isinstance(e, SyncStarted) for e in events)

    def finished() -> int:
        return sum(isinstance(e, SyncFinished) for e in events)

    async def scenario() -> None:
        window.sync_all()
        await until(lambda: started() == 1, what="the first sync")
        waited_from = time.monotonic()
        await until(lambda: time.monotonic() - waited_from > 0.3, what="a moment")
        assert started() == 1  # one place: the others wait

        dialog = window.open_settings()
        dialog.concurrency.setValue(SELLERS)
        dialog.save()
        await until(lambda: started() == SELLERS, what="the waiting syncs to start")
        assert finished() == 0  # they started beside the first, not after it
        await until(lambda: finished() == SELLERS, what="every sync to end")

    run(scenario())
    assert all(e.status is RunStatus.SUCCEEDED for e in events if isinstance(e, SyncFinished))
    assert window.settings.concurrency == SELLERS


def test_rotating_the_key_keeps_the_window_open(
    window: MainWindow, core: AppCore, ctx: AppContext, sim: RunningSimulator, run: Run[Any]
) -> None:
    run(core.add_tenant(wb_draft(sim.world.sellers[0], "Acme")))
    run(core.start_scheduler())
    assert all(r.status is RunStatus.SUCCEEDED for r in run(core.sync()))
    key_before = ctx.vault.keys.database_key

    run(rotate_key(core, window))

    assert window.isVisible()
    assert ctx.vault.keys.database_key != key_before
    box = find_top_level(QMessageBox)
    assert box is not None and "rotated" in box.text()
    # The app goes on under the new key: the old history reads, a new sync saves, and the
    # schedules are planned again.
    assert len(run(core.history())) == 1
    assert all(r.status is RunStatus.SUCCEEDED for r in run(core.sync()))
    assert len(run(core.history())) == 2
    assert core.scheduler is not None
    box.close()
