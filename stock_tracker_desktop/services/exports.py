"""Export use cases: a tenant's latest snapshot as CSV/XLSX files or into its Google Sheet.

``export_files`` blocks (database and file work): call it on the database thread
(``SyncEngine.in_db``). ``export_sheet`` and ``check_sheet_access`` are coroutines: their database
calls go through ``in_db`` (pass ``SyncEngine.in_db`` while an engine runs; the default runs
them on the caller's thread, for commands that have no engine), the Google calls through worker
threads. Database calls must never run on two threads at once: concurrent queries on the
SQLCipher engine were seen to crash the process.

Where a tenant's sheet lives: ``overrides["google_sheet"]`` (a link or an id) and optionally
``overrides["google_worksheet"]`` (default "Остатки"/"Stock" by language). The service-account
key is the tenant's own vault secret unless one is passed in (the agency default).
"""

from __future__ import annotations

import asyncio
import errno
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TypeVar

from stock_tracker_desktop.config import GOOGLE_BASE_URL_ENV
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.plans import Feature
from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.exporters.csv_export import write_csv
from stock_tracker_desktop.exporters.sheets import (
    SheetResult,
    SheetsError,
    SheetsExporter,
    SheetTarget,
)
from stock_tracker_desktop.exporters.sheets_pacer import SheetsQuota
from stock_tracker_desktop.exporters.table import ExportTable, build_table
from stock_tracker_desktop.exporters.texts import Language
from stock_tracker_desktop.exporters.xlsx_export import write_xlsx
from stock_tracker_desktop.marketplaces import ozon_api, wildberries_api
from stock_tracker_desktop.marketplaces.settings import time_factor_from_env
from stock_tracker_desktop.services.agency import default_service_account
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.export_settings import (
    FOLDER_OVERRIDE,
    FORMATS_OVERRIDE,
    SHEET_OVERRIDE,
    WORKSHEET_OVERRIDE,
    ExportFailed,
    has_exports,
)
from stock_tracker_desktop.services.plan_limits import PlanLimit, PlanLimits
from stock_tracker_desktop.services.tenants import SERVICE_ACCOUNT_KEY, TenantService, TenantView
from stock_tracker_desktop.storage.database import DbRunner, run_here
from stock_tracker_desktop.storage.snapshots import current_snapshot, stock_levels

FileFormat = Literal["csv", "xlsx"]
T = TypeVar("T")

SOURCES: dict[Marketplace, tuple[str, ...]] = {
    Marketplace.WILDBERRIES: tuple(
        e.label
        for e in (
            wildberries_api.CARDS_LIST,
            wildberries_api.WB_WAREHOUSE_STOCKS,
            wildberries_api.REMAINS_CREATE,
            wildberries_api.SELLER_WAREHOUSES,
            wildberries_api.SELLER_STOCKS,
            wildberries_api.SUPPLIER_ORDERS,
        )
    ),
    Marketplace.OZON: tuple(
        e.label
        for e in (
            ozon_api.PRODUCT_LIST,
            ozon_api.PRODUCT_INFO,
            ozon_api.FBS_STOCK,
            ozon_api.FBO_STOCK,
            ozon_api.FBO_POSTINGS,
            ozon_api.FBS_POSTINGS,
        )
    ),
}


class NoSnapshot(LookupError):
    """Tenants that have never been synced have nothing to export."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(
            f"nothing to export yet for {', '.join(names)}: sync first (`stock-tracker sync`)"
        )
        self.names = tuple(names)


class ExportPathError(ValueError):
    """The export's file cannot be written where the user asked; the message says why."""


def load_table(ctx: AppContext, tenant: TenantView) -> ExportTable | None:
    """The tenant's newest snapshot as export rows, or None before its first sync."""
    info = current_snapshot(ctx.database, tenant.id)
    if info is None:
        return None
    levels = stock_levels(ctx.database, info.id)
    return build_table(info, levels, tenant, sources=SOURCES[tenant.marketplace])


def load_tables(ctx: AppContext, names: Sequence[str]) -> list[ExportTable]:
    service = TenantService(ctx)
    tables, missing = [], []
    for name in names:
        table = load_table(ctx, service.get(name))
        if table is None:
            missing.append(name)
        else:
            tables.append(table)
    if missing:
        raise NoSnapshot(missing)
    return tables


def _file_name(tables: Sequence[ExportTable], fmt: FileFormat) -> str:
    who = tables[0].tenant if len(tables) == 1 else f"{len(tables)}-tenants"
    newest = max(t.snapshot.taken_at for t in tables).astimezone(MOSCOW)
    slug = re.sub(r"[^\w.-]+", "_", who).strip("._") or "tenant"
    return f"stock-{slug}-{newest:%Y%m%d-%H%M}.{fmt}"


def _first(paths: Sequence[Path], test: Callable[[str], bool]) -> Path | None:
    # os.path's tests, unlike Path's, answer False instead of raising (a folder we may not read)
    return next((p for p in paths if test(str(p))), None)


def _unwritable(path: Path, exc: OSError) -> str:
    """Why the export cannot be written to ``path`` and what to do, in one sentence that names
    the user's path, never the temporary file."""
    above = sorted(path.parents, key=lambda p: len(p.parts))  # from the root down
    blocker = _first(above, lambda p: os.path.exists(p) and not os.path.isdir(p))
    missing = _first(above, lambda p: not os.path.exists(p))
    if blocker is not None:
        why, action = f"{blocker} is a file, not a folder", "choose a folder instead"
    elif os.path.isdir(path):
        why, action = "a folder of that name is in the way", "remove it or choose another name"
    elif exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        why, action = "there is no room for the file", "free some space or choose another folder"
    elif missing is not None:
        why, action = f"{missing} does not exist and cannot be created", "choose another folder"
    elif exc.errno == errno.ENOENT:  # the folder is there but takes no files (/proc)
        why, action = f"{path.parent} takes no new files", "choose a folder you can write to"
    else:
        denied = exc.errno in (errno.EACCES, errno.EPERM)
        why = "permission denied" if denied else (exc.strerror or type(exc).__name__).lower()
        action = "choose a folder you can write to"
    return f"cannot write the export to {path}: {why}; {action}"


def _write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a hidden temporary file renamed at the end: the file appears whole or not
    at all, and a file already there stays as it was until then. Missing folders are created."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            write(partial)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    except OSError as exc:
        raise ExportPathError(_unwritable(path, exc)) from exc


def export_files(
    ctx: AppContext,
    names: Sequence[str],
    fmt: FileFormat,
    out: Path,
    *,
    excel: bool = False,
    language: Language = "en",
    into_folder: bool = False,
) -> Path:
    """Write the tenants' newest snapshots into one file and return its path.

    ``out`` is the file, or a directory (existing, given without a suffix, or any ``out`` with
    ``into_folder``) to put a file named after the tenant and the snapshot's time in. The file
    appears whole or not at all; ExportPathError says why it could not be written.
    ``excel`` concerns CSV only (XLSX opens in Excel as it is).
    """
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}: csv or xlsx")
    if not names:
        raise ValueError("no tenant to export")
    tables = load_tables(ctx, names)
    folder = into_folder or out.is_dir() or not out.suffix
    path = out / _file_name(tables, fmt) if folder else out
    if fmt == "csv":
        _write_whole(path, lambda into: write_csv(tables, into, excel=excel, language=language))
    else:
        _write_whole(path, lambda into: write_xlsx(tables, into, language=language))
    return path


def _google_base_url(base_url: str | None) -> str | None:
    return base_url or os.environ.get(GOOGLE_BASE_URL_ENV, "").strip() or None


def _sheet_target(tenant: TenantView, link: str | None) -> SheetTarget:
    link = link or str(tenant.overrides.get(SHEET_OVERRIDE) or "")
    if not link:
        raise SheetsError(f"no Google Sheet is set for {tenant.name}: add its link first")
    worksheet = tenant.overrides.get(WORKSHEET_OVERRIDE)
    return SheetTarget.parse(link, str(worksheet) if worksheet else None)


def _exporter(key: str | None, base_url: str | None, quota: SheetsQuota | None) -> SheetsExporter:
    if not key:
        raise SheetsError(
            "no Google service account: add the tenant's key or the agency's default key"
        )
    return SheetsExporter(
        key,
        base_url=_google_base_url(base_url),
        quota=quota or SheetsQuota(time_factor=time_factor_from_env()),
    )


def _prepare(
    ctx: AppContext, name: str, key: str | None, link: str | None
) -> tuple[TenantView, SheetTarget, str | None]:
    service = TenantService(ctx)
    tenant = service.get(name)
    target = _sheet_target(tenant, link)
    # The key given, else the seller's own, else the agency's default.
    key = key or service.credentials(name).get(SERVICE_ACCOUNT_KEY)
    return tenant, target, key or default_service_account(ctx)


async def export_sheet(
    ctx: AppContext,
    name: str,
    *,
    service_account_json: str | None = None,
    language: Language = "en",
    base_url: str | None = None,
    quota: SheetsQuota | None = None,
    in_db: DbRunner | None = None,
) -> SheetResult:
    """Write the tenant's newest snapshot into its Google Sheet (wide layout).

    Raises PlanLimit on a plan without Google Sheets, NoSnapshot before the first sync and
    SheetsError (``retryable`` for quota and server trouble) when Google says no; the snapshot
    itself is never affected.
    """

    def prepare() -> tuple[SheetTarget, ExportTable, SheetsExporter]:
        PlanLimits(ctx).require(Feature.GOOGLE_SHEETS)
        tenant, target, key = _prepare(ctx, name, service_account_json, None)
        table = load_table(ctx, tenant)
        if table is None:
            raise NoSnapshot([name])
        return target, table, _exporter(key, base_url, quota)

    target, table, exporter = await (in_db or run_here)(prepare)
    return await asyncio.to_thread(exporter.export, target, table, language)


async def check_sheet_access(
    ctx: AppContext,
    name: str | None,
    *,
    link: str | None = None,
    service_account_json: str | None = None,
    base_url: str | None = None,
    in_db: DbRunner | None = None,
) -> str:
    """The tenant editor's "Test access": the spreadsheet's title, or SheetsError in words.

    ``link`` and ``service_account_json`` test what the editor holds before it is saved;
    ``name`` None is a seller not stored yet.
    """

    def prepare() -> tuple[SheetTarget, SheetsExporter]:
        if name is None:  # a seller being added: only what the editor holds
            if not link:
                raise SheetsError("enter the sheet's link or id first")
            return SheetTarget.parse(link), _exporter(service_account_json, base_url, None)
        _tenant, target, key = _prepare(ctx, name, service_account_json, link)
        return target, _exporter(key, base_url, None)

    target, exporter = await (in_db or run_here)(prepare)
    return await asyncio.to_thread(exporter.check_access, target)


async def run_configured_exports(
    ctx: AppContext, tenant: TenantView, *, language: Language, in_db: DbRunner
) -> list[str]:
    """The exports a tenant's settings ask for after each sync: its Google Sheet and files in
    its export folder. Returns what was written; raises ExportFailed naming what was not (the
    next sync tries again)."""
    done: list[str] = []
    failures: list[str] = []
    if tenant.overrides.get(SHEET_OVERRIDE):
        try:
            result = await export_sheet(ctx, tenant.name, language=language, in_db=in_db)
            done.append(f"Google Sheet {result.spreadsheet_title or ''}".strip())
        except (SheetsError, NoSnapshot, OSError, PlanLimit) as exc:
            failures.append(f"Google Sheet: {exc}")
    folder = tenant.overrides.get(FOLDER_OVERRIDE)
    for fmt in _configured_formats(tenant.overrides.get(FORMATS_OVERRIDE), folder):
        try:
            path = await in_db(
                export_files,
                ctx,
                [tenant.name],
                fmt,
                Path(str(folder)),
                language=language,
                into_folder=True,
            )
            done.append(str(path))
        except ExportPathError as exc:  # it names the file
            failures.append(f"{fmt.upper()}: {exc}")
        except (OSError, ValueError, NoSnapshot) as exc:
            failures.append(f"{fmt.upper()} into {folder}: {exc}")
    if failures:
        raise ExportFailed("; ".join(failures))
    return done


def _configured_formats(stored: object, folder: object) -> list[FileFormat]:
    """The file formats a seller's settings name (the editor stores a list), XLSX into a
    folder named without formats; a stored word no exporter knows is left out."""
    if not isinstance(stored, list) or not stored:
        return ["xlsx"] if folder else []
    known: dict[str, FileFormat] = {"csv": "csv", "xlsx": "xlsx"}
    return [known[word] for word in stored if word in known]


__all__ = [
    "ExportFailed",
    "ExportPathError",
    "NoSnapshot",
    "SheetResult",
    "SheetTarget",
    "SheetsError",
    "check_sheet_access",
    "export_files",
    "export_sheet",
    "has_exports",
    "load_table",
    "load_tables",
    "run_configured_exports",
]
