"""The application core and the words front ends use with it.

The window, the tray, the CLI and the daemon import from here (and from ``domain``), never from
the layers below: what they need of those is named here, so the boundary is one file to read.

Names load on first use (PEP 562): a CLI command that lists sellers does not import the
exporters, the marketplace clients or the scheduler it never calls.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Where each name lives, grouped by what front ends use it for.
_HOMES: dict[str, str] = {
    # The one door.
    "AppCore": "stock_tracker_desktop.core.app_core",
    # The lower layers' errors that a front end turns into messages.
    "DatabaseError": "stock_tracker_desktop.storage.database",
    "ExportPathError": "stock_tracker_desktop.services.exports",
    "ImportFileError": "stock_tracker_desktop.services.tenant_import",
    "InvalidSetting": "stock_tracker_desktop.services.settings",
    "KeystoreError": "stock_tracker_desktop.security.keystore",
    "MigrationFailed": "stock_tracker_desktop.storage.migrations",
    "NoSnapshot": "stock_tracker_desktop.services.exports",
    "SheetsError": "stock_tracker_desktop.exporters.sheets",
    "TenantNotFound": "stock_tracker_desktop.services.tenants",
    # Sellers as the use cases take and return them.
    "Saved": "stock_tracker_desktop.services.tenants",
    "TenantChanges": "stock_tracker_desktop.services.tenants",
    "TenantDraft": "stock_tracker_desktop.services.tenants",
    "TenantView": "stock_tracker_desktop.services.tenants",
    # Syncs: what the engine tells listeners, how a sync request ends, a run as history has it.
    "RunRecord": "stock_tracker_desktop.storage.sync_runs",
    "SyncEvent": "stock_tracker_desktop.sync.events",
    "SyncFinished": "stock_tracker_desktop.sync.events",
    "SyncProgress": "stock_tracker_desktop.sync.events",
    "SyncResult": "stock_tracker_desktop.sync.events",
    "SyncStarted": "stock_tracker_desktop.sync.events",
    # The app's settings, as read and as saved.
    "Settings": "stock_tracker_desktop.services.settings",
    # A seller's current figures: its newest snapshot and the stock levels in it.
    "SnapshotInfo": "stock_tracker_desktop.storage.snapshots",
    "StockLevelRow": "stock_tracker_desktop.storage.snapshots",
    # The languages exported headers are written in.
    "Language": "stock_tracker_desktop.exporters.texts",
    # A connection check as JSON, with the same keys whichever front end prints it.
    "report_as_json": "stock_tracker_desktop.services.connection",
    # Opening an installation from the window: the vault's questions and answers.
    "PassphraseProvider": "stock_tracker_desktop.security.vault",
    "PassphraseRequired": "stock_tracker_desktop.security.vault",
    "WrongPassphrase": "stock_tracker_desktop.security.vault",
    "keyring_status": "stock_tracker_desktop.security.keystore",
    # Another process has the installation open (rotation, restore), and how this one is named.
    "Holder": "stock_tracker_desktop.storage.installation_lock",
    "InstallationBusy": "stock_tracker_desktop.storage.installation_lock",
    "announce": "stock_tracker_desktop.storage.installation_lock",
    # The window's read models: a seller in the Sellers tab, a sync in progress.
    "RunningTenant": "stock_tracker_desktop.sync.engine",
    "TenantOverview": "stock_tracker_desktop.services.overview",
    # The stock view's tables: a snapshot in both layouts, column by column (services/stock_tables).
    "EMPTY_TABLE": "stock_tracker_desktop.services.stock_tables",
    "LEVEL_COLUMNS": "stock_tracker_desktop.services.stock_tables",
    "NUMERIC_COLUMNS": "stock_tracker_desktop.services.stock_tables",
    "PRODUCT_COLUMNS": "stock_tracker_desktop.services.stock_tables",
    "UNCHANGED": "stock_tracker_desktop.services.stock_tables",
    "Layout": "stock_tracker_desktop.services.stock_tables",
    "StockData": "stock_tracker_desktop.services.stock_tables",
    "StockTable": "stock_tracker_desktop.services.stock_tables",
    "level_table": "stock_tracker_desktop.services.stock_tables",
    "load_stock": "stock_tracker_desktop.services.stock_tables",
    "product_table": "stock_tracker_desktop.services.stock_tables",
    "read_level_columns": "stock_tracker_desktop.services.stock_tables",
    # Rules the window's dialogs apply as they are typed: the vault passphrase's length, and
    # secrets masked out of any text shown.
    "MIN_PASSPHRASE_LENGTH": "stock_tracker_desktop.security.keystore",
    "redact": "stock_tracker_desktop.security.redaction",
    # A Google Sheet as a seller's export names it.
    "SheetTarget": "stock_tracker_desktop.exporters.sheets",
    # The home view: what needs the agency today.
    "EXPIRY_WARNING": "stock_tracker_desktop.services.overview",
    "ExpiringCredentials": "stock_tracker_desktop.services.overview",
    "FailedSeller": "stock_tracker_desktop.services.overview",
    "HomeSummary": "stock_tracker_desktop.services.overview",
    "ShortProduct": "stock_tracker_desktop.services.overview",
    # The file formats an export writes.
    "FileFormat": "stock_tracker_desktop.services.exports",
    # Team mode: a member's role, the desktop's standing, what went wrong (docs/team.md).
    "TeamError": "stock_tracker_desktop.core.team_core",
    "TeamRole": "stock_tracker_desktop.team.names",
    "TeamStatus": "stock_tracker_desktop.team.membership",
    "Member": "stock_tracker_desktop.team.roles",
    "FailedEntry": "stock_tracker_desktop.storage.outbox",
    "CycleReport": "stock_tracker_desktop.team.worker",
    # The licence and the plan (docs/licensing.md): where it stands, what it refuses.
    "LicenceProblem": "stock_tracker_desktop.services.licence",
    "LicenceUsage": "stock_tracker_desktop.core.licence_core",
    "PlanLimit": "stock_tracker_desktop.services.plan_limits",
}

# For type checkers and readers: the same names, imported as they are at run time.
if TYPE_CHECKING:
    from stock_tracker_desktop.core.app_core import (
        AppCore as AppCore,
    )
    from stock_tracker_desktop.core.licence_core import (
        LicenceUsage as LicenceUsage,
    )
    from stock_tracker_desktop.core.team_core import (
        TeamError as TeamError,
    )
    from stock_tracker_desktop.exporters.sheets import (
        SheetsError as SheetsError,
    )
    from stock_tracker_desktop.exporters.sheets import (
        SheetTarget as SheetTarget,
    )
    from stock_tracker_desktop.exporters.texts import (
        Language as Language,
    )
    from stock_tracker_desktop.security.keystore import (
        MIN_PASSPHRASE_LENGTH as MIN_PASSPHRASE_LENGTH,
    )
    from stock_tracker_desktop.security.keystore import (
        KeystoreError as KeystoreError,
    )
    from stock_tracker_desktop.security.keystore import (
        keyring_status as keyring_status,
    )
    from stock_tracker_desktop.security.redaction import (
        redact as redact,
    )
    from stock_tracker_desktop.security.vault import (
        PassphraseProvider as PassphraseProvider,
    )
    from stock_tracker_desktop.security.vault import (
        PassphraseRequired as PassphraseRequired,
    )
    from stock_tracker_desktop.security.vault import (
        WrongPassphrase as WrongPassphrase,
    )
    from stock_tracker_desktop.services.connection import (
        report_as_json as report_as_json,
    )
    from stock_tracker_desktop.services.exports import (
        ExportPathError as ExportPathError,
    )
    from stock_tracker_desktop.services.exports import (
        FileFormat as FileFormat,
    )
    from stock_tracker_desktop.services.exports import (
        NoSnapshot as NoSnapshot,
    )
    from stock_tracker_desktop.services.licence import (
        LicenceProblem as LicenceProblem,
    )
    from stock_tracker_desktop.services.overview import (
        EXPIRY_WARNING as EXPIRY_WARNING,
    )
    from stock_tracker_desktop.services.overview import (
        ExpiringCredentials as ExpiringCredentials,
    )
    from stock_tracker_desktop.services.overview import (
        FailedSeller as FailedSeller,
    )
    from stock_tracker_desktop.services.overview import (
        HomeSummary as HomeSummary,
    )
    from stock_tracker_desktop.services.overview import (
        ShortProduct as ShortProduct,
    )
    from stock_tracker_desktop.services.overview import (
        TenantOverview as TenantOverview,
    )
    from stock_tracker_desktop.services.plan_limits import (
        PlanLimit as PlanLimit,
    )
    from stock_tracker_desktop.services.settings import (
        InvalidSetting as InvalidSetting,
    )
    from stock_tracker_desktop.services.settings import (
        Settings as Settings,
    )
    from stock_tracker_desktop.services.stock_tables import (
        EMPTY_TABLE as EMPTY_TABLE,
    )
    from stock_tracker_desktop.services.stock_tables import (
        LEVEL_COLUMNS as LEVEL_COLUMNS,
    )
    from stock_tracker_desktop.services.stock_tables import (
        NUMERIC_COLUMNS as NUMERIC_COLUMNS,
    )
    from stock_tracker_desktop.services.stock_tables import (
        PRODUCT_COLUMNS as PRODUCT_COLUMNS,
    )
    from stock_tracker_desktop.services.stock_tables import (
        UNCHANGED as UNCHANGED,
    )
    from stock_tracker_desktop.services.stock_tables import (
        Layout as Layout,
    )
    from stock_tracker_desktop.services.stock_tables import (
        StockData as StockData,
    )
    from stock_tracker_desktop.services.stock_tables import (
        StockTable as StockTable,
    )
    from stock_tracker_desktop.services.stock_tables import (
        level_table as level_table,
    )
    from stock_tracker_desktop.services.stock_tables import (
        load_stock as load_stock,
    )
    from stock_tracker_desktop.services.stock_tables import (
        product_table as product_table,
    )
    from stock_tracker_desktop.services.stock_tables import (
        read_level_columns as read_level_columns,
    )
    from stock_tracker_desktop.services.tenant_import import (
        ImportFileError as ImportFileError,
    )
    from stock_tracker_desktop.services.tenants import (
        Saved as Saved,
    )
    from stock_tracker_desktop.services.tenants import (
        TenantChanges as TenantChanges,
    )
    from stock_tracker_desktop.services.tenants import (
        TenantDraft as TenantDraft,
    )
    from stock_tracker_desktop.services.tenants import (
        TenantNotFound as TenantNotFound,
    )
    from stock_tracker_desktop.services.tenants import (
        TenantView as TenantView,
    )
    from stock_tracker_desktop.storage.database import (
        DatabaseError as DatabaseError,
    )
    from stock_tracker_desktop.storage.installation_lock import (
        Holder as Holder,
    )
    from stock_tracker_desktop.storage.installation_lock import (
        InstallationBusy as InstallationBusy,
    )
    from stock_tracker_desktop.storage.installation_lock import (
        announce as announce,
    )
    from stock_tracker_desktop.storage.migrations import (
        MigrationFailed as MigrationFailed,
    )
    from stock_tracker_desktop.storage.outbox import (
        FailedEntry as FailedEntry,
    )
    from stock_tracker_desktop.storage.snapshots import (
        SnapshotInfo as SnapshotInfo,
    )
    from stock_tracker_desktop.storage.snapshots import (
        StockLevelRow as StockLevelRow,
    )
    from stock_tracker_desktop.storage.sync_runs import (
        RunRecord as RunRecord,
    )
    from stock_tracker_desktop.sync.engine import (
        RunningTenant as RunningTenant,
    )
    from stock_tracker_desktop.sync.events import (
        SyncEvent as SyncEvent,
    )
    from stock_tracker_desktop.sync.events import (
        SyncFinished as SyncFinished,
    )
    from stock_tracker_desktop.sync.events import (
        SyncProgress as SyncProgress,
    )
    from stock_tracker_desktop.sync.events import (
        SyncResult as SyncResult,
    )
    from stock_tracker_desktop.sync.events import (
        SyncStarted as SyncStarted,
    )
    from stock_tracker_desktop.team.membership import (
        TeamStatus as TeamStatus,
    )
    from stock_tracker_desktop.team.names import (
        TeamRole as TeamRole,
    )
    from stock_tracker_desktop.team.roles import (
        Member as Member,
    )
    from stock_tracker_desktop.team.worker import (
        CycleReport as CycleReport,
    )


def vault_exists(home: Path) -> bool:
    """Whether ``home`` holds a vault already (the window asks a passphrase twice if not)."""
    from stock_tracker_desktop.security.vault import Vault

    return Vault.exists(home)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # the next use is a plain lookup
    return value


__all__ = sorted([*_HOMES, "vault_exists"])
