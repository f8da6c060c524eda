"""The application core: what every front end (window, tray, CLI, daemon) talks to.

It owns the opened installation (``AppContext``), the process's one database thread, the sync
engine and the scheduler, and offers the use cases as async methods. Front ends never reach
below it: a query, a service call or a sync goes through one of these methods, so the window
and the CLI cannot drift apart, and the database is never touched from the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stock_tracker_desktop.core.licence_core import LicenceCore
from stock_tracker_desktop.core.team_core import TeamCore
from stock_tracker_desktop.domain.models import ConnectionReport, Marketplace
from stock_tracker_desktop.domain.runs import RunStatus, Trigger
from stock_tracker_desktop.security.vault import PassphraseProvider
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.overview import (
    HomeSummary,
    TenantOverview,
    home_summary,
    tenant_overview,
)
from stock_tracker_desktop.services.settings import Settings, SettingsService
from stock_tracker_desktop.services.stock_tables import StockData, load_stock
from stock_tracker_desktop.services.tenants import (
    Saved,
    TenantChanges,
    TenantDraft,
    TenantService,
    TenantView,
)
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.database_thread import DatabaseThread
from stock_tracker_desktop.storage.sync_runs import RunRecord, SyncRunRepository
from stock_tracker_desktop.sync.events import Listener, SyncResult
from stock_tracker_desktop.team.names import TeamAction

# The heavier layers load with the first use case that needs them (a sync, an export, a check),
# so that a command listing sellers starts quickly; these imports give the signatures only.
if TYPE_CHECKING:
    from stock_tracker_desktop.domain.wb_token import WbTokenInfo
    from stock_tracker_desktop.services import exports, vault_service
    from stock_tracker_desktop.services.tenant_import import ImportReport, ImportSource
    from stock_tracker_desktop.simulator import RunningSimulator
    from stock_tracker_desktop.sync.engine import ClientFactory, RunningTenant, SyncEngine
    from stock_tracker_desktop.sync.scheduler import SyncScheduler

log = logging.getLogger(__name__)


class AppCore:
    """One opened installation and everything that works on it, for one process."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        concurrency: int | None = None,
        client_factory: ClientFactory | None = None,
        monotonic_clock: Callable[[], float] | None = None,
    ) -> None:
        """``client_factory`` (default: the real marketplace clients), ``concurrency`` (default:
        the setting) and ``monotonic_clock`` (default: ``time.monotonic``, the clock asyncio's
        timers run on; the scheduler's sleep watcher compares it with the wall clock) are for
        tests and benchmarks."""
        self._ctx = ctx
        self.db = DatabaseThread(lambda: ctx.database)
        self._tenants = TenantService(ctx)
        self._settings = SettingsService(ctx)
        self._concurrency = concurrency
        self._client_factory = client_factory
        self._monotonic_clock = monotonic_clock
        self._sync_engine: SyncEngine | None = None
        self._scheduler: SyncScheduler | None = None
        self.licence = LicenceCore(ctx, self.db, self.replan)
        self.team = TeamCore(ctx, self.db, lambda: self._engine, self.licence)

    @property
    def _engine(self) -> SyncEngine:
        """The sync engine, made on first use (a command that never syncs never loads it)."""
        if self._sync_engine is None:
            from stock_tracker_desktop.marketplaces.factory import create_client
            from stock_tracker_desktop.sync.engine import SyncEngine

            self._sync_engine = SyncEngine(
                self._ctx,
                self.db,
                tenants=self._tenants,
                settings=self._settings,
                concurrency=self._concurrency,
                client_factory=self._client_factory or create_client,
            )
        return self._sync_engine

    @classmethod
    def open(cls, passphrase: PassphraseProvider, home: Path | None = None) -> AppCore:
        """Unlock and open the installation (blocking: scrypt, migrations; call it off the
        event loop). Raises the vault's and the database's errors, which say what to do."""
        return cls(AppContext.open(passphrase, home))

    @property
    def home(self) -> Path:
        return self._ctx.home

    # ----- life ------------------------------------------------------------------------------

    async def start_scheduler(self) -> SyncScheduler:
        """Plan the scheduled syncs (from inside the running loop)."""
        if self._scheduler is None:
            from stock_tracker_desktop.sync.scheduler import SyncScheduler

            clocks = {"monotonic_clock": self._monotonic_clock} if self._monotonic_clock else {}
            self._scheduler = SyncScheduler(self._engine, **clocks)
            # In a team, only the sellers whose schedule is this desktop's (all on its own).
            self._scheduler.set_runs_here(self.team.runs_schedule_here)
            await self._scheduler.start()
        return self._scheduler

    @property
    def scheduler(self) -> SyncScheduler | None:
        return self._scheduler

    async def aclose(self) -> None:
        """Stop planning, cancel what runs and wait until every run is recorded, release the
        database thread. The installation itself stays open until ``close``."""
        await self.team.stop()
        await self.licence.stop()
        if self._scheduler is not None:
            await self._scheduler.shutdown()
            self._scheduler = None
        if self._sync_engine is not None:
            await self._sync_engine.aclose()
        self.db.close()

    def close(self) -> None:
        """Release the installation (its lock and database); after ``aclose``."""
        self._ctx.close()

    def read_only_reason(self) -> str | None:
        """Why nothing can be written, when the database had to open read-only (a read-only
        data directory or a full disk); None when it is writable."""
        from stock_tracker_desktop.storage.database import is_read_only
        from stock_tracker_desktop.storage.unwritable import read_only_message, unwritable_reason

        if not is_read_only(self._ctx.database):
            return None
        return unwritable_reason(self.home) or read_only_message(self.home)

    async def change_marker(self) -> tuple[object, ...]:
        """A value that changes whenever a seller or a setting does, from whichever process:
        cheap to poll, for a process that must notice edits made elsewhere (the daemon)."""
        from stock_tracker_desktop.storage.settings_repository import change_marker

        return await self.db.run(change_marker, self._ctx.database)

    def plan(self) -> list[tuple[str, datetime]]:
        """(seller, next run) for every planned seller, soonest first; empty until
        ``start_scheduler``."""
        return self._scheduler.plan() if self._scheduler is not None else []

    # ----- syncing ---------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._engine.subscribe(listener)

    @property
    def running(self) -> list[RunningTenant]:
        return self._sync_engine.running if self._sync_engine is not None else []

    def is_running(self, tenant_id: uuid.UUID) -> bool:
        return self._sync_engine is not None and self._sync_engine.is_running(tenant_id)

    def start_sync(
        self, tenant: TenantView, trigger: Trigger = Trigger.MANUAL
    ) -> asyncio.Task[SyncResult]:
        return self._engine.start(tenant, trigger)

    async def sync(
        self, names: Sequence[str] | None = None, trigger: Trigger = Trigger.MANUAL
    ) -> list[SyncResult]:
        """Sync the named sellers (default: every enabled one) and wait for all."""
        await self.team.refuse_unless(TeamAction.SYNC)
        return await self._engine.sync(names, trigger)

    def cancel(self, tenant_id: uuid.UUID) -> bool:
        return self._engine.cancel(tenant_id)

    def cancel_all(self) -> int:
        return self._engine.cancel_all()

    def next_runs(self) -> dict[uuid.UUID, datetime]:
        return self._scheduler.next_runs() if self._scheduler is not None else {}

    async def replan(self) -> None:
        """After sellers or settings changed: the scheduler plans anew."""
        if self._scheduler is not None:
            await self._scheduler.reload()

    # ----- sellers ---------------------------------------------------------------------------

    async def tenants(self, *, include_archived: bool = False) -> list[TenantView]:
        return await self.db.run(self._tenants.all, include_archived=include_archived)

    async def tenant(self, name: str) -> TenantView:
        return await self.db.run(self._tenants.get, name)

    async def add_tenant(self, draft: TenantDraft) -> Saved:
        await self.team.refuse_unless(TeamAction.CHANGE_SELLERS)
        saved = await self.db.run(self._tenants.add, draft)
        await self._changed_sellers()
        return saved

    async def edit_tenant(self, name: str, changes: TenantChanges) -> Saved:
        await self.team.refuse_unless(TeamAction.CHANGE_SELLERS)
        saved = await self.db.run(self._tenants.edit, name, changes)
        await self._changed_sellers()
        return saved

    async def set_archived(self, name: str, archived: bool) -> TenantView:
        await self.team.refuse_unless(TeamAction.CHANGE_SELLERS)
        tenant = await self.db.run(self._tenants.set_archived, name, archived)
        await self._changed_sellers()
        return tenant

    async def _changed_sellers(self) -> None:
        """The scheduler plans anew; the team's server hears of the change now."""
        self.team.nudge()
        await self.replan()

    async def check_tenant(self, name: str) -> ConnectionReport:
        """Ask the marketplace what the seller's stored credentials may do."""
        from stock_tracker_desktop.services import connection

        return await connection.check_tenant(self._tenants, name, in_db=self.db.run)

    @staticmethod
    async def check_credentials(
        marketplace: Marketplace, credentials: dict[str, str], *, sandbox: bool
    ) -> ConnectionReport:
        """Ask the marketplace what typed credentials may do (nothing is stored)."""
        from stock_tracker_desktop.services import connection

        return await connection.check_credentials(marketplace, credentials, sandbox=sandbox)

    async def check_sheet_access(
        self,
        name: str | None,
        *,
        link: str | None,
        service_account_json: str | None,
    ) -> str:
        """The title of the Google Sheet the seller's export would write to."""
        from stock_tracker_desktop.services import exports

        return await exports.check_sheet_access(
            self._ctx,
            name,
            link=link,
            service_account_json=service_account_json,
            in_db=self.db.run,
        )

    async def check_draft(self, draft: TenantDraft) -> ConnectionReport:
        """Ask the marketplace about a seller not added yet. What ``add_tenant`` would refuse
        offline (a malformed token, a name taken) raises ``InvalidTenant`` before any request."""
        from stock_tracker_desktop.services import connection

        await self.db.run(self._tenants.check_draft, draft)
        return await connection.check_draft(draft)

    async def remember_seller(self, name: str, report: ConnectionReport) -> None:
        """Store the seller's name a check found (the marketplace limits how often it is
        asked)."""
        from stock_tracker_desktop.services import connection

        await self.db.run(connection.remember_seller, self._tenants, name, report)

    async def token_info(self, name: str) -> WbTokenInfo | None:
        """What a WB seller's token says about itself (expiry, categories), read offline; None
        for a seller without a token."""
        return await self.db.run(self._tenants.token_info, name)

    async def remove_tenant(self, name: str) -> None:
        """Delete a seller with its history and snapshots (``set_archived`` keeps them)."""
        await self.team.refuse_unless(TeamAction.CHANGE_SELLERS)
        await self.db.run(self._tenants.remove, name)
        await self._changed_sellers()

    async def import_tenants(self, source: ImportSource) -> ImportReport:
        """Add the sellers of an import file (``read_import``): each row is added whole or
        reported with its line number, and the good rows land whatever the bad ones say."""
        from stock_tracker_desktop.services.tenant_import import import_tenants

        await self.team.refuse_unless(TeamAction.CHANGE_SELLERS)
        report = await self.db.run(import_tenants, self._ctx, source)
        await self._changed_sellers()
        return report

    async def ensure_demo_tenants(self, sim: RunningSimulator) -> None:
        """The demo's sellers, created or given the tokens this simulator minted."""
        from stock_tracker_desktop.services.demo import ensure_demo_tenants

        await self.db.run(ensure_demo_tenants, self._ctx, sim)
        await self.replan()

    # ----- reading ---------------------------------------------------------------------------

    async def overview(self, *, include_archived: bool = False) -> list[TenantOverview]:
        """Every seller with its last run and current snapshot, as the Sellers tab shows."""
        return await self.db.run(tenant_overview, self._ctx, include_archived=include_archived)

    async def home_summary(self) -> HomeSummary:
        """What needs the agency today across every seller, with the next planned runs."""
        summary = await self.db.run(home_summary, self._ctx)
        return summary.with_next_runs(self.next_runs())

    async def history(
        self,
        *,
        tenant_id: uuid.UUID | None = None,
        status: RunStatus | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[RunRecord]:
        def query() -> list[RunRecord]:
            runs = SyncRunRepository(self._ctx.database).history(
                tenant_id=tenant_id, status=status, since=since, limit=None if until else limit
            )
            return runs if until is None else [r for r in runs if r.started_at < until]

        return await self.db.run(query)

    async def run(self, run_id: uuid.UUID) -> RunRecord | None:
        return await self.db.run(lambda: SyncRunRepository(self._ctx.database).get(run_id))

    async def stock(
        self, tenant_id: uuid.UUID, shown: uuid.UUID | None = None
    ) -> StockData | object | None:
        """The seller's current snapshot in both layouts; ``UNCHANGED`` when it is ``shown``
        still, None before its first sync."""
        return await self.db.run(load_stock, self._ctx.database, tenant_id, shown)

    async def product_history(
        self, tenant_id: uuid.UUID, product_id: str
    ) -> list[tuple[datetime, int]]:
        """The product's total stock in every kept snapshot, oldest first (the chart)."""
        return await self.db.run(
            snapshots.product_history, self._ctx.database, tenant_id, product_id
        )

    async def current_snapshot(self, tenant_id: uuid.UUID) -> snapshots.SnapshotInfo | None:
        """The seller's newest complete snapshot; None before its first successful sync."""
        return await self.db.run(snapshots.current_snapshot, self._ctx.database, tenant_id)

    async def stock_levels(
        self, snapshot_id: uuid.UUID, *, low_only: bool = False
    ) -> list[snapshots.StockLevelRow]:
        return await self.db.run(
            snapshots.stock_levels, self._ctx.database, snapshot_id, low_only=low_only
        )

    # ----- settings --------------------------------------------------------------------------

    async def settings(self) -> Settings:
        return await self.db.run(self._settings.load)

    async def update_settings(self, **changes: Any) -> Settings:
        """Save the changes; the concurrency and the schedules apply at once."""
        updated = await self.db.run(self._settings.update, **changes)
        if self._sync_engine is not None:  # an engine made later reads the setting itself
            self._sync_engine.set_concurrency(updated.concurrency)
        await self.replan()
        return updated

    async def default_service_account_email(self) -> str:
        """The agency's default Google service account ("" when none is set): sellers without
        a key of their own share their sheets with it."""
        from stock_tracker_desktop.services.agency import default_service_account_email

        return await self.db.run(default_service_account_email, self._ctx)

    async def set_default_service_account(self, key_json: str) -> str:
        """Store the agency's default key; returns its e-mail. Raises ``InvalidTenant`` on a key
        that is not a service account's."""
        from stock_tracker_desktop.services.agency import set_default_service_account

        return await self.db.run(set_default_service_account, self._ctx, key_json)

    async def clear_default_service_account(self) -> None:
        from stock_tracker_desktop.services.agency import clear_default_service_account

        await self.db.run(clear_default_service_account, self._ctx)

    async def export_language(self) -> exports.Language:
        """The language of exported headers: the app's, or the system's when it follows it."""
        from stock_tracker_desktop.services.settings import export_language

        return export_language(await self.settings())

    # ----- files out -------------------------------------------------------------------------

    async def export_files(
        self,
        names: Sequence[str],
        fmt: exports.FileFormat,
        out: Path,
        *,
        language: exports.Language,
        excel: bool = False,
    ) -> Path:
        from stock_tracker_desktop.services import exports

        return await self.db.run(
            exports.export_files, self._ctx, names, fmt, out, language=language, excel=excel
        )

    async def export_diagnostics(self, path: Path) -> Path:
        from stock_tracker_desktop.services import diagnostics

        return await self.db.run(diagnostics.export_diagnostics, self._ctx, path)

    async def export_sheet(self, name: str, *, language: exports.Language) -> exports.SheetResult:
        """Write the seller's newest snapshot into its Google Sheet. Raises ``NoSnapshot``
        before its first sync and ``SheetsError`` when Google says no."""
        from stock_tracker_desktop.services import exports

        return await exports.export_sheet(self._ctx, name, language=language, in_db=self.db.run)

    async def backup(self, label: str = "manual") -> Path:
        """A backup copy of the database now; unlike the automatic ones it is never pruned."""
        from stock_tracker_desktop.storage.backups import backup_database, backups_dir

        ctx = self._ctx
        return await self.db.run(
            backup_database,
            ctx.db_path,
            ctx.vault.keys.database_key,
            backups_dir(ctx.home),
            label,
            auto=False,
        )

    # ----- the vault -------------------------------------------------------------------------

    def vault_status(self) -> vault_service.VaultStatus:
        from stock_tracker_desktop.services import vault_service

        return vault_service.status(self._ctx)

    async def export_recovery(self, path: Path, passphrase: str) -> None:
        from stock_tracker_desktop.services import vault_service

        await self.db.run(vault_service.export_recovery, self._ctx, path, passphrase)

    async def may_rotate(self) -> None:
        """Raise ``InstallationBusy`` (naming who) unless this process alone has the
        installation open, so a rotation now would not pull the file from under another."""

        def probe() -> None:
            with self._ctx.exclusive("rotate"):
                pass

        await self.db.run(probe)

    async def rotate_key(self) -> Path:
        """A new master key for the vault and the database while the app stays open.

        Planning pauses and running syncs are cancelled and recorded first (the file is
        replaced underneath them); the rotation runs on the database thread, which then goes
        on under the new key. Raises ``InstallationBusy`` when another process has the
        installation open. Returns the backup taken before.
        """
        from stock_tracker_desktop.services import vault_service

        planned = self._scheduler is not None
        if self._scheduler is not None:
            await self._scheduler.shutdown()
            self._scheduler = None
        await self._engine.stop_all()
        try:
            return await self.db.run(vault_service.rotate, self._ctx)
        finally:
            if planned:
                await self.start_scheduler()
