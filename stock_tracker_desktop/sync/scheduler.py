"""Scheduled syncs: one job per tenant on APScheduler 3's asyncio scheduler.

- The global schedule (every N hours, or at times of day in the user's time zone) applies to
  every enabled tenant; a tenant's overrides may replace it or switch it off.
- Missed runs (the app was closed, the machine slept) are caught up once per tenant, not in a
  burst: at start the next fire time is computed from the tenant's last run, and a time already
  past means one run now; jobs coalesce, so a long sleep fires each job once.
- After a sleep or hibernation the same catch-up runs again at once. APScheduler arms its timer
  with ``loop.call_later``, on the monotonic clock, which stops while the machine is suspended: a
  run due during the sleep would start only when that paused timer ends, hours late. A watcher
  ticks on the loop and compares how far the wall clock moved with how far the monotonic clock
  did; a gap of more than two ticks means the machine slept, and every job is re-planned.
- The ``concurrency`` setting is handed to the engine at every re-plan, so a change applies to
  the next sellers that start, without a restart.
- A tenant whose last runs failed is retried with a growing back-off (30 min, 1 h, 2 h ... up
  to a day) instead of at every scheduled time.
- In a team, every desktop plans every tenant; when a job fires, the test given to
  ``set_runs_here`` says whether this desktop runs that tenant's schedule (its home desktop, or
  the one taking over while the home is silent: ``team.desktops.runs_schedule_here``).
  Elsewhere the job does nothing.

``AsyncIOScheduler`` must be started from inside the running loop (qasync's in the window,
asyncio's in the daemon): ``start()`` is therefore a method to call from a coroutine.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import tzlocal
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from stock_tracker_desktop.domain.plans import Feature
from stock_tracker_desktop.domain.problems import duration_words
from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.marketplaces.settings import time_factor_from_env
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.services.tenants import TenantView
from stock_tracker_desktop.storage.sync_runs import RunStatus, Trigger
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncEvent, SyncFinished

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=30)
BACKOFF_MAX = timedelta(days=1)
CATCH_UP_STAGGER = timedelta(seconds=2)
# How often the sleep watcher compares the clocks (seconds, before STOCK_TRACKER_TIME_FACTOR),
# and how many ticks the wall clock must run ahead of the monotonic one to count as a sleep.
# Awake, the two clocks part by a few milliseconds a tick at most (NTP slews the wall clock by
# 0.05 % at most), and a loop too busy to tick on time delays both clocks' readings alike.
WAKE_CHECK_SECONDS = 30.0
SLEEP_GAP_TICKS = 2
RunsHere = Callable[[uuid.UUID], bool]


def build_trigger(schedule: Schedule) -> BaseTrigger | None:
    """The APScheduler trigger of a schedule (None when it is off)."""
    zone = ZoneInfo(schedule.timezone) if schedule.timezone else tzlocal.get_localzone()
    if schedule.mode == "interval":
        return IntervalTrigger(hours=schedule.interval_hours, timezone=zone)
    if schedule.mode == "daily":
        crons = [CronTrigger(hour=h, minute=m, timezone=zone) for h, m in schedule.hours_minutes]
        return crons[0] if len(crons) == 1 else OrTrigger(crons)
    return None


def runs_everywhere(_tenant_id: uuid.UUID) -> bool:
    """A desktop on its own runs every tenant's schedule."""
    return True


def backoff_delay(consecutive_failures: int) -> timedelta:
    if consecutive_failures <= 0:
        return timedelta(0)
    return min(BACKOFF_BASE * 2 ** (consecutive_failures - 1), BACKOFF_MAX)


class SyncScheduler:
    def __init__(
        self,
        engine: SyncEngine,
        *,
        wall_clock: Callable[[], float] = time.time,
        monotonic_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``wall_clock`` and ``monotonic_clock`` (seconds) are what the sleep watcher compares;
        the monotonic one must be the clock the loop's timers run on (asyncio's is
        ``time.monotonic``). Plans are made on the system's clock whatever they are: APScheduler
        reads it itself to decide what is due."""
        self.engine = engine
        self._runs_here: RunsHere = runs_everywhere  # until the desktop is in a team
        self._wall_clock = wall_clock
        self._monotonic_clock = monotonic_clock
        self._watcher: asyncio.Task[None] | None = None
        # A re-plan awaits the database between removing the jobs and adding them back; two at
        # once (the daemon's settings check and a wake-up) would interleave their jobs.
        self._planning = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None
        self._triggers: dict[uuid.UUID, BaseTrigger] = {}
        # A catch-up run is due since the fire time it missed: a run another process started
        # after that time (a `sync --all` started with the daemon) already made up for it.
        self._missed: dict[uuid.UUID, datetime] = {}
        self._unsubscribe = engine.subscribe(self._on_event)

    # ----- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start inside the running loop and plan every tenant's next run."""
        tick = WAKE_CHECK_SECONDS * time_factor_from_env()  # a bad value fails before anything runs
        self._scheduler = AsyncIOScheduler(
            event_loop=asyncio.get_running_loop(),
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=UTC,
        )
        self._scheduler.start()
        await self.reload()
        self._watcher = asyncio.get_running_loop().create_task(
            self._watch_for_sleep(tick), name="sync-scheduler: sleep watcher"
        )

    async def reload(self) -> None:
        """Re-read settings and tenants (after an edit, or a sleep) and re-plan every job."""
        async with self._planning:
            await self._plan()

    async def _plan(self) -> None:
        assert self._scheduler is not None, "start() first"
        settings = await self.engine.in_db(self.engine.settings.load)
        self.engine.set_concurrency(settings.concurrency)
        tenants = await self.engine.in_db(self.engine.tenants.all)
        last_runs = await self.engine.in_db(self.engine.runs.last_runs)
        plan = await self.engine.in_db(self.engine.plans.plan)
        paused = await self.engine.in_db(self.engine.plans.paused, tenants)
        self._scheduler.remove_all_jobs()
        self._triggers.clear()
        self._missed.clear()
        if not plan.has(Feature.SCHEDULES):
            log.info("no scheduled syncs: the %s plan syncs by hand", plan.title)
            return
        now = datetime.now(UTC)
        catch_up = 0
        for tenant in tenants:
            if not tenant.enabled or tenant.id in paused:
                continue
            schedule = SettingsService.for_tenant(settings, tenant.overrides).schedule
            trigger = build_trigger(schedule)
            if trigger is None:
                continue
            self._triggers[tenant.id] = trigger
            last = last_runs.get(tenant.id)
            due = await self._first_run(tenant, trigger, last.started_at if last else None, now)
            if due <= now:
                self._missed[tenant.id] = due
                due = now + CATCH_UP_STAGGER * catch_up  # one catch-up each, not a burst
                catch_up += 1
            self._scheduler.add_job(
                self._fire,
                trigger,
                args=[tenant.id],
                id=str(tenant.id),
                name=tenant.name,
                next_run_time=due,
                replace_existing=True,
            )

    async def _first_run(
        self, tenant: TenantView, trigger: BaseTrigger, last_run: datetime | None, now: datetime
    ) -> datetime:
        """The first fire time after the last run (so a missed one is due now), or after the
        back-off of a failing tenant."""
        failures, last_failed = await self.engine.in_db(
            self.engine.runs.consecutive_failures, tenant.id
        )
        if failures and last_failed is not None:
            retry_at = last_failed + backoff_delay(failures)
            return trigger.get_next_fire_time(None, max(retry_at, now))
        if last_run is None:
            return trigger.get_next_fire_time(None, now)
        if isinstance(trigger, IntervalTrigger):
            # An interval trigger's grid starts when it is built; the run that is due is one
            # interval after the last one.
            return last_run + trigger.interval
        return trigger.get_next_fire_time(None, last_run)

    async def _watch_for_sleep(self, tick: float) -> None:
        """Every ``tick`` seconds of the loop's clock, see whether the machine slept since the
        last look; if so, re-plan: what fell due meanwhile is caught up now, once per tenant,
        staggered and past any back-off, as at start."""
        wall, steady = self._wall_clock(), self._monotonic_clock()
        while True:
            await asyncio.sleep(tick)
            now_wall, now_steady = self._wall_clock(), self._monotonic_clock()
            slept = (now_wall - wall) - (now_steady - steady)
            wall, steady = now_wall, now_steady
            if slept <= tick * SLEEP_GAP_TICKS:
                continue
            log.info(
                "the computer was asleep for about %s; catching up on the syncs that fell due",
                duration_words(slept),
            )
            try:
                await self.reload()
            except Exception:
                # The old plan stays (late, but not lost); the next sleep or edit tries again.
                log.exception("could not re-plan the scheduled syncs after a sleep")

    async def shutdown(self) -> None:
        """Stop planning: no job fires and no watcher tick keeps the loop busy afterwards."""
        self._unsubscribe()
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()
            # wait(), not the task itself: its CancelledError is expected, ours would not be.
            await asyncio.wait([watcher])
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    # ----- queries ---------------------------------------------------------------------------

    def next_run(self, tenant_id: uuid.UUID) -> datetime | None:
        if self._scheduler is None:
            return None
        job = self._scheduler.get_job(str(tenant_id))
        return job.next_run_time if job else None

    def next_runs(self) -> dict[uuid.UUID, datetime]:
        if self._scheduler is None:
            return {}
        return {
            uuid.UUID(job.id): job.next_run_time
            for job in self._scheduler.get_jobs()
            if job.next_run_time is not None
        }

    def plan(self) -> list[tuple[str, datetime]]:
        """(tenant name, next run) for every scheduled tenant, soonest first."""
        if self._scheduler is None:
            return []
        jobs = [(job.name, job.next_run_time) for job in self._scheduler.get_jobs()]
        return sorted(((n, t) for n, t in jobs if t is not None), key=lambda item: item[1])

    # ----- running ---------------------------------------------------------------------------

    def set_runs_here(self, runs_here: RunsHere) -> None:
        """Which tenants' schedules this desktop runs, from the next fire on (the desktop
        joined or left a team)."""
        self._runs_here = runs_here

    async def _fire(self, tenant_id: uuid.UUID) -> None:
        tenants = {t.id: t for t in await self.engine.in_db(self.engine.tenants.all)}
        tenant = tenants.get(tenant_id)
        if tenant is None or not tenant.enabled:
            return
        missed = self._missed.pop(tenant_id, None)
        if not self._runs_here(tenant_id):
            log.debug("the scheduled sync of %s runs on another desktop of the team", tenant.name)
            return
        asked_at = missed or datetime.now(UTC)
        result = await self.engine.start(tenant, Trigger.SCHEDULE, asked_at=asked_at)
        if result.refused:
            log.info("scheduled sync of %s skipped: %s", tenant.name, result.refused)

    def _on_event(self, event: SyncEvent) -> None:
        """After a failure, push the tenant's next scheduled run past its back-off."""
        if not isinstance(event, SyncFinished) or self._scheduler is None:
            return
        trigger = self._triggers.get(event.tenant_id)
        job = self._scheduler.get_job(str(event.tenant_id))
        if trigger is None or job is None:
            return
        now = datetime.now(UTC)
        if event.status is RunStatus.FAILED:
            asyncio.get_running_loop().create_task(self._back_off(event.tenant_id, trigger, now))

    async def _back_off(self, tenant_id: uuid.UUID, trigger: BaseTrigger, now: datetime) -> None:
        failures, last_failed = await self.engine.in_db(
            self.engine.runs.consecutive_failures, tenant_id
        )
        retry_at = (last_failed or now) + backoff_delay(failures)
        job = self._scheduler.get_job(str(tenant_id)) if self._scheduler else None
        if job is None:
            return
        next_time = trigger.get_next_fire_time(None, max(retry_at, now))
        if job.next_run_time is None or next_time > job.next_run_time:
            job.modify(next_run_time=next_time)
            log.info(
                "%s failed %d time(s) in a row; next scheduled try at %s",
                job.name,
                failures,
                next_time.astimezone().strftime("%Y-%m-%d %H:%M"),
            )
