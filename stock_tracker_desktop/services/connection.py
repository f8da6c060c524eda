"""Checking a tenant's credentials against its marketplace (live, or the overridden base URL)."""

from __future__ import annotations

from collections.abc import Mapping

from stock_tracker_desktop.domain.models import ConnectionReport, Marketplace
from stock_tracker_desktop.marketplaces.errors import MarketplaceError
from stock_tracker_desktop.marketplaces.factory import create_client
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.storage.database import DbRunner, run_here


async def check_credentials(
    marketplace: Marketplace, credentials: Mapping[str, str], *, sandbox: bool
) -> ConnectionReport:
    """Ask the marketplace which categories work and who the seller is (nothing is stored)."""
    try:
        client = create_client(marketplace, credentials, sandbox=sandbox)
    except (MarketplaceError, ValueError) as exc:
        return ConnectionReport(seller=None, problems=(str(exc),))
    try:
        return await client.check_connection()
    except MarketplaceError as exc:
        return ConnectionReport(seller=None, problems=(str(exc),))
    finally:
        await client.aclose()


async def check_tenant(
    service: TenantService, name: str, *, in_db: DbRunner = run_here
) -> ConnectionReport:
    """Check a stored tenant's credentials and remember the seller's name.

    The database calls go through ``in_db``: in the window, the engine's database thread (a
    query on the GUI thread while a sync writes crashed the process).
    """
    tenant = await in_db(service.get, name)
    credentials = await in_db(service.credentials, name)
    report = await check_credentials(tenant.marketplace, credentials, sandbox=tenant.sandbox)
    await in_db(remember_seller, service, name, report)
    return report


async def check_draft(draft: TenantDraft) -> ConnectionReport:
    """Check the credentials of a tenant not added yet (``report.refused``: do not add it)."""
    return await check_credentials(draft.marketplace, draft.credentials(), sandbox=draft.sandbox)


def remember_seller(service: TenantService, name: str, report: ConnectionReport) -> None:
    """Store the seller's name a check found (the marketplace limits how often it is asked)."""
    if report.seller is not None and report.seller.name:
        service.record_seller_name(name, report.seller.name)


def report_as_json(report: ConnectionReport) -> dict[str, object]:
    return {
        "ok": report.ok,
        "seller": report.seller.name if report.seller else None,
        "granted": list(report.granted),
        "missing": list(report.missing),
        "expires_at": report.expires_at.isoformat() if report.expires_at else None,
        "problems": list(report.problems),
        "refused": report.refused or None,
    }
