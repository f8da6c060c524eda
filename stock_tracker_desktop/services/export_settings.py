"""Which exports a tenant's settings ask for after each sync, without loading the exporters.

The exporters pull in Google's and the spreadsheet libraries (~30 MB and a third of a second at
start-up); the sync engine only needs to know whether a tenant has exports at all, and loads them
when one does.
"""

from __future__ import annotations

from stock_tracker_desktop.services.tenants import TenantView

SHEET_OVERRIDE = "google_sheet"
WORKSHEET_OVERRIDE = "google_worksheet"
FOLDER_OVERRIDE = "export_folder"
FORMATS_OVERRIDE = "export_formats"


class ExportFailed(RuntimeError):
    """One or more of a tenant's configured exports failed; the message lists them."""


def has_exports(tenant: TenantView) -> bool:
    return bool(tenant.overrides.get(SHEET_OVERRIDE) or tenant.overrides.get(FOLDER_OVERRIDE))
