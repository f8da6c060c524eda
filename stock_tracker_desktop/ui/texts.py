"""Words shared by several screens: statuses, stages, marketplaces, dates, all translated."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale
from PySide6.QtGui import QIcon

from stock_tracker_desktop.domain.models import ConnectionReport, Marketplace
from stock_tracker_desktop.storage.sync_runs import RunStatus
from stock_tracker_desktop.ui.resources import icon


def marketplace_name(marketplace: Marketplace) -> str:
    if marketplace is Marketplace.WILDBERRIES:
        return QCoreApplication.translate("Texts", "Wildberries")
    return QCoreApplication.translate("Texts", "Ozon")


def status_name(status: RunStatus) -> str:
    names = {
        RunStatus.RUNNING: QCoreApplication.translate("Texts", "running"),
        RunStatus.SUCCEEDED: QCoreApplication.translate("Texts", "succeeded"),
        RunStatus.PARTLY_SUCCEEDED: QCoreApplication.translate("Texts", "partly succeeded"),
        RunStatus.FAILED: QCoreApplication.translate("Texts", "failed"),
        RunStatus.CANCELLED: QCoreApplication.translate("Texts", "cancelled"),
        RunStatus.INTERRUPTED: QCoreApplication.translate("Texts", "interrupted"),
    }
    return names[status]


def connection_report_lines(report: ConnectionReport) -> list[str]:
    """What a connection check found, line by line, for the editor and the tenants view."""

    def tr(text: str) -> str:
        return QCoreApplication.translate("Texts", text)

    lines = []
    if report.seller is not None and report.seller.name:
        lines.append(tr("Seller: %1").replace("%1", report.seller.name))
    if report.granted:
        lines.append(tr("Works: %1").replace("%1", ", ".join(report.granted)))
    if report.missing:
        lines.append(tr("Missing: %1").replace("%1", ", ".join(report.missing)))
    if report.expires_at is not None:
        lines.append(tr("Token valid until %1").replace("%1", local_time(report.expires_at)))
    return lines + list(report.problems)


def status_icon(status: RunStatus | None) -> QIcon:
    names = {
        None: "status-idle",
        RunStatus.RUNNING: "status-running",
        RunStatus.SUCCEEDED: "status-ok",
        RunStatus.PARTLY_SUCCEEDED: "status-partial",
        RunStatus.FAILED: "status-failed",
        RunStatus.CANCELLED: "status-cancelled",
        RunStatus.INTERRUPTED: "status-cancelled",
    }
    return icon(names[status])


def stage_name(stage: str) -> str:
    """The engine's and clients' stage ids ("stock:fbo") in words."""
    base = stage.split(":", 1)[0]
    names = {
        "waiting": QCoreApplication.translate("Texts", "waiting"),
        "products": QCoreApplication.translate("Texts", "products"),
        "stock": QCoreApplication.translate("Texts", "stock"),
        "orders": QCoreApplication.translate("Texts", "orders"),
        "saving": QCoreApplication.translate("Texts", "saving"),
    }
    return names.get(base, base)


def local_time(moment: datetime | None) -> str:
    """A timestamp in the user's zone and the chosen language's short format."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    stamp = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
    return QLocale().toString(stamp, QLocale.FormatType.ShortFormat)


def count(value: int) -> str:
    """A number with the language's digit grouping (12 345 in Russian, 12,345 in English)."""
    return QLocale().toString(value)
