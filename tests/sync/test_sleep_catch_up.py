"""After a sleep, the runs that fell due meanwhile start once, right away, staggered.

The machine's sleep is played by an event loop whose clock stops while "suspended", as
CLOCK_MONOTONIC does: every ``call_later`` on it, APScheduler's timer included, is held up by the
length of the sleep, while the wall clock (the real one) moves on. The scheduler, the engine and
the simulator are the real ones; the scheduler is told that the loop's clock is its monotonic
clock, as asyncio's is ``time.monotonic`` outside the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncEvent, SyncFinished, SyncStarted
from stock_tracker_desktop.sync.scheduler import CATCH_UP_STAGGER, SyncScheduler
from tests.sync.conftest import TIME_FACTOR, add_wb
from tests.sync.test_scheduler import _past_run

INTERVAL_HOURS = 6
SLEEP_SECONDS = 2.2
# When the two runs fall due, seconds after the test wrote their history: inside the sleep,
# near its end, so that the paused timer would hold them up by seconds after the resume.
DUE_FIRST, DUE_SECOND = 1.5, 1.8
TICKS = 0.7  # a little over two ticks of the watcher (30 s x the time factor 0.01)
WAIT_LIMIT = 8.0


class SuspendableLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock stands still while suspended, and goes on from there after."""

    def __init__(self) -> None:
        super().__init__()
        self._lost = 0.0
        self._suspended_at: float | None = None

    def time(self) -> float:
        now = super().time() if self._suspended_at is None else self._suspended_at
        return now - self._lost

    async def sleep_through(self, seconds: float) -> None:
        """Be "suspended" for ``seconds`` of real time: no timer of this loop fires meanwhile."""
        self._suspended_at = super().time()
        try:
            # A thread's result reaches the loop through its self-pipe, not a timer.
            await asyncio.to_thread(time.sleep, seconds)
        finally:
            self._lost += super().time() - self._suspended_at
            self._suspended_at = None


@dataclass
class Seen:
    """Each start and end, with the loop's clock at the time."""

    loop: SuspendableLoop
    started: list[tuple[str, float]] = field(default_factory=list)
    finished: list[tuple[str, RunStatus]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, event: SyncEvent) -> None:
        if isinstance(event, SyncStarted):
            self.started.append((event.tenant, self.loop.time()))
        elif isinstance(event, SyncFinished):
            self.finished.append((event.tenant, event.status))
        self.changed.set()

    async def until_finished(self, *names: str) -> None:
        async with asyncio.timeout(WAIT_LIMIT):
            while not set(names) <= {name for name, _ in self.finished}:
                self.changed.clear()
                await self.changed.wait()


@contextlib.asynccontextmanager
async def scheduled(
    ctx: AppContext, loop: SuspendableLoop
) -> AsyncIterator[tuple[SyncScheduler, Seen]]:
    """The real engine and scheduler on ``loop``, its clock the scheduler's monotonic one; each
    start and end seen. Shut down (scheduler first) on the way out."""
    engine = SyncEngine(ctx)
    scheduler = SyncScheduler(engine, monotonic_clock=loop.time)
    seen = Seen(loop)
    engine.subscribe(seen)
    try:
        await scheduler.start()
        yield scheduler, seen
    finally:
        await scheduler.shutdown()
        await engine.aclose()


def run_on_suspendable_loop(main: Callable[[SuspendableLoop], Coroutine[Any, Any, None]]) -> None:
    with asyncio.Runner(loop_factory=SuspendableLoop) as runner:
        loop = runner.get_loop()
        assert isinstance(loop, SuspendableLoop)
        runner.run(main(loop))


@pytest.fixture
def tenants(ctx: AppContext, point_clients_at: Callable[..., RunningSimulator]) -> None:
    """Two sellers whose next run falls due within seconds, one synced an hour ago, and one
    whose failures put it under a back-off although its interval would be up within seconds."""
    sim = point_clients_at(seed=31, sellers=4, products=12, time_factor=TIME_FACTOR)
    SettingsService(ctx).update(schedule=Schedule(mode="interval", interval_hours=INTERVAL_HOURS))
    names = ("First", "Second", "Fresh", "Failing")
    for seller, name in zip(sim.world.sellers, names, strict=True):
        add_wb(ctx, seller, name)
    _past_run(ctx, "First", RunStatus.SUCCEEDED, INTERVAL_HOURS - DUE_FIRST / 3600)
    _past_run(ctx, "Second", RunStatus.SUCCEEDED, INTERVAL_HOURS - DUE_SECOND / 3600)
    _past_run(ctx, "Fresh", RunStatus.SUCCEEDED, 1)
    failures = (INTERVAL_HOURS + 0.2, INTERVAL_HOURS + 0.1, INTERVAL_HOURS - DUE_FIRST / 3600)
    for hours_ago in failures:
        _past_run(ctx, "Failing", RunStatus.FAILED, hours_ago)


def _wall_seconds_until(when: datetime | None) -> float:
    assert when is not None
    return (when - datetime.now(UTC)).total_seconds()


@pytest.mark.usefixtures("tenants")
def test_runs_due_during_a_sleep_start_once_right_after_it(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="stock_tracker_desktop.sync.scheduler")
    ids = {t.name: t.id for t in TenantService(ctx).all()}

    async def main(loop: SuspendableLoop) -> None:
        async with scheduled(ctx, loop) as (scheduler, seen):
            # Nothing is due yet: the first run waits on APScheduler's timer, on the loop.
            wait = _wall_seconds_until(scheduler.next_run(ids["First"]))
            assert 0.5 < wait < DUE_FIRST
            assert _wall_seconds_until(scheduler.next_run(ids["Failing"])) > 3600
            paused_timer_ends = loop.time() + wait
            await loop.sleep_through(SLEEP_SECONDS)
            resumed = loop.time()
            await seen.until_finished("First", "Second")
            await asyncio.sleep(TICKS)  # a second catch-up would start in these ticks
            next_first = _wall_seconds_until(scheduler.next_run(ids["First"]))
            next_failing = _wall_seconds_until(scheduler.next_run(ids["Failing"]))
        starts = dict(seen.started)
        assert Counter(name for name, _ in seen.started) == {"First": 1, "Second": 1}
        assert sorted(seen.finished) == [
            ("First", RunStatus.SUCCEEDED),
            ("Second", RunStatus.SUCCEEDED),
        ]
        # Right after the resume, seconds before the paused timer would have let it start.
        assert resumed <= starts["First"] < paused_timer_ends
        # The catch-up stagger still applies: the paused timer would have started both at once.
        assert starts["Second"] - starts["First"] >= CATCH_UP_STAGGER.total_seconds() - 0.1
        # The next run is a whole interval after the catch-up, not another one; the failing
        # seller, whose interval was up during the sleep too, stays on its back-off plan.
        assert next_first > INTERVAL_HOURS * 3600 - 60
        assert next_failing > 3600
        assert sum("was asleep" in r.getMessage() for r in caplog.records) == 1

    run_on_suspendable_loop(main)


@pytest.mark.usefixtures("tenants")
def test_without_a_sleep_nothing_extra_starts(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="stock_tracker_desktop.sync.scheduler")
    ids = {t.name: t.id for t in TenantService(ctx).all()}

    async def main(loop: SuspendableLoop) -> None:
        async with scheduled(ctx, loop) as (scheduler, seen):
            first_due = loop.time() + _wall_seconds_until(scheduler.next_run(ids["First"]))
            second_due = loop.time() + _wall_seconds_until(scheduler.next_run(ids["Second"]))
            await seen.until_finished("First", "Second")
            await asyncio.sleep(TICKS)  # more ticks of the watcher, seeing no sleep
            watcher_ran = any(
                t.get_name() == "sync-scheduler: sleep watcher" for t in asyncio.all_tasks()
            )
        watcher_left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        starts = dict(seen.started)
        assert Counter(name for name, _ in seen.started) == {"First": 1, "Second": 1}
        # Each at its own time, on APScheduler's timer: not before, and not staggered.
        assert first_due - 0.05 <= starts["First"] < first_due + 0.5
        assert second_due - 0.05 <= starts["Second"] < second_due + 0.5
        assert not [r for r in caplog.records if "was asleep" in r.getMessage()]
        # The watcher ran with the scheduler and nothing of it is left after the shutdown.
        assert watcher_ran
        assert watcher_left == []

    run_on_suspendable_loop(main)
