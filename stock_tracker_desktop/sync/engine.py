"""The sync engine: many tenants at once, each paced by its own limits, nothing half-written.

One tenant's sync: products, then stock (it needs the products' size ids) beside orders; the
figures are aggregated page by page; the snapshot streams into the database as the pages arrive
(storage.snapshot_stream: pending until published) on the process's one database thread, which
the application core hands over; the run is recorded whatever happens. A failure in one tenant
never touches another: each tenant runs in its own task and every error ends in its own history
row. The engine only syncs: front ends reach it through core.AppCore.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from stock_tracker_desktop.domain.figures import FiguresAggregator
from stock_tracker_desktop.domain.models import Product
from stock_tracker_desktop.domain.problems import Problem, ProblemCode, Seconds
from stock_tracker_desktop.domain.runs import Stage
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.base import MarketplaceClient
from stock_tracker_desktop.marketplaces.errors import MarketplaceError
from stock_tracker_desktop.marketplaces.factory import create_client
from stock_tracker_desktop.marketplaces.settings import seller_deadline
from stock_tracker_desktop.security.redaction import redact
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.export_settings import ExportFailed, has_exports
from stock_tracker_desktop.services.plan_limits import PlanLimits
from stock_tracker_desktop.services.settings import SettingsService, export_language
from stock_tracker_desktop.services.tenants import TenantService, TenantView
from stock_tracker_desktop.storage.database_thread import DatabaseThread
from stock_tracker_desktop.storage.ids import new_id
from stock_tracker_desktop.storage.snapshot_stream import SnapshotStream, run_to_end
from stock_tracker_desktop.storage.sync_runs import (
    AlreadyRunning,
    RunOutcome,
    RunStatus,
    StageRecord,
    SyncRunRepository,
    Trigger,
)
from stock_tracker_desktop.sync.claims import NO_CLAIMS, SyncClaims
from stock_tracker_desktop.sync.events import (
    Listener,
    SyncEvent,
    SyncFinished,
    SyncProgress,
    SyncResult,
    SyncStarted,
)
from stock_tracker_desktop.sync.places import Places

log = logging.getLogger(__name__)
T = TypeVar("T")
# Tenants reading their catalogue and stock at once, whatever the concurrency. That phase holds
# a seller's whole catalogue as objects (a few MB for 2,000 products) until its snapshot has
# begun; the order chain, usually the slowest under its limit, runs beside it and is not bound.
# A hundred sellers then take a few waves of this phase while their order histories are read,
# in memory for ~16 catalogues instead of a hundred (docs/benchmarks.md, "Many tenants").
CATALOGUES_AT_ONCE = 16
ClientFactory = Callable[..., MarketplaceClient]


@dataclass
class RunningTenant:
    """A tenant being synced now, as the window's progress bars need it."""

    tenant: str
    tenant_id: uuid.UUID
    started_at: datetime
    task: asyncio.Task[SyncResult]
    stage: str = Stage.WAITING  # or a client's finer "stock:fbs"
    pages: int = 0
    rows: int = 0


class _StageFailed(Exception):
    def __init__(self, stage: Stage, error: BaseException) -> None:
        super().__init__(stage)
        self.stage = stage
        self.error = error


@dataclass
class _Tracker:
    """Per-run bookkeeping: stage timings and what failed where."""

    stages: list[StageRecord] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def stage(self, name: Stage, rows: Callable[[], int] = lambda: 0) -> AsyncIterator[None]:
        started = time.monotonic()
        try:
            yield
        except (MarketplaceError, OSError, ValueError) as exc:
            raise _StageFailed(name, exc) from exc
        finally:
            self.stages.append(StageRecord(name, time.monotonic() - started, rows()))


@dataclass(slots=True)
class _Draft:
    """One run's figures and its snapshot while it is written: begun once products and stock
    are in, order lines added as they arrive, published at the end."""

    run_id: uuid.UUID
    figures: FiguresAggregator
    snapshot: SnapshotStream
    max_rate_limit_wait: float  # the user's setting, seconds before the time factor


class SyncEngine:
    def __init__(
        self,
        ctx: AppContext,
        database_thread: DatabaseThread | None = None,
        *,
        tenants: TenantService | None = None,
        settings: SettingsService | None = None,
        concurrency: int | None = None,
        client_factory: ClientFactory = create_client,
        claims: SyncClaims = NO_CLAIMS,
    ) -> None:
        """The core hands over the process's database thread and its services; an engine made
        without them, as in tests of the engine alone, makes its own (and releases the thread
        it made in ``aclose``). ``claims`` keeps other desktops of a team off a tenant while it
        syncs here (``set_claims``)."""
        self.ctx = ctx
        self._claims = claims
        self.tenants = tenants or TenantService(ctx)
        self.plans = PlanLimits(ctx)
        self.settings = settings or SettingsService(ctx)
        self.client_factory = client_factory
        # The first size of the places; None reads the setting at the first sync.
        self._concurrency = concurrency
        self._slots: Places | None = None
        self._catalogues = asyncio.Semaphore(CATALOGUES_AT_ONCE)
        self._listeners: list[Listener] = []
        self._running: dict[uuid.UUID, RunningTenant] = {}
        self._owns_db = database_thread is None
        self._db = database_thread or DatabaseThread(lambda: self.ctx.database)
        self.in_db = self._db.run

    @property
    def runs(self) -> SyncRunRepository:
        return SyncRunRepository(self.ctx.database)  # the current database: rotation replaces it

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

    async def sync(
        self, names: Sequence[str] | None = None, trigger: Trigger = Trigger.MANUAL
    ) -> list[SyncResult]:
        """Sync the named tenants (default: every enabled, not archived one) and wait for all."""
        tenants = await self.in_db(self._select, names)
        tasks = [self.start(tenant, trigger) for tenant in tenants]
        return list(await asyncio.gather(*tasks))

    def _select(self, names: Sequence[str] | None) -> list[TenantView]:
        if names is None:
            return [t for t in self.tenants.all() if t.enabled]
        return [self.tenants.get(name) for name in names]

    def start(
        self, tenant: TenantView, trigger: Trigger, *, asked_at: datetime | None = None
    ) -> asyncio.Task[SyncResult]:
        """Start a tenant's sync; a tenant already syncing here is joined, not started twice.

        ``asked_at`` (default: now) is when the sync was asked or fell due: a tenant another
        process syncs or synced since then is refused before any request (``AlreadySynced``).
        """
        current = self._running.get(tenant.id)
        if current is not None:
            return current.task
        asked = asked_at or datetime.now(UTC)
        task = asyncio.get_running_loop().create_task(
            self._run(tenant, trigger, asked), name=f"sync:{tenant.name}"
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

    async def stop_all(self) -> None:
        """Cancel what runs and wait until every run is recorded; new syncs may start after."""
        tasks = [r.task for r in self._running.values()]
        self.cancel_all()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """``stop_all``, then release the database thread if the engine made it."""
        await self.stop_all()
        if self._owns_db:
            self._db.close()

    # ----- one tenant ------------------------------------------------------------------------

    # For the database steps: a run row half-recorded or a snapshot written but reported as
    # cancelled would be worse than finishing a step that takes milliseconds.
    _complete = staticmethod(run_to_end)

    async def _places(self) -> Places:
        """The ``concurrency`` places, sized from the settings read on the database thread."""
        if self._slots is None:
            limit = self._concurrency
            if limit is None:
                limit = (await self.in_db(self.settings.load)).concurrency
            # Another sync or set_concurrency() may have come first during the read: theirs
            # is the newer size.
            if self._slots is None:
                self._slots = Places(self._concurrency or limit)
        return self._slots

    def set_concurrency(self, limit: int) -> None:
        """How many tenants sync at once, from now on (the ``concurrency`` setting changed).

        Growing lets waiting tenants in at once; shrinking lets the running ones finish and
        starts the next only when fewer than ``limit`` run. The constructor's ``concurrency``
        was only the first size.
        """
        if limit < 1:
            raise ValueError(f"at least one tenant must be able to sync, not {limit}")
        self._concurrency = limit
        if self._slots is not None:
            self._slots.resize(limit)

    def set_claims(self, claims: SyncClaims) -> None:
        """Claim tenants this way from the next sync on (the desktop joined or left a team);
        runs under way keep the claim they hold."""
        self._claims = claims

    def _plan_refusal(self, tenant: TenantView, trigger: Trigger) -> Problem | None:
        return self.plans.sync_refusal(tenant, trigger, self.tenants.all())

    async def _run(self, tenant: TenantView, trigger: Trigger, asked_at: datetime) -> SyncResult:
        refusal = await self.in_db(self._plan_refusal, tenant, trigger)
        if refusal is not None:  # nothing is asked of the marketplace, nothing recorded
            refused = f"{tenant.name}: {refusal}"
            return SyncResult(tenant.name, None, refused=refused, problem=refusal)
        # The claim is taken once a place is (a tenant waiting for one is claimed by nobody)
        # and given back after the run's end is recorded.
        async with contextlib.AsyncExitStack() as claim:
            return await self._claimed_run(tenant, trigger, asked_at, claim)

    async def _claimed_run(
        self,
        tenant: TenantView,
        trigger: Trigger,
        asked_at: datetime,
        claim: contextlib.AsyncExitStack,
    ) -> SyncResult:
        run_id = new_id()
        outcome = RunOutcome(status=RunStatus.RUNNING)
        tracker = _Tracker()
        started = False
        new_low = 0
        draft: _Draft | None = None
        try:
            async with await self._places():
                try:
                    await claim.enter_async_context(
                        self._claims.hold(tenant.id, tenant.name, asked_at)
                    )
                except PermissionError as exc:  # the member's role in the team: no run
                    return SyncResult(tenant.name, None, refused=f"{tenant.name}: {exc}")
                _, cancelled = await self._complete(
                    self.in_db(
                        self.runs.start, tenant.id, tenant.name, trigger, run_id, asked_at=asked_at
                    )
                )
                started = True
                self._emit(SyncStarted(tenant.name, tenant.id, run_id, trigger))
                if cancelled:
                    raise asyncio.CancelledError
                draft = await self._draft(tenant, run_id)
                await self._collect_in_time(tenant, draft, outcome, tracker)
            outcome.status = RunStatus.SUCCEEDED  # recorded as the snapshot is published
            new_low, _ = await self._complete(self._save(draft, outcome, tracker))
            await self._export(tenant, outcome, tracker)
        except AlreadyRunning as exc:
            return SyncResult(tenant.name, None, refused=str(exc))
        except asyncio.CancelledError:
            if not started:
                return SyncResult(
                    tenant.name, RunStatus.CANCELLED, refused="cancelled while queued"
                )
            outcome.status = RunStatus.CANCELLED
            outcome.set_problem(Problem(ProblemCode.CANCELLED))
        except _StageFailed as failed:
            self._fail(outcome, failed.stage, failed.error)
        except Exception as exc:
            log.exception("unexpected error while syncing %s", tenant.name)
            self._fail(outcome, Stage.SYNC, exc)
        if draft is not None and outcome.status not in (
            RunStatus.SUCCEEDED,
            RunStatus.PARTLY_SUCCEEDED,
        ):
            await draft.snapshot.discard()
        outcome.stages = tracker.stages
        await self._complete(self.in_db(self.runs.finish, run_id, outcome))
        self._emit(SyncFinished(tenant.name, tenant.id, run_id, outcome, new_low))
        return SyncResult(tenant.name, outcome.status, run_id, outcome)

    async def _draft(self, tenant: TenantView, run_id: uuid.UUID) -> _Draft:
        app_settings = await self.in_db(self.settings.load)
        settings = self.settings.for_tenant(app_settings, tenant.overrides)
        window = last_full_days(settings.window_days)
        figures = FiguresAggregator(window, settings.low_stock_days)
        return _Draft(
            run_id,
            figures,
            SnapshotStream(self.in_db, self.ctx.database, tenant.id, run_id, figures),
            max_rate_limit_wait=app_settings.max_rate_limit_wait,
        )

    async def _collect_in_time(
        self, tenant: TenantView, draft: _Draft, outcome: RunOutcome, tracker: _Tracker
    ) -> None:
        """``_collect`` within the seller's deadline: a marketplace that keeps one sync going
        for hours fails that run (the seller is not left "running"); the others go on."""
        deadline = seller_deadline()
        limit = asyncio.timeout(deadline)
        try:
            async with limit:
                await self._collect(tenant, draft, outcome, tracker)
        except TimeoutError:
            if not limit.expired():
                raise
            raise _StageFailed(
                Stage.SYNC,
                MarketplaceError(Problem(ProblemCode.SELLER_DEADLINE, {"wait": Seconds(deadline)})),
            ) from None

    async def _collect(
        self, tenant: TenantView, draft: _Draft, outcome: RunOutcome, tracker: _Tracker
    ) -> None:
        """Everything from the marketplace into the draft; counts and API use into ``outcome``."""
        credentials = await self.in_db(self.tenants.credentials, tenant.name)
        client = self.client_factory(
            tenant.marketplace,
            credentials,
            sandbox=tenant.sandbox,
            progress=self._progress_reporter(tenant, draft.run_id),
            max_rate_limit_wait=draft.max_rate_limit_wait,
        )
        del credentials
        try:
            outcome.products = await self._fetch(client, draft, tracker)
            if not tenant.seller_name:
                await self._learn_seller_name(client, tenant)
            await self._learn_credentials_expiry(client, tenant)
        finally:
            outcome.requests = client.stats.requests
            outcome.rate_limited = client.stats.rate_limited
            with contextlib.suppress(Exception):
                await asyncio.shield(client.aclose())
        outcome.stock_rows = draft.figures.stock_rows
        outcome.orders = draft.figures.order_lines_in_window

    async def _learn_seller_name(self, client: MarketplaceClient, tenant: TenantView) -> None:
        """Ask the seller's name once, on the first sync that can: the tenant list shows it
        instead of an account number. Not knowing it fails nothing."""
        try:
            seller = await client.seller_info()
        except MarketplaceError as exc:
            log.info("the seller's name of %s stays unknown for now: %s", tenant.name, exc)
            return
        if seller is not None and seller.name:
            await self.in_db(self.tenants.record_seller_name, tenant.name, seller.name)

    async def _learn_credentials_expiry(
        self, client: MarketplaceClient, tenant: TenantView
    ) -> None:
        """Keep the token's or key's expiry current (an Ozon key is replaced, a WB token is
        re-issued): the window warns in time. Not knowing it fails nothing."""
        try:
            expires_at = await client.credentials_expire_at()
        except MarketplaceError as exc:
            log.info("the credentials' expiry of %s stays unknown for now: %s", tenant.name, exc)
            return
        if expires_at is not None and expires_at != tenant.token_expires_at:
            await self.in_db(self.tenants.record_credentials_expiry, tenant.name, expires_at)

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
            outcome.error_stage = Stage.EXPORT
            outcome.set_problem(Problem(ProblemCode.EXPORTS_FAILED, {"detail": redact(str(exc))}))
        except asyncio.CancelledError:
            outcome.status = RunStatus.PARTLY_SUCCEEDED
            outcome.error_stage = Stage.EXPORT
            outcome.set_problem(Problem(ProblemCode.CANCELLED_IN_EXPORTS))
        finally:
            tracker.stages.append(StageRecord(Stage.EXPORT, time.monotonic() - started))

    @staticmethod
    def _fail(outcome: RunOutcome, stage: Stage, error: BaseException) -> None:
        outcome.status = RunStatus.FAILED
        outcome.error_stage = stage
        if isinstance(error, MarketplaceError):
            outcome.error_endpoint = error.endpoint
            outcome.set_problem(error.problem)
        elif isinstance(error, OSError):
            detail = error.strerror or str(error)
            outcome.set_problem(Problem(ProblemCode.LOCAL_DISK, {"detail": detail}))
        else:
            kind, detail = type(error).__name__, redact(str(error))
            outcome.set_problem(Problem(ProblemCode.UNEXPECTED, {"kind": kind, "detail": detail}))

    def _progress_reporter(self, tenant: TenantView, run_id: uuid.UUID) -> Callable[..., None]:
        def report(stage: str, pages: int, rows: int) -> None:
            running = self._running.get(tenant.id)
            if running is not None:
                running.stage, running.pages, running.rows = stage, pages, rows
            self._emit(SyncProgress(tenant.name, tenant.id, run_id, stage, pages, rows))

        return report

    async def _fetch(self, client: MarketplaceClient, draft: _Draft, tracker: _Tracker) -> int:
        """Products, then stock; orders beside both where they can be. Returns the products read.

        Stock needs the products' size ids. Orders need the products only where order lines
        name SKUs that the product list maps to products (Ozon); elsewhere the order chain,
        usually the slowest under its rate limit, starts at once. Once products and stock are
        in, the snapshot is begun and the catalogue leaves memory; until then the tenant holds
        one of the ``CATALOGUES_AT_ONCE`` places.
        """
        figures = draft.figures
        products: list[Product] = []
        read = 0
        holding = False

        def release() -> None:
            nonlocal holding
            if holding:
                holding = False
                self._catalogues.release()

        async def read_products() -> None:
            nonlocal holding
            await self._catalogues.acquire()
            holding = True
            async with tracker.stage(Stage.PRODUCTS, lambda: len(products)):
                async for page in client.products():
                    products.extend(page)

        products_task = asyncio.ensure_future(read_products())

        async def stock() -> None:
            nonlocal read
            await products_task
            async with tracker.stage(Stage.STOCK, lambda: figures.stock_rows):
                async for page in client.stock(products):
                    figures.add_stock(page)
            read = len(products)
            await draft.snapshot.begin(products)
            products.clear()
            release()

        async def orders() -> None:
            if client.orders_need_products:
                await products_task
            async with tracker.stage(Stage.ORDERS, lambda: figures.kept_lines):
                async for page in client.order_lines(figures.window):
                    figures.add_orders(page)
                    draft.snapshot.add_lines_soon()

        tasks = [products_task, asyncio.ensure_future(stock()), asyncio.ensure_future(orders())]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            release()
        return read

    # ----- the snapshot, written as the sync goes ----------------------------------------------

    async def _save(self, draft: _Draft, outcome: RunOutcome, tracker: _Tracker) -> int:
        """Publish the snapshot, recording the run succeeded in the same transaction, and
        prune old ones; return how many products newly went low."""
        started = time.monotonic()
        async with tracker.stage(Stage.SAVING, lambda: len(draft.figures)):
            saving = StageRecord(Stage.SAVING, time.monotonic() - started, len(draft.figures))
            # The exports may still change the status; until then history holds this outcome.
            recorded = dataclasses.replace(outcome, stages=[*tracker.stages, saving])
            settings = await self.in_db(self.settings.load)
            return await draft.snapshot.publish(
                recorded,
                keep_snapshots=settings.keep_snapshots,
                keep_history_days=settings.keep_history_days,
            )
