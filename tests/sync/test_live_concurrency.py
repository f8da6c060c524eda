"""The concurrency setting applies at once: more places let waiting sellers in, fewer make new
ones wait until the running ones are under the new limit. The limiter itself: first come, first
served, and a cancelled waiter never keeps or loses a place."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus, Trigger
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncEvent, SyncFinished, SyncProgress, SyncStarted
from stock_tracker_desktop.sync.places import Places
from stock_tracker_desktop.sync.scheduler import SyncScheduler
from tests.sync.conftest import TIME_FACTOR, add_wb

WB_PRODUCTS = "/content/"
LONG_PRODUCTS = 2.5  # real seconds the long seller's catalogue answer takes
SETTLE = 0.3  # long enough for a seller let in to have started
WAIT_LIMIT = 8.0


class Seen:
    """Which sellers started and finished, in order, and whether they read their catalogue."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: dict[str, RunStatus | None] = {}
        self.read_products: set[str] = set()
        self._changed = asyncio.Event()

    def __call__(self, event: SyncEvent) -> None:
        if isinstance(event, SyncStarted):
            self.started.append(event.tenant)
        elif isinstance(event, SyncFinished):
            self.finished[event.tenant] = event.status
        elif isinstance(event, SyncProgress) and event.stage == "products":
            self.read_products.add(event.tenant)
        self._changed.set()

    def holds_its_place(self, name: str) -> bool:
        """Started and not past its catalogue yet. A seller's place is free again only once it
        read everything, while its SyncFinished comes after saving: a seller let in by that
        free place may start before it, so "not finished" would prove nothing."""
        return name in self.started and name not in self.read_products

    async def until(self, done: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT_LIMIT):
            while not done():
                self._changed.clear()
                await self._changed.wait()


def _queued(engine: SyncEngine, seen: Seen) -> set[str]:
    """Sellers asked to sync that have no place yet."""
    return {r.tenant for r in engine.running} - set(seen.started)


def _sellers(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator], names: tuple[str, ...]
) -> None:
    """WB sellers named ``names``; the first one's catalogue takes LONG_PRODUCTS to come."""
    sim = point_clients_at(seed=41, sellers=len(names), products=12, time_factor=TIME_FACTOR)
    SettingsService(ctx).update(schedule=Schedule.off())
    for seller, name in zip(sim.world.sellers, names, strict=True):
        add_wb(ctx, seller, name)
    long = sim.world.sellers[0]
    sim.world.faults.add(
        Fault(kind="slow", path_prefix=WB_PRODUCTS, seller_id=long.seller_id, delay=LONG_PRODUCTS)
    )


async def test_more_places_let_waiting_sellers_in_and_fewer_hold_new_ones_back(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    _sellers(ctx, point_clients_at, ("Long", "Second", "Third", "Fourth"))
    tenants = {t.name: t for t in TenantService(ctx).all()}
    engine = SyncEngine(ctx, concurrency=1)
    seen = Seen()
    engine.subscribe(seen)
    try:
        tasks = [engine.start(tenants["Long"], Trigger.MANUAL)]
        await seen.until(lambda: "Long" in seen.started)
        tasks += [engine.start(tenants[n], Trigger.MANUAL) for n in ("Second", "Third", "Fourth")]
        await asyncio.sleep(SETTLE)
        assert seen.started == ["Long"]
        assert seen.holds_its_place("Long")
        assert _queued(engine, seen) == {"Second", "Third", "Fourth"}

        engine.set_concurrency(3)  # while they wait: two of them come in at once
        await seen.until(lambda: len(seen.started) == 3)
        assert seen.started == ["Long", "Second", "Third"]  # in the order they asked
        assert seen.holds_its_place("Long")  # three at once

        engine.set_concurrency(1)  # the three go on; Fourth waits until none of them runs
        await seen.until(lambda: {"Second", "Third"} <= seen.finished.keys())
        assert seen.holds_its_place("Long")
        assert "Fourth" not in seen.started  # two places came free, none for a newcomer
        assert _queued(engine, seen) == {"Fourth"}

        results = await asyncio.wait_for(asyncio.gather(*tasks), WAIT_LIMIT)
    finally:
        await engine.aclose()
    assert seen.started == ["Long", "Second", "Third", "Fourth"]
    assert [r.status for r in results] == [RunStatus.SUCCEEDED] * 4


async def test_a_changed_setting_applies_at_the_next_replan(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    # What the window does after the settings dialog and the daemon after an edit elsewhere.
    _sellers(ctx, point_clients_at, ("Long", "Next"))
    SettingsService(ctx).update(concurrency=1)
    tenants = {t.name: t for t in TenantService(ctx).all()}
    engine = SyncEngine(ctx)
    scheduler = SyncScheduler(engine)
    seen = Seen()
    engine.subscribe(seen)
    try:
        await scheduler.start()
        long = engine.start(tenants["Long"], Trigger.MANUAL)
        await seen.until(lambda: "Long" in seen.started)
        following = engine.start(tenants["Next"], Trigger.MANUAL)
        await asyncio.sleep(SETTLE)
        assert seen.started == ["Long"]

        await engine.in_db(engine.settings.update, concurrency=2)
        await scheduler.reload()
        await seen.until(lambda: "Next" in seen.started)
        assert seen.holds_its_place("Long")  # both at once, without a restart
        results = await asyncio.wait_for(asyncio.gather(long, following), WAIT_LIMIT)
    finally:
        await scheduler.shutdown()
        await engine.aclose()
    assert [r.status for r in results] == [RunStatus.SUCCEEDED] * 2


# ----- the limiter alone ----------------------------------------------------------------------


async def _holder(places: Places, name: str, order: list[str], leave: asyncio.Event) -> None:
    async with places:
        order.append(name)
        await leave.wait()


async def test_places_are_given_first_come_first_served() -> None:
    places = Places(1)
    order: list[str] = []
    leave = {name: asyncio.Event() for name in "abcd"}
    tasks = [asyncio.create_task(_holder(places, n, order, leave[n])) for n in "abcd"]
    await asyncio.sleep(0)
    assert (order, places.held, places.waiting) == (["a"], 1, 3)
    places.resize(2)
    await asyncio.sleep(0)
    assert order == ["a", "b"]
    places.resize(1)
    leave["a"].set()
    await asyncio.sleep(0)
    assert (order, places.held) == (["a", "b"], 1)  # b still runs: no room for c
    leave["b"].set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert order == ["a", "b", "c"]
    leave["c"].set()
    leave["d"].set()
    await asyncio.gather(*tasks)
    assert (order, places.held, places.waiting) == (["a", "b", "c", "d"], 0, 0)


async def test_a_cancelled_waiter_neither_keeps_nor_loses_a_place() -> None:
    places = Places(1)
    await places.acquire()
    queued = asyncio.create_task(places.acquire())
    behind = asyncio.create_task(places.acquire())
    await asyncio.sleep(0)
    queued.cancel()  # cancelled while waiting: it leaves the queue
    await asyncio.gather(queued, return_exceptions=True)
    assert places.waiting == 1
    places.release()  # the place goes to the one behind it
    await behind
    assert places.held == 1
    # Admitted and cancelled in the same turn of the loop: the place is passed on, not lost.
    admitted = asyncio.create_task(places.acquire())
    last = asyncio.create_task(places.acquire())
    await asyncio.sleep(0)
    places.release()
    admitted.cancel()
    await asyncio.gather(admitted, return_exceptions=True)
    assert admitted.cancelled()
    await asyncio.wait_for(last, 1)
    assert (places.held, places.waiting) == (1, 0)


def test_places_refuse_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="at least one place"):
        Places(0)
    places = Places(2)
    with pytest.raises(ValueError, match="at least one place"):
        places.resize(0)
    with pytest.raises(RuntimeError):
        places.release()
