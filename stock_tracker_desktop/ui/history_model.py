"""The sync history as a Qt table: one row per run, newest first, plus words for its figures."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon

from stock_tracker_desktop.core import RunRecord
from stock_tracker_desktop.domain.runs import RunStatus, Trigger
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.problem_texts import stored_problem_text

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = (
    "started",
    "tenant",
    "status",
    "duration",
    "trigger",
    "products",
    "stock_rows",
    "orders",
    "requests",
    "rate_limited",
)
NUMERIC = frozenset({"duration", "products", "stock_rows", "orders", "requests", "rate_limited"})
RunRole = Qt.ItemDataRole.UserRole + 1


def status_text(status: RunStatus) -> str:
    return texts.status_name(status)  # the one table of statuses' words and icons


def status_icon(status: RunStatus) -> QIcon:
    return texts.status_icon(status)


def trigger_text(trigger: Trigger) -> str:
    names = {
        Trigger.MANUAL: QCoreApplication.translate("SyncHistory", "Manual"),
        Trigger.SCHEDULE: QCoreApplication.translate("SyncHistory", "Schedule"),
        Trigger.CLI: QCoreApplication.translate("SyncHistory", "Command line"),
    }
    return names[trigger]


def stage_text(stage: str) -> str:
    """A stage id (``stock``, or ``stock:fbs`` in progress) as a heading: the one table's word
    (``texts.stage_name``), capitalised."""
    words = texts.stage_name(stage)
    return words[:1].upper() + words[1:]


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        text = QCoreApplication.translate("SyncHistory", "{seconds} s")
        return text.format(seconds=QLocale().toString(seconds, "f", 1))
    minutes, rest = divmod(round(seconds), 60)
    return QCoreApplication.translate("SyncHistory", "{m} min {s:02d} s").format(m=minutes, s=rest)


def local_time_text(moment: datetime | None) -> str:
    """A moment in the user's time zone, in the format of every view (``texts``)."""
    return texts.date_time_text(moment)


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[RunRecord] = []
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def set_runs(self, runs: list[RunRecord]) -> None:
        self.beginResetModel()
        self._runs = runs
        self.endResetModel()

    def run(self, row: int) -> RunRecord:
        return self._runs[row]

    def row_of(self, run_id: object) -> int:
        return next((n for n, run in enumerate(self._runs) if run.id == run_id), -1)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        run = self._runs[index.row()]
        name = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(run, name)
        if role == Qt.ItemDataRole.DecorationRole and name == "status":
            return status_icon(run.status)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._right if name in NUMERIC else self._left
        if role == Qt.ItemDataRole.ToolTipRole and run.error_message:
            return stored_problem_text(run.problem, run.error_message)
        if role == RunRole:
            return run
        return None

    @staticmethod
    def _display(run: RunRecord, name: str) -> object:
        match name:
            case "started":
                return local_time_text(run.started_at)
            case "tenant":
                return run.tenant
            case "status":
                return status_text(run.status)
            case "duration":
                return duration_text(run.duration)
            case "trigger":
                return trigger_text(run.trigger)
        return getattr(run, name)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        name = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            titles = {
                "started": self.tr("Started"),
                "tenant": self.tr("Seller"),
                "status": self.tr("Status"),
                "duration": self.tr("Duration"),
                "trigger": self.tr("Started by"),
                "products": self.tr("Products"),
                "stock_rows": self.tr("Stock rows"),
                "orders": self.tr("Orders"),
                "requests": self.tr("Requests"),
                "rate_limited": self.tr("429s"),
            }
            return titles[name]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._right if name in NUMERIC else self._left
        if role == Qt.ItemDataRole.ToolTipRole and name == "rate_limited":
            return self.tr("Answers \u201ctoo many requests\u201d (HTTP 429) the sync waited out")
        return None
