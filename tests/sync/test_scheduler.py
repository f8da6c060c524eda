"""Schedules: triggers in the user's zone, one catch-up per tenant, back-off after failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantChanges, TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.ids import new_id
from stock_tracker_desktop.storage.sync_runs import (
    RunOutcome,
    RunStatus,
    SyncRunRepository,
    Trigger,
)
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncEvent, SyncFinished
from stock_tracker_desktop.sync.scheduler import SyncScheduler, backoff_delay, build_trigger
from tests.sync.conftest import add_wb

MOSCOW = ZoneInfo("Europe/Moscow")


def test_daily_times_fire_in_the_schedules_zone() -> None:
    trigger = build_trigger(
        Schedule(mode="daily", times=("18:00", "06:00"), timezone="Europe/Moscow")
    )
    assert trigger is not None
    start = datetime(2026, 11, 27, 7, 0, tzinfo=MOSCOW)
    first = trigger.get_next_fire_time(None, start)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert (first.hour, second.hour, second.day) == (18, 6, 28)
    assert build_trigger(Schedule.off()) is None


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff_delay(n) for n in (0, 1, 2, 3)] == [
        timedelta(0),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    assert backoff_delay(20) == timedelta(days=1)


def _past_run(ctx: AppContext, name: str, status: RunStatus, hours_ago: float) -> None:
    """A run as an earlier session of the app would have left it."""
    runs = SyncRunRepository(ctx.database)
    tenant = TenantService(ctx).get(name)
    run_id = new_id()
    runs.start(tenant.id, name, Trigger.SCHEDULE, run_id)
    runs.finish(
        run_id, RunOutcome(status=status, error_message="x" if status is RunStatus.FAILED else "")
    )
    when = datetime.now(UTC) - timedelta(hours=hours_ago)
    with ctx.database.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE sync_runs SET started_at = ?, finished_at = ? WHERE id = ?",
            (
                when.isoformat(timespec="microseconds"),
                when.isoformat(timespec="microseconds"),
                run_id.hex,
            ),
        )


async def test_jobs_catch_up_once_and_respect_overrides(
    ctx: AppContext, sim: RunningSimulator
) -> None:
    SettingsService(ctx).update(schedule=Schedule(mode="interval", interval_hours=6))
    sellers = sim.world.sellers
    add_wb(ctx, sellers[0], "Missed")  # last run 30 h ago: missed several fires
    add_wb(ctx, sellers[1], "Fresh")  # ran 1 h ago: next in about 5 h
    add_wb(ctx, sellers[2], "Opted out")
    TenantService(ctx).edit("Opted out", TenantChanges(overrides={"schedule": "off"}))
    _past_run(ctx, "Missed", RunStatus.SUCCEEDED, 30)
    _past_run(ctx, "Fresh", RunStatus.SUCCEEDED, 1)
    engine = SyncEngine(ctx)
    scheduler = SyncScheduler(engine)
    finished: list[SyncEvent] = []
    done = asyncio.Event()

    def on_event(event: SyncEvent) -> None:
        if isinstance(event, SyncFinished):
            finished.append(event)
            done.set()

    engine.subscribe(on_event)
    try:
        await scheduler.start()
        now = datetime.now(UTC)
        service = TenantService(ctx)
        missed = scheduler.next_run(service.get("Missed").id)
        fresh = scheduler.next_run(service.get("Fresh").id)
        assert scheduler.next_run(service.get("Opted out").id) is None
        assert missed is not None and missed - now < timedelta(seconds=5)
        assert fresh is not None and timedelta(hours=4.9) < fresh - now < timedelta(hours=5.1)
        await asyncio.wait_for(done.wait(), timeout=30)
        await asyncio.sleep(0.3)  # a second catch-up, if any, would have started by now
        after_catch_up = scheduler.next_run(service.get("Missed").id)
    finally:
        await scheduler.shutdown()
        await engine.aclose()
    assert [(e.tenant, e.status) for e in finished] == [("Missed", RunStatus.SUCCEEDED)]
    newest = SyncRunRepository(ctx.database).history(limit=1)[0]
    assert newest.trigger is Trigger.SCHEDULE
    # after the catch-up, the next run is a whole interval away, not another catch-up
    assert after_catch_up is not None
    assert after_catch_up - datetime.now(UTC) > timedelta(hours=5.9)


async def test_a_failing_tenant_is_backed_off(ctx: AppContext, sim: RunningSimulator) -> None:
    SettingsService(ctx).update(schedule=Schedule(mode="interval", interval_hours=0.25))
    add_wb(ctx, sim.world.sellers[0], "Broken")
    for hours in (3, 2, 1.5):
        _past_run(ctx, "Broken", RunStatus.FAILED, hours)
    engine = SyncEngine(ctx)
    scheduler = SyncScheduler(engine)
    try:
        await scheduler.start()
        next_run = scheduler.next_run(TenantService(ctx).get("Broken").id)
    finally:
        await scheduler.shutdown()
        await engine.aclose()
    # three failures: 2 h back-off from the last one (1.5 h ago) -> not before 30 min from now
    assert next_run is not None
    assert next_run - datetime.now(UTC) > timedelta(minutes=29)
