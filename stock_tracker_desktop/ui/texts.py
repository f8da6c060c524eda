"""Words shared by several screens: statuses, stages, marketplaces, dates, all translated.

Dates, times and numbers go through the helpers at the end (``date_text``, ``date_time_text``,
``count``, ``decimal``, ``plural``): one format everywhere, the UI language's ``QLocale()`` (the
app sets it as the default locale with the language).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale
from PySide6.QtGui import QIcon

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.runs import RunStatus, Stage
from stock_tracker_desktop.ui.resources import icon


def marketplace_name(marketplace: Marketplace) -> str:
    if marketplace is Marketplace.WILDBERRIES:
        return QCoreApplication.translate("Texts", "Wildberries")
    return QCoreApplication.translate("Texts", "Ozon")


def _status_looks() -> dict[RunStatus | None, tuple[str, str]]:
    """Every run status's words and icon: the one table the tenants view, the history, the
    tray and the status bar read (built per call: the language can change)."""

    return {
        None: (QCoreApplication.translate("Texts", "Never synced"), "status-idle"),
        RunStatus.RUNNING: (QCoreApplication.translate("Texts", "Running"), "status-running"),
        RunStatus.SUCCEEDED: (QCoreApplication.translate("Texts", "Succeeded"), "status-ok"),
        RunStatus.PARTLY_SUCCEEDED: (
            QCoreApplication.translate("Texts", "Partly succeeded"),
            "status-partial",
        ),
        RunStatus.FAILED: (QCoreApplication.translate("Texts", "Failed"), "status-failed"),
        RunStatus.CANCELLED: (QCoreApplication.translate("Texts", "Cancelled"), "status-cancelled"),
        # Stopped by a crash or a kill, not by the user: a failure to look at.
        RunStatus.INTERRUPTED: (
            QCoreApplication.translate("Texts", "Interrupted"),
            "status-failed",
        ),
    }


def status_name(status: RunStatus | None) -> str:
    return _status_looks()[status][0]


def status_icon(status: RunStatus | None) -> QIcon:
    return icon(_status_looks()[status][1])


def stage_name(stage: str) -> str:
    """A stage id of the engine or a client ("stock:fbo") in words."""

    names = {
        Stage.WAITING: QCoreApplication.translate("Texts", "waiting"),
        Stage.PRODUCTS: QCoreApplication.translate("Texts", "products"),
        Stage.STOCK: QCoreApplication.translate("Texts", "stock"),
        Stage.ORDERS: QCoreApplication.translate("Texts", "orders"),
        Stage.SAVING: QCoreApplication.translate("Texts", "saving"),
        Stage.EXPORT: QCoreApplication.translate("Texts", "exports"),
        Stage.SYNC: QCoreApplication.translate("Texts", "the sync as a whole"),
    }
    known = Stage.of(stage)
    return names[known] if known is not None else stage


def date_text(day: date | datetime | None) -> str:
    """A calendar day in the UI language's short date format (12/1/26, 01.12.2026)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)


def date_time_text(moment: datetime | None) -> str:
    """A moment in the user's time zone, in the UI language's short date and time format
    (12/1/26 8:20 AM, 01.12.2026 08:20); a naive moment is taken as UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    stamp = QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000))
    return QLocale().toString(stamp, QLocale.FormatType.ShortFormat)


def local_time(moment: datetime | None) -> str:
    """The same as ``date_time_text`` (the name the window and the tray call)."""
    return date_time_text(moment)


def count(value: int) -> str:
    """A number with the language's digit grouping (12 345 in Russian, 12,345 in English)."""
    return QLocale().toString(value)


def decimal(value: float, decimals: int = 1) -> str:
    """A number with at most ``decimals`` decimals and no needless ones: 14, 7.5 (7,5)."""
    rounded = round(value, decimals)
    if rounded == int(rounded):
        return count(int(rounded))
    text = QLocale().toString(rounded, "f", decimals)
    point = QLocale().decimalPoint()
    return text.rstrip("0").rstrip(point) if point in text else text


def plural(translated: str, n: int) -> str:
    """Finish a plural text that Qt translated with ``n`` (``translate(ctx, "%n run(s)", None,
    n)``): the Russian catalogue carries its own forms (numerusform); English is the source
    language, whose "(s)" becomes "" for one and "s" for any other number."""
    return translated.replace("(s)", "" if n == 1 else "s")
