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
from typing import Any

from stock_tracker_desktop.storage.database_thread import DatabaseThread
from stock_tracker_desktop.domain.models import ConnectionReport
from stock_tracker_desktop.marketplaces.factory import create_client
from stock_tracker_desktop.security.vault import PassphraseProvider
from stock_tracker_desktop.services import connection, diagnostics, exports, vault_service
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.overview import TenantOverview, tenant_overview
from stock_tracker_desktop.services.settings import Settings, SettingsService
from stock_tracker_desktop.services.tenants import (
    Saved,
    TenantChanges,
    TenantDraft,
    TenantService,
    TenantView,
)
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.sync_runs import RunRecord, SyncRunRepository
from stock_tracker_desktop.sync.engine import ClientFactory, RunningTenant, SyncEngine
from stock_tracker_desktop.sync.events import Listener, SyncResult
from stock_tracker_desktop.sync.scheduler import SyncScheduler
from stock_tracker_desktop.domain.runs import RunStatus, Trigger

log = logging.getLogger(__name__)


class AppCore:
    """One opened installation and everything that works on it, for one process."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        concurrency: int | None = None,
        client_factory: ClientFactory = create_client,
    ) -> None:
        self._ctx = ctx
        self.db = DatabaseThread(lambda: ctx.database)
        self._tenants = TenantService(ctx)
        self._settings = SettingsService(ctx)
        self._engine = SyncEngine(
            ctx, self.db, concurrency=concurrency, client_factory=client_factory
        )
        self._scheduler: SyncScheduler | None = None

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
            self._scheduler = SyncScheduler(self._engine)
            await self._scheduler.start()
        return self._scheduler

    @property
    def scheduler(self) -> SyncScheduler | None:
        return self._scheduler

    async def aclose(self) -> None:
        """Stop planning, cancel what runs and wait until every run is recorded, release the
        database thread. The installation itself stays open until ``close``."""
        if self._scheduler is not None:
            await self._scheduler.shutdown()
            self._scheduler = None
        await self._engine.aclose()
        self.db.close()

    def close(self) -> None:
        """Release the installation (its lock and database); after ``aclose``."""
        self._ctx.close()

    # ----- syncing ---------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._engine.subscribe(listener)

    @property
    def running(self) -> list[RunningTenant]:
        return self._engine.running

    def is_running(self, tenant_id: uuid.UUID) -> bool:
        return self._engine.is_running(tenant_id)

    def start_sync(
        self, tenant: TenantView, trigger: Trigger = Trigger.MANUAL
    ) -> asyncio.Task[SyncResult]:
        return self._engine.start(tenant, trigger)

    async def sync(
        self, names: Sequence[str] | None = None, trigger: Trigger = Trigger.MANUAL
    ) -> list[SyncResult]:
        """Sync the named sellers (default: every enabled one) and wait for all."""
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
        saved = await self.db.run(self._tenants.add, draft)
        await self.replan()
        return saved

    async def edit_tenant(self, name: str, changes: TenantChanges) -> Saved:
        saved = await self.db.run(self._tenants.edit, name, changes)
        await self.replan()
        return saved

    async def set_archived(self, name: str, archived: bool) -> TenantView:
        tenant = await self.db.run(self._tenants.set_archived, name, archived)
        await self.replan()
        return tenant

    async def check_tenant(self, name: str) -> ConnectionReport:
        """Ask the marketplace what the seller's stored credentials may do."""
        return await connection.check_tenant(self._tenants, name, in_db=self.db.run)

    async def check_credentials(self, tenant: TenantView, credentials: dict[str, str]) -> Any:
        return await connection.check_credentials(
            self._ctx, tenant, credentials, in_db=self.db.run
        )

    async def check_sheet_access(
        self,
        name: str | None,
        *,
        link: str | None,
        service_account_json: str | None,
    ) -> str:
        """The title of the Google Sheet the seller's export would write to."""
        return await exports.check_sheet_access(
            self._ctx,
            name,
            link=link,
            service_account_json=service_account_json,
            in_db=self.db.run,
        )

    # ----- reading ---------------------------------------------------------------------------

    async def overview(self, *, include_archived: bool = False) -> list[TenantOverview]:
        """Every seller with its last run and current snapshot, as the Sellers tab shows."""
        return await self.db.run(tenant_overview, self._ctx, include_archived=include_archived)

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

    async def product_history(
        self, tenant_id: uuid.UUID, product_id: str
    ) -> list[snapshots.HistoryPoint]:
        return await self.db.run(
            snapshots.product_history, self._ctx.database, tenant_id, product_id
        )

    # ----- settings --------------------------------------------------------------------------

    async def settings(self) -> Settings:
        return await self.db.run(self._settings.load)

    async def update_settings(self, **changes: Any) -> Settings:
        """Save the changes; the concurrency and the schedules apply at once."""
        updated = await self.db.run(self._settings.update, **changes)
        self._engine.set_concurrency(updated.concurrency)
        await self.replan()
        return updated

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
        return await self.db.run(
            exports.export_files, self._ctx, names, fmt, out, language=language, excel=excel
        )

    async def export_diagnostics(self, path: Path) -> Path:
        return await self.db.run(diagnostics.export_diagnostics, self._ctx, path)

    # ----- the vault -------------------------------------------------------------------------

    def vault_status(self) -> vault_service.VaultStatus:
        return vault_service.status(self._ctx)

    async def export_recovery(self, path: Path, passphrase: str) -> None:
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
