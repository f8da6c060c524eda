"""The words and small widgets the Team tab and its dialogs share: roles, kinds of change,
moments, read-only tables, error lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from stock_tracker_desktop.core import TeamRole
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.tenant_editor import ERROR_STYLE

if TYPE_CHECKING:  # a solo desktop's window never loads the team's client (psycopg and all)
    pass

# ----- words -------------------------------------------------------------------------------------


def role_name(role: str) -> str:
    names = {
        TeamRole.VIEWER.value: QCoreApplication.translate("TeamTab", "Viewer"),
        TeamRole.USER.value: QCoreApplication.translate("TeamTab", "User"),
        TeamRole.ADMIN.value: QCoreApplication.translate("TeamTab", "Admin"),
        TeamRole.OWNER.value: QCoreApplication.translate("TeamTab", "Owner"),
    }
    return names.get(role, role)


def role_description(role: TeamRole) -> str:
    """What an invited member of ``role`` may do (an invitation is never for an owner)."""
    descriptions = {
        TeamRole.VIEWER: QCoreApplication.translate(
            "TeamTab", "Sees every seller, its figures and its history; syncs nothing."
        ),
        TeamRole.USER: QCoreApplication.translate(
            "TeamTab", "Also syncs the sellers (their tokens are shared with them)."
        ),
        TeamRole.ADMIN: QCoreApplication.translate(
            "TeamTab", "Also adds, edits, archives and deletes sellers."
        ),
    }
    return descriptions[role]


def kind_name(kind: str) -> str:
    """What a refused outbox entry carried (storage's ``OutboxKind`` values)."""
    names = {
        "seller": QCoreApplication.translate("TeamTab", "Seller's details"),
        "run": QCoreApplication.translate("TeamTab", "Sync run"),
        "snapshot": QCoreApplication.translate("TeamTab", "Stock figures"),
    }
    return names.get(str(kind), str(kind))


def moment_text(moment: datetime | None) -> str:
    """The time alone for a moment of today (10:42), the date and time otherwise."""
    if moment is None:
        return QCoreApplication.translate("TeamTab", "never")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000)).toLocalTime()
    if local.date() == QDateTime.currentDateTime().date():
        return QLocale().toString(local.time(), QLocale.FormatType.ShortFormat)
    return texts.date_time_text(moment)


def table_item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tip:
        item.setToolTip(tip)
    return item


def read_only_table(headers: list[str], stretch: int) -> QTableWidget:
    """A read-only table whose column ``stretch`` takes the room the others leave."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column in range(len(headers)):
        mode = QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(
            column, QHeaderView.ResizeMode.Stretch if column == stretch else mode
        )
    return table


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label
