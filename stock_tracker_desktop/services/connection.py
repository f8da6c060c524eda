"""Checking a tenant's credentials against its marketplace (live, or the overridden base URL)."""

from __future__ import annotations

from collections.abc import Mapping

from stock_tracker_desktop.domain.models import ConnectionReport, Marketplace
from stock_tracker_desktop.domain.problems import Problem, ProblemCode
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
    except MarketplaceError as exc:  # credentials no client can use (also a ValueError)
        return ConnectionReport(seller=None, problems=(exc.call_problem,))
    except ValueError as exc:  # a time factor in the environment that is no number
        unexpected = Problem(
            ProblemCode.UNEXPECTED, {"kind": type(exc).__name__, "detail": str(exc)}
        )
        return ConnectionReport(seller=None, problems=(unexpected,))
    try:
        return await client.check_connection()
    except MarketplaceError as exc:
        return ConnectionReport(seller=None, problems=(exc.call_problem,))
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
    """Store the seller's name a check found (the marketplace limits how often it is asked),
    and when the credentials expire."""
    if report.seller is not None and report.seller.name:
        service.record_seller_name(name, report.seller.name)
    if report.expires_at is not None:
        service.record_credentials_expiry(name, report.expires_at)


def report_as_json(report: ConnectionReport) -> dict[str, object]:
    """The report for scripts: problems in English (a failed call's with its method first),
    and their codes beside them, in the same order, for a script that acts on what went wrong
    rather than on words."""
    return {
        "ok": report.ok,
        "seller": report.seller.name if report.seller else None,
        "granted": list(report.granted),
        "missing": list(report.missing),
        "expires_at": report.expires_at.isoformat() if report.expires_at else None,
        "problems": [str(problem) for problem in report.problems],
        "problem_codes": [problem.code.value for problem in report.problems],
        "refused": report.refused or None,
        "refused_code": report.refusal.code.value if report.refusal else None,
    }
