"""Paints a running sync inside its row: a bar by stage, with the stage and rows so far."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from stock_tracker_desktop.domain.runs import Stage
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.tenants_model import PROGRESS_ROLE, Progress

# How far a sync is at each stage: the total of pages is unknown until the end, so the bar
# moves by stage (products first, then stock beside orders, then saving).
STAGE_PERCENT = {
    Stage.WAITING: 2,
    Stage.PRODUCTS: 15,
    Stage.STOCK: 50,
    Stage.ORDERS: 50,
    Stage.SAVING: 90,
    Stage.EXPORT: 95,
}


def progress_text(progress: Progress) -> str:
    return (
        QCoreApplication.translate("Progress", "%1: %2 rows")
        .replace("%1", texts.stage_name(progress.stage))
        .replace("%2", texts.count(progress.rows))
    )


class SyncProgressDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        progress = index.data(PROGRESS_ROLE)
        if not isinstance(progress, Progress):
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 100
        stage = Stage.of(progress.stage)
        bar.progress = STAGE_PERCENT.get(stage, 50) if stage is not None else 50
        bar.text = progress_text(progress)
        bar.textVisible = True
        bar.state = option.state
        bar.palette = option.palette
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
