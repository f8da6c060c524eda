"""The application core and the words front ends use with it.

The window, the tray, the CLI and the daemon import from here (and from ``domain``), never from
the layers below: what they need of those is named here, so the boundary is one file to read.
"""

from stock_tracker_desktop.core.app_core import AppCore
from stock_tracker_desktop.exporters.sheets import SheetsError, SheetTarget
from stock_tracker_desktop.exporters.texts import Language
from stock_tracker_desktop.security.keystore import (
    MIN_PASSPHRASE_LENGTH,
    KeystoreError,
    keyring_status,
)
from stock_tracker_desktop.security.redaction import redact
from stock_tracker_desktop.security.vault import (
    PassphraseProvider,
    PassphraseRequired,
    Vault,
    WrongPassphrase,
)
from stock_tracker_desktop.services.connection import report_as_json
from stock_tracker_desktop.services.exports import ExportPathError, FileFormat, NoSnapshot
from stock_tracker_desktop.services.overview import (
    EXPIRY_WARNING,
    ExpiringCredentials,
    FailedSeller,
    HomeSummary,
    ShortProduct,
    TenantOverview,
)
from stock_tracker_desktop.services.settings import InvalidSetting, Settings
from stock_tracker_desktop.services.stock_tables import (
    EMPTY_TABLE,
    LEVEL_COLUMNS,
    NUMERIC_COLUMNS,
    PRODUCT_COLUMNS,
    UNCHANGED,
    Layout,
    StockData,
    StockTable,
    level_table,
    load_stock,
    product_table,
    read_level_columns,
)
from stock_tracker_desktop.services.tenant_import import ImportFileError
from stock_tracker_desktop.services.tenants import (
    Saved,
    TenantChanges,
    TenantDraft,
    TenantNotFound,
    TenantView,
)
from stock_tracker_desktop.storage.database import DatabaseError
from stock_tracker_desktop.storage.installation_lock import Holder, InstallationBusy, announce
from stock_tracker_desktop.storage.migrations import MigrationFailed
from stock_tracker_desktop.storage.snapshots import SnapshotInfo, StockLevelRow
from stock_tracker_desktop.storage.sync_runs import RunRecord
from stock_tracker_desktop.sync.engine import RunningTenant
from stock_tracker_desktop.sync.events import (
    SyncEvent,
    SyncFinished,
    SyncProgress,
    SyncResult,
    SyncStarted,
)

__all__ = ["AppCore"]

# The lower layers' errors that a front end turns into messages.
__all__ += [
    "DatabaseError",
    "ExportPathError",
    "ImportFileError",
    "InvalidSetting",
    "KeystoreError",
    "MigrationFailed",
    "NoSnapshot",
    "SheetsError",
    "TenantNotFound",
]
# Sellers as the use cases take and return them.
__all__ += ["Saved", "TenantChanges", "TenantDraft", "TenantView"]
# Syncs: what the engine tells listeners, how a sync request ends, a run as history has it.
__all__ += ["RunRecord", "SyncEvent", "SyncFinished", "SyncProgress", "SyncResult", "SyncStarted"]
# The app's settings, as read and as saved.
__all__ += ["Settings"]
# A seller's current figures: its newest snapshot and the stock levels in it.
__all__ += ["SnapshotInfo", "StockLevelRow"]
# The languages exported headers are written in.
__all__ += ["Language"]
# A connection check as JSON, with the same keys whichever front end prints it.
__all__ += ["report_as_json"]
# Opening an installation from the window: the vault's questions and answers.
__all__ += [
    "PassphraseProvider",
    "PassphraseRequired",
    "WrongPassphrase",
    "keyring_status",
    "vault_exists",
]
# Another process has the installation open (rotation, restore), and how this one is named.
__all__ += ["Holder", "InstallationBusy", "announce"]
# The window's read models: a seller in the Sellers tab, a sync in progress.
__all__ += ["RunningTenant", "TenantOverview"]

vault_exists = Vault.exists
# The stock view's tables: a snapshot in both layouts, column by column (services/stock_tables).
__all__ += [
    "EMPTY_TABLE",
    "LEVEL_COLUMNS",
    "NUMERIC_COLUMNS",
    "PRODUCT_COLUMNS",
    "UNCHANGED",
    "Layout",
    "StockData",
    "StockTable",
    "level_table",
    "load_stock",
    "product_table",
    "read_level_columns",
]
# Rules the window's dialogs apply as they are typed: the vault passphrase's length, and
# secrets masked out of any text shown.
__all__ += ["MIN_PASSPHRASE_LENGTH", "redact"]
# A Google Sheet as a seller's export names it.
__all__ += ["SheetTarget"]
# The home view: what needs the agency today.
__all__ += ["EXPIRY_WARNING", "ExpiringCredentials", "FailedSeller", "HomeSummary", "ShortProduct"]
# The file formats an export writes.
__all__ += ["FileFormat"]
