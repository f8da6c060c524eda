"""The sync engine: many tenants at once, each paced by its own limits, nothing half-written.

One tenant's sync: products, then stock (it needs the products' size ids) beside orders; the
figures are aggregated page by page; the snapshot is written in one transaction on the engine's
single database thread; the run is recorded whatever happens. A failure in one tenant never
touches another: each tenant runs in its own task and every error ends in its own history row.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from stock_tracker_desktop.domain.figures import FiguresAggregator
from stock_tracker_desktop.domain.models import Product
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.base import MarketplaceClient
from stock_tracker_desktop.marketplaces.errors import MarketplaceError
from stock_tracker_desktop.marketplaces.factory import create_client
from stock_tracker_desktop.security.redaction import redact
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.export_settings import ExportFailed, has_exports
from stock_tracker_desktop.services.settings import SettingsService, export_language
from stock_tracker_desktop.services.tenants import TenantService, TenantView
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.ids import new_id
from stock_tracker_desktop.storage.sync_runs import (
    AlreadyRunning,
    RunOutcome,
    RunStatus,
    StageRecord,
    SyncRunRepository,
    Trigger,
)
from stock_tracker_desktop.sync.events import (
    Listener,
    SyncEvent,
    SyncFinished,
    SyncProgress,
    SyncResult,
    SyncStarted,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
ClientFactory = Callable[..., MarketplaceClient]


@dataclass
class RunningTenant:
    """A tenant being synced now, as the window's progress bars need it."""

    tenant: str
    tenant_id: uuid.UUID
    started_at: datetime
    task: asyncio.Task[SyncResult]
    stage: str = "waiting"
    pages: int = 0
    rows: int = 0


class _StageFailed(Exception):
    def __init__(self, stage: str, error: BaseException) -> None:
        super().__init__(stage)
        self.stage = stage
        self.error = error


@dataclass
class _Tracker:
    """Per-run bookkeeping: stage timings and what failed where."""

    stages: list[StageRecord] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def stage(self, name: str, rows: Callable[[], int] = lambda: 0) -> AsyncIterator[None]:
        started = time.monotonic()
        try:
            yield
        except (MarketplaceError, OSError, ValueError) as exc:
            raise _StageFailed(name, exc) from exc
        finally:
            self.stages.append(StageRecord(name, time.monotonic() - started, rows()))


@dataclass(frozen=True, slots=True)
class _Collected:
    """What one tenant's fetch produced, before it becomes a snapshot."""

    tenant_id: uuid.UUID
    run_id: uuid.UUID
    taken_at: datetime
    products: list[Product]
    figures: FiguresAggregator

    def snapshot(self) -> snapshots.SnapshotData:
        figures = self.figures
        return snapshots.SnapshotData(
            tenant_id=self.tenant_id,
            sync_run_id=self.run_id,
            taken_at=self.taken_at,
            window=figures.window,
            threshold_days=figures.threshold,
            products=self.products,
            levels=list(figures.levels()),
            order_lines=list(figures.order_lines()),
        )


class SyncEngine:
    def __init__(
        self,
        ctx: AppContext,
        *,
        concurrency: int | None = None,
        client_factory: ClientFactory = create_client,
    ) -> None:
        self.ctx = ctx
        self.tenants = TenantService(ctx)
        self.settings = SettingsService(ctx)
        self.runs = SyncRunRepository(ctx.engine)
        self._client_factory = client_factory
        self._concurrency = concurrency
        self._semaphore: asyncio.Semaphore | None = None
        self._listeners: list[Listener] = []
        self._running: dict[uuid.UUID, RunningTenant] = {}
        # One thread owns every database call of the engine: SQLite takes one writer at a
        # time anyway, and the event loop never blocks on a query.
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-db")

    # ----- listeners -------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: SyncEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("a sync listener failed; the sync goes on")

    # ----- starting, joining, cancelling -----------------------------------------------------

    @property
    def running(self) -> list[RunningTenant]:
        return list(self._running.values())

    def is_running(self, tenant_id: uuid.UUID) -> bool:
        return tenant_id in self._running

    async def in_db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a database call on the engine's database thread (never block the loop)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    async def sync(
        self, names: Sequence[str] | None = None, trigger: Trigger = Trigger.MANUAL
    ) -> list[SyncResult]:
        """Sync the named tenants (default: every enabled, not archived one) and wait for all."""
        tenants = await self.in_db(self._select, names)
        tasks = [self.start(tenant, trigger) for tenant in tenants]
        return list(await asyncio.gather(*tasks))

    def _select(self, names: Sequence[str] | None) -> list[TenantView]:
        if names is None:
            return [t for t in self.tenants.list() if t.enabled]
        return [self.tenants.get(name) for name in names]

    def start(self, tenant: TenantView, trigger: Trigger) -> asyncio.Task[SyncResult]:
        """Start a tenant's sync; a tenant already syncing here is joined, not started twice."""
        current = self._running.get(tenant.id)
        if current is not None:
            return current.task
        if self._semaphore is None:
            limit = self._concurrency or self.settings.load().concurrency
            self._semaphore = asyncio.Semaphore(limit)
        task = asyncio.get_running_loop().create_task(
            self._run(tenant, trigger), name=f"sync:{tenant.name}"
        )
        self._running[tenant.id] = RunningTenant(
            tenant=tenant.name, tenant_id=tenant.id, started_at=datetime.now(UTC), task=task
        )
        task.add_done_callback(lambda _t: self._running.pop(tenant.id, None))
        return task

    def cancel(self, tenant_id: uuid.UUID) -> bool:
        running = self._running.get(tenant_id)
        if running is None:
            return False
        running.task.cancel()
        return True

    def cancel_all(self) -> int:
        tasks = [r.task for r in self._running.values()]
        for task in tasks:
            task.cancel()
        return len(tasks)

    async def aclose(self) -> None:
        """Cancel what runs, wait until every run is recorded, release the database thread."""
        tasks = [r.task for r in self._running.values()]
        self.cancel_all()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._db.shutdown(wait=True)

    # ----- one tenant ------------------------------------------------------------------------

    @staticmethod
    async def _complete(awaitable: Awaitable[T]) -> tuple[T, bool]:
        """Await to the end even if cancelled meanwhile; say whether a cancel arrived.

        For the database steps: a run row half-recorded or a snapshot written but reported as
        cancelled would be worse than finishing a step that takes milliseconds.
        """
        task = asyncio.ensure_future(awaitable)
        try:
            return await asyncio.shield(task), False
        except asyncio.CancelledError:
            return await task, True

    async def _run(self, tenant: TenantView, trigger: Trigger) -> SyncResult:
        assert self._semaphore is not None
        run_id = new_id()
        outcome = RunOutcome(status=RunStatus.RUNNING)
        tracker = _Tracker()
        started = False
        new_low = 0
        try:
            async with self._semaphore:
                _, cancelled = await self._complete(
                    self.in_db(self.runs.start, tenant.id, tenant.name, trigger, run_id)
                )
                started = True
                self._emit(SyncStarted(tenant.name, tenant.id, run_id, trigger))
                if cancelled:
                    raise asyncio.CancelledError
                data = await self._collect(tenant, run_id, outcome, tracker)
            new_low, _ = await self._complete(self._save(data, tracker))
            outcome.status = RunStatus.SUCCEEDED
            await self._export(tenant, outcome, tracker)
        except AlreadyRunning as exc:
            return SyncResult(tenant.name, None, refused=str(exc))
        except asyncio.CancelledError:
            if not started:
                return SyncResult(
                    tenant.name, RunStatus.CANCELLED, refused="cancelled while queued"
                )
            outcome.status = RunStatus.CANCELLED
            outcome.error_message = "cancelled; the previous snapshot was kept"
        except _StageFailed as failed:
            self._fail(outcome, failed.stage, failed.error)
        except Exception as exc:
            log.exception("unexpected error while syncing %s", tenant.name)
            self._fail(outcome, "sync", exc)
        outcome.stages = tracker.stages
        await self._complete(self.in_db(self.runs.finish, run_id, outcome))
        self._emit(SyncFinished(tenant.name, tenant.id, run_id, outcome, new_low))
        return SyncResult(tenant.name, outcome.status, run_id, outcome)

    async def _collect(
        self, tenant: TenantView, run_id: uuid.UUID, outcome: RunOutcome, tracker: _Tracker
    ) -> _Collected:
        """Everything from the marketplace, aggregated; counts and API use go into ``outcome``."""
        settings = self.settings.for_tenant(await self.in_db(self.settings.load), tenant.overrides)
        credentials = await self.in_db(self.tenants.credentials, tenant.name)
        client = self._client_factory(
            tenant.marketplace,
            credentials,
            sandbox=tenant.sandbox,
            progress=self._progress_reporter(tenant, run_id),
        )
        del credentials
        window = last_full_days(settings.window_days)
        figures = FiguresAggregator(window, settings.low_stock_days)
        try:
            products = await self._fetch(client, figures, tracker)
        finally:
            outcome.requests = client.stats.requests
            outcome.rate_limited = client.stats.rate_limited
            with contextlib.suppress(Exception):
                await asyncio.shield(client.aclose())
        outcome.products = len(products)
        outcome.stock_rows = figures.stock_rows
        outcome.orders = figures.order_lines_in_window
        return _Collected(tenant.id, run_id, datetime.now(UTC), products, figures)

    async def _export(self, tenant: TenantView, outcome: RunOutcome, tracker: _Tracker) -> None:
        """The tenant's configured exports. The snapshot is saved already: a failure here makes
        the run "partly succeeded", and the next run exports again."""
        if not has_exports(tenant):
            return
        started = time.monotonic()
        from stock_tracker_desktop.services.exports import run_configured_exports

        try:
            settings = await self.in_db(self.settings.load)
            await run_configured_exports(
                self.ctx, tenant, language=export_language(settings), in_db=self.in_db
            )
        except ExportFailed as exc:
            outcome.status = RunStatus.PARTLY_SUCCEEDED
            outcome.error_stage = "export"
            outcome.error_message = redact(str(exc))
        except asyncio.CancelledError:
            outcome.status = RunStatus.PARTLY_SUCCEEDED
            outcome.error_stage = "export"
            outcome.error_message = "cancelled during the exports; the snapshot was saved"
        finally:
            tracker.stages.append(StageRecord("export", time.monotonic() - started))

    @staticmethod
    def _fail(outcome: RunOutcome, stage: str, error: BaseException) -> None:
        outcome.status = RunStatus.FAILED
        outcome.error_stage = stage
        if isinstance(error, MarketplaceError):
            outcome.error_endpoint = error.endpoint
            outcome.error_message = error.message
        elif isinstance(error, OSError):
            outcome.error_message = f"a local file or disk error: {error.strerror or error}"
        else:
            outcome.error_message = redact(f"unexpected error ({type(error).__name__}): {error}")

    def _progress_reporter(self, tenant: TenantView, run_id: uuid.UUID) -> Callable[..., None]:
        def report(stage: str, pages: int, rows: int) -> None:
            running = self._running.get(tenant.id)
            if running is not None:
                running.stage, running.pages, running.rows = stage, pages, rows
            self._emit(SyncProgress(tenant.name, tenant.id, run_id, stage, pages, rows))

        return report

    async def _fetch(
        self, client: MarketplaceClient, figures: FiguresAggregator, tracker: _Tracker
    ) -> list[Product]:
        """Products, then stock; orders beside both where they can be.

        Stock needs the products' size ids. Orders need the products only where order lines
        name SKUs that the product list maps to products (Ozon); elsewhere the order chain,
        usually the slowest under its rate limit, starts at once.
        """
        products: list[Product] = []

        async def read_products() -> None:
            async with tracker.stage("products", lambda: len(products)):
                async for page in client.products():
                    products.extend(page)

        products_task = asyncio.ensure_future(read_products())

        async def stock() -> None:
            await products_task
            async with tracker.stage("stock", lambda: figures.stock_rows):
                async for page in client.stock(products):
                    figures.add_stock(page)

        async def orders() -> None:
            if client.orders_need_products:
                await products_task
            async with tracker.stage("orders", lambda: figures.kept_lines):
                async for page in client.order_lines(figures.window):
                    figures.add_orders(page)

        tasks = [products_task, asyncio.ensure_future(stock()), asyncio.ensure_future(orders())]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return products

    async def _save(self, collected: _Collected, tracker: _Tracker) -> int:
        """Write the snapshot and prune old ones; return how many products newly went low."""
        async with tracker.stage("saving", lambda: len(collected.figures)):
            return await self.in_db(self._write_and_prune, collected)

    def _write_and_prune(self, collected: _Collected) -> int:
        # Built here, on the one database thread: only the snapshot being written is ever
        # held as objects, however many tenants wait for their turn.
        data = collected.snapshot()
        engine = self.ctx.engine
        settings = self.settings.load()
        previous = snapshots.current_snapshot(engine, data.tenant_id)
        was_low = snapshots.low_stock_products(engine, previous.id) if previous else set()
        snapshots.write_snapshot(engine, data)
        snapshots.prune_snapshots(engine, data.tenant_id, settings.keep_snapshots)
        self.runs.prune(settings.keep_history_days)
        now_low = {level.product_id for level in data.levels if level.low_stock}
        return len(now_low - was_low)
