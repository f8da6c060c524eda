"""The window after the machine slept: the seller whose scheduled run fell due meanwhile syncs
once, right after the resume, and the Sellers tab shows that run.

The sleep is played as in tests/sync/test_sleep_catch_up.py: an event loop whose clock stands
still while "suspended" (as CLOCK_MONOTONIC does), so APScheduler's timer is held up, while the
wall clock moves on. The window, the core, its scheduler and engine and the simulator are the
real ones; Qt's events are pumped from the loop, as qasync does in the app.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QApplication

from stock_tracker_desktop.core import AppCore, SyncEvent, SyncFinished, SyncStarted
from stock_tracker_desktop.domain.runs import RunStatus, Trigger
from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui.main_window import MainWindow
from tests.sync.conftest import TIME_FACTOR, add_wb
from tests.sync.test_scheduler import _past_run
from tests.sync.test_sleep_catch_up import SuspendableLoop, run_on_suspendable_loop

INTERVAL_HOURS = 6
DUE_IN_SECONDS = 1.5  # falls due inside the sleep
SLEEP_SECONDS = 2.2
WAIT_LIMIT = 10.0


async def _pump_qt(app: QApplication) -> None:
    while True:
        app.processEvents()
        await asyncio.sleep(0.01)


def test_a_run_due_during_a_sleep_starts_once_after_it_and_shows(
    ctx: AppContext,
    point_clients_at: Callable[..., RunningSimulator],
    qapp: QApplication,
    qtbot: Any,
) -> None:
    sim = point_clients_at(seed=31, sellers=1, products=12, time_factor=TIME_FACTOR)
    SettingsService(ctx).update(schedule=Schedule(mode="interval", interval_hours=INTERVAL_HOURS))
    add_wb(ctx, sim.world.sellers[0], "Ромашка")
    _past_run(ctx, "Ромашка", RunStatus.SUCCEEDED, INTERVAL_HOURS - DUE_IN_SECONDS / 3600)
    events: list[SyncEvent] = []
    started_at: list[float] = []  # on the loop's clock, which stood still during the sleep

    async def main(loop: SuspendableLoop) -> None:
        finished = asyncio.Event()

        def seen(event: SyncEvent) -> None:
            events.append(event)
            if isinstance(event, SyncStarted):
                started_at.append(loop.time())
            if isinstance(event, SyncFinished):
                finished.set()

        core = AppCore(ctx, monotonic_clock=loop.time)
        core.subscribe(seen)
        await core.start_scheduler()
        window = MainWindow(core, await core.settings())
        qtbot.addWidget(window)
        window.show()
        pump = asyncio.ensure_future(_pump_qt(qapp))
        try:
            await window.reload()
            assert not started_at  # not due yet
            tenant = window.model.tenant(0)
            due = core.next_runs()[tenant.id]
            paused_timer_ends = loop.time() + (due - datetime.now(UTC)).total_seconds()
            await loop.sleep_through(SLEEP_SECONDS)
            resumed = loop.time()
            async with asyncio.timeout(WAIT_LIMIT):
                await finished.wait()
            await asyncio.sleep(0.5)  # a second catch-up would start now
            await window.reload()
        finally:
            window.quitting = True
            await core.aclose()
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        started = [e for e in events if isinstance(e, SyncStarted)]
        assert [(e.tenant, e.trigger) for e in started] == [("Ромашка", Trigger.SCHEDULE)]
        # Right after the resume, before the timer the sleep held up would have started it.
        assert resumed <= started_at[0] < paused_timer_ends
        row = window.model.overview(0)
        assert row.tenant.name == "Ромашка"
        assert row.last_run is not None and row.last_run.trigger is Trigger.SCHEDULE
        assert row.last_run.status is RunStatus.SUCCEEDED

    run_on_suspendable_loop(main)
