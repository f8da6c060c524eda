"""The tray icon: state at a glance, quick actions, and notifications about failures and newly
low stock. Only created where the desktop has a tray."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from stock_tracker_desktop.core import SyncFinished
from stock_tracker_desktop.domain.runs import RunStatus
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.problem_texts import stored_problem_text
from stock_tracker_desktop.ui.resources import icon


class Tray(QObject):
    sync_all_requested = Signal()
    open_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(icon("app"), self)
        self.failures: set[str] = set()
        self.syncing = 0
        self.next_run_text = ""
        self.last_result_text = self.tr("No sync since the start")
        self.notifications: list[tuple[str, str]] = []  # (title, text), as shown this session

        self.menu = QMenu()
        sync_all = QAction(icon("sync-all"), self.tr("Sync all now"), self)
        sync_all.triggered.connect(self.sync_all_requested)
        self.next_run = QAction(self)
        self.next_run.setEnabled(False)
        self.last_result = QAction(self)
        self.last_result.setEnabled(False)
        open_window = QAction(self.tr("Open window"), self)
        open_window.triggered.connect(self.open_requested)
        quit_app = QAction(self.tr("Quit"), self)
        quit_app.triggered.connect(self.quit_requested)
        self.menu.addAction(sync_all)
        self.menu.addSeparator()
        self.menu.addAction(self.next_run)
        self.menu.addAction(self.last_result)
        self.menu.addSeparator()
        self.menu.addAction(open_window)
        self.menu.addAction(quit_app)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self._update()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    def set_next_run(self, text: str) -> None:
        self.next_run_text = text
        self._update()

    def sync_started(self) -> None:
        self.syncing += 1
        self._update()

    def sync_finished(self, event: SyncFinished) -> None:
        self.syncing = max(self.syncing - 1, 0)
        self.last_result_text = f"{event.tenant}: {texts.status_name(event.status)}"
        if event.status is RunStatus.FAILED:
            self.failures.add(event.tenant)
            self.notify(
                self.tr("Sync failed"),
                f"{event.tenant}: "
                + stored_problem_text(event.outcome.problem, event.outcome.error_message),
                QSystemTrayIcon.MessageIcon.Critical,
            )
        else:
            self.failures.discard(event.tenant)
        if event.new_low_stock:
            self.notify(
                self.tr("Running low on stock"),
                texts.plural(
                    self.tr("%1: %n product(s) newly low on stock", "", event.new_low_stock),
                    event.new_low_stock,
                ).replace("%1", event.tenant),
                QSystemTrayIcon.MessageIcon.Warning,
            )
        self._update()

    def notify(
        self,
        title: str,
        text: str,
        kind: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information,
    ) -> None:
        self.notifications.append((title, text))
        self.icon.showMessage(title, text, kind)

    def _update(self) -> None:
        if self.syncing:
            tip = texts.plural(self.tr("Syncing %n seller(s)", "", self.syncing), self.syncing)
            state = "app-syncing"
        elif self.failures:
            state = "app-failed"
            tip = self.tr("Last sync failed: %1").replace("%1", ", ".join(sorted(self.failures)))
        else:
            state, tip = "app", self.tr("Idle")
        self.icon.setIcon(icon(state))
        self.icon.setToolTip(f"Stock Tracker: {tip}")
        self.next_run.setText(
            self.tr("Next sync: %1").replace("%1", self.next_run_text or self.tr("not scheduled"))
        )
        self.last_result.setText(self.tr("Last result: %1").replace("%1", self.last_result_text))
