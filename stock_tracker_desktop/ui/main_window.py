"""The main window: tenants (home), stock and history tabs, sync actions, overall progress."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from stock_tracker_desktop import __version__
from stock_tracker_desktop.core import (
    AppCore,
    FileFormat,
    Settings,
    SyncFinished,
    SyncProgress,
    SyncResult,
    SyncStarted,
    TenantView,
)
from stock_tracker_desktop.domain.licence import LicenceStanding
from stock_tracker_desktop.domain.runs import RunStatus, Trigger
from stock_tracker_desktop.logs import logs_dir
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.async_qt import show_message, spawn
from stock_tracker_desktop.ui.history_view import HistoryView
from stock_tracker_desktop.ui.home_view import HomeView
from stock_tracker_desktop.ui.licence_tab import LicenceTexts
from stock_tracker_desktop.ui.problem_texts import (
    connection_report_lines,
    problem_text,
    stored_problem_text,
)
from stock_tracker_desktop.ui.progress_delegate import progress_text
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.settings_dialog import SettingsDialog
from stock_tracker_desktop.ui.stock_view import StockView
from stock_tracker_desktop.ui.sync_bridge import SyncBridge
from stock_tracker_desktop.ui.team_tab import TeamBridge, pulled_changes
from stock_tracker_desktop.ui.team_words import moment_text
from stock_tracker_desktop.ui.tenant_editor import TenantEditor
from stock_tracker_desktop.ui.tenants_model import Progress, TenantsModel
from stock_tracker_desktop.ui.tenants_view import TenantsView
from stock_tracker_desktop.ui.tray import Tray

if TYPE_CHECKING:
    from stock_tracker_desktop.core import CycleReport, TeamStatus

REFRESH_DELAY_MS = 300  # several syncs finishing together cause one reload, not one each
# The team's cycle may report every few hundred milliseconds: its standing is read at most this
# often (one small read of the local database).
TEAM_STATUS_MS = 2000


class MainWindow(QMainWindow):
    """``quit_requested`` asks the application to shut down (scheduler, engine, database);
    the window never quits the process itself."""

    quit_requested = Signal()
    rotate_requested = Signal()
    refreshed = Signal()  # the tenants table holds fresh data

    def __init__(
        self,
        core: AppCore,
        settings: Settings,
        *,
        tray_available: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.settings = settings
        self.tray_available = tray_available
        self.quitting = False
        self._batch_started = 0
        self._batch_finished = 0
        self.setWindowTitle(self.tr("Stock Tracker"))
        self.setWindowIcon(icon("app"))
        self.resize(1180, 720)

        self.model = TenantsModel(self)
        self.tenants_view = TenantsView(self.model)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.tenants_view, icon("tenants"), self.tr("Sellers"))
        self.home_view = HomeView(core)
        self.stock_view = StockView(core)
        self.history_view = HistoryView(core)
        self.tabs.insertTab(0, self.home_view, icon("app"), self.tr("Today"))
        self.tabs.setCurrentWidget(self.home_view)
        self.home_view.tenant_chosen.connect(self.show_stock)
        self.tabs.addTab(self.stock_view, icon("stock"), self.tr("Stock"))
        self.tabs.addTab(self.history_view, icon("history"), self.tr("History"))
        self.history_view.retry_requested.connect(self.sync_tenant_id)
        self.setCentralWidget(self.tabs)

        self._create_actions()
        self._create_toolbar()
        self._create_help_menu()
        self._create_status_bar()
        self.tenants_view.set_context_actions(
            [
                self.edit_action,
                self.check_action,
                None,
                self.sync_action,
                self.cancel_action,
                None,
                self.export_action,
                self.archive_action,
            ]
        )
        self.tenants_view.selection_changed.connect(self._update_actions)
        self.tenants_view.activated.connect(self.show_stock)
        self.tenants_view.current_tenant_changed.connect(self.stock_view.show_tenant)
        self.tenants_view.show_archived_changed.connect(lambda _on: self.refresh())

        self.bridge = SyncBridge(core, self)
        self.bridge.started.connect(self._sync_started)
        self.bridge.progress.connect(self._sync_progress)
        self.bridge.finished.connect(self._sync_finished)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.team_bridge = TeamBridge(core, self)
        self.team_bridge.heard.connect(self._team_heard)
        self._team_timer = QTimer(self)
        self._team_timer.setSingleShot(True)
        self._team_timer.setInterval(TEAM_STATUS_MS)
        self._team_timer.timeout.connect(lambda: spawn(self.show_team(), name="team-status"))
        self._pulled_timer = QTimer(self)
        self._pulled_timer.setSingleShot(True)
        self._pulled_timer.setInterval(REFRESH_DELAY_MS)
        self._pulled_timer.timeout.connect(lambda: spawn(self._reload_pulled(), name="pulled"))

        self.tray: Tray | None = None
        if tray_available:
            self.tray = Tray(self)
            self.tray.sync_all_requested.connect(self.sync_all)
            self.tray.open_requested.connect(self.bring_to_front)
            self.tray.quit_requested.connect(self.request_quit)
            self.tray.show()
        self._update_actions()

    # ----- actions ---------------------------------------------------------------------------

    def _action(
        self, name: str, text: str, tip: str, slot: object, shortcut: QKeySequence | None = None
    ) -> QAction:
        action = QAction(icon(name), text, self)
        action.setToolTip(
            tip
            if shortcut is None
            else f"{tip} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whatever tab has the focus
        return action

    def _create_actions(self) -> None:
        self.add_action = self._action(
            "add",
            self.tr("Add"),
            self.tr("Add a seller"),
            self.add_tenant,
            QKeySequence(QKeySequence.StandardKey.New),
        )
        self.edit_action = self._action(
            "edit", self.tr("Edit"), self.tr("Edit the selected seller"), self.edit_tenant
        )
        self.check_action = self._action(
            "check",
            self.tr("Check"),
            self.tr("Check the selected sellers' connection"),
            self.check_connection,
        )
        self.sync_action = self._action(
            "sync",
            self.tr("Sync"),
            self.tr("Sync the selected sellers now"),
            self.sync_selected,
            QKeySequence("Ctrl+R"),
        )
        self.sync_all_action = self._action(
            "sync-all", self.tr("Sync all"), self.tr("Sync every active seller now"), self.sync_all
        )
        self.cancel_action = self._action(
            "cancel",
            self.tr("Cancel"),
            self.tr("Cancel the selected syncs (or all of them)"),
            self.cancel_syncs,
        )
        self.export_action = self._action(
            "export",
            self.tr("Export"),
            self.tr("Export the selected sellers' stock to a file"),
            self.export_selected,
        )
        self.archive_action = self._action(
            "archive",
            self.tr("Archive"),
            self.tr("Archive or restore the selected sellers"),
            self.archive_selected,
        )
        self.refresh_action = self._action(
            "refresh",
            self.tr("Refresh"),
            self.tr("Reload the lists"),
            self.refresh_all,
            QKeySequence(QKeySequence.StandardKey.Refresh),
        )
        self.settings_action = self._action(
            "settings",
            self.tr("Settings"),
            self.tr("Schedule, limits, language and security"),
            self.open_settings,
            QKeySequence(QKeySequence.StandardKey.Preferences),
        )
        self.quit_action = self._action(
            "cancel",
            self.tr("Quit"),
            self.tr("Quit Stock Tracker"),
            self.request_quit,
            QKeySequence(QKeySequence.StandardKey.Quit),
        )

    def _create_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(22, 22))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        for group in (
            (self.add_action, self.edit_action, self.check_action),
            (self.sync_action, self.sync_all_action, self.cancel_action),
            (self.export_action, self.archive_action),
            (self.refresh_action, self.settings_action),
        ):
            for action in group:
                bar.addAction(action)
            bar.addSeparator()
        self.addToolBar(bar)
        self.toolbar = bar

    def _create_help_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&Help"))
        menu.addAction(self.tr("Open logs folder"), self.open_logs_folder)
        menu.addAction(self.tr("Export diagnostics…"), self.export_diagnostics)
        menu.addSeparator()
        menu.addAction(self.tr("About Stock Tracker"), self.show_about)
        self.help_menu = menu

    def open_logs_folder(self) -> None:
        folder = logs_dir(self.core.home)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def export_diagnostics(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export diagnostics"),
            str(Path.home() / f"stock-tracker-diagnostics-{date.today()}.zip"),
            "ZIP (*.zip)",
        )
        if path:
            spawn(self._export_diagnostics(Path(path)), name="export-diagnostics")

    async def _export_diagnostics(self, path: Path) -> None:
        try:
            written = await self.core.export_diagnostics(path)
        except OSError as exc:
            show_message(self, QMessageBox.Icon.Warning, self.tr("Export failed"), str(exc))
            return
        self.status_label.setText(self.tr("Diagnostics written to %1").replace("%1", str(written)))

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Stock Tracker"),
            self.tr("Stock Tracker %1\nStock, orders and days of stock for Wildberries and Ozon "
                    "sellers.").replace("%1", __version__),
        )  # fmt: skip

    def _create_status_bar(self) -> None:
        self.status_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.team_label = QLabel()  # shown only on a desktop in a team
        self.team_label.hide()
        self.licence_words = LicenceTexts(self)
        self.licence_label = QLabel()  # shown only when the licence or the plan needs the agency
        self.licence_label.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.licence_label)
        self.statusBar().addPermanentWidget(self.team_label)

    def _update_actions(self) -> None:
        selected = self.tenants_view.selected_tenants()
        one = len(selected) == 1
        self.edit_action.setEnabled(one)
        self.check_action.setEnabled(bool(selected))
        self.sync_action.setEnabled(any(not t.archived for t in selected))
        self.cancel_action.setEnabled(self._batch_finished < self._batch_started)
        self.export_action.setEnabled(bool(selected))
        self.archive_action.setEnabled(bool(selected))
        if one and selected[0].archived:
            self.archive_action.setText(self.tr("Restore"))
        else:
            self.archive_action.setText(self.tr("Archive"))

    # ----- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        spawn(self.reload(), name="reload-tenants")

    def refresh_all(self) -> None:
        self.refresh()
        self.home_view.refresh()
        self.stock_view.refresh()
        self.history_view.refresh()

    async def reload(self) -> None:
        selected = {t.id for t in self.tenants_view.selected_tenants()}
        rows = await self.core.overview(include_archived=self.tenants_view.archived.isChecked())
        standing = await self.core.licence.standing()
        self.model.set_rows(rows)
        self._show_licence(standing, sum(row.paused for row in rows))
        for running in self.core.running:
            self.model.set_progress(running.tenant_id, running.stage, running.pages, running.rows)
        self._show_next_runs()
        self.tenants_view.select(selected)
        self._update_actions()
        if not self.core.running:
            self._show_summary()
        self.home_view.refresh()
        self._team_soon()
        self.refreshed.emit()

    def _show_licence(self, standing: LicenceStanding, paused: int) -> None:
        text = self.licence_words.status_bar(standing, paused)
        self.licence_label.setText(text)
        self.licence_label.setToolTip(self.licence_words.state(standing))
        self.licence_label.setVisible(bool(text))

    def _show_next_runs(self) -> None:
        next_runs = self.core.next_runs()
        self.model.set_next_runs(next_runs)
        if self.tray is not None:
            self.tray.set_next_run(texts.local_time(min(next_runs.values(), default=None)))

    def _show_summary(self) -> None:
        count = self.model.rowCount()
        self.status_label.setText(texts.plural(self.tr("%n seller(s)", "", count), count))

    # ----- the team --------------------------------------------------------------------------

    def _team_heard(self, report: CycleReport | str) -> None:
        if pulled_changes(report) and not self._pulled_timer.isActive():
            self._pulled_timer.start()
        self._team_soon()

    def _team_soon(self) -> None:
        if not self._team_timer.isActive():
            self._team_timer.start()

    async def show_team(self) -> None:
        """The team's standing in the status bar (nothing on a solo desktop)."""
        status = await self.core.team.status()
        self.team_label.setVisible(status is not None)
        if status is None:
            return
        self.team_label.setText(self.team_text(status))
        link = status.link
        tip = f"{link.team} — {link.host}:{link.port}/{link.database}"
        self.team_label.setToolTip(f"{tip}\n{link.last_error}" if link.last_error else tip)

    def team_text(self, status: TeamStatus) -> str:
        """The team's standing in a few words."""
        link, pending, failed = status.link, status.backlog.pending, status.backlog.failed
        if link.server_away_since is not None:
            line = (
                texts.plural(
                    self.tr("Team server away since %1 — %n change(s) waiting", "", pending),
                    pending,
                )
                if pending
                else self.tr("Team server away since %1")
            ).replace("%1", moment_text(link.server_away_since))
        elif pending:
            line = texts.plural(self.tr("Team: %n change(s) to push", "", pending), pending)
        else:
            line = self.tr("Team: up to date")
        if failed:
            line += " · " + texts.plural(self.tr("%n refused", "", failed), failed)
        return line

    async def _reload_pulled(self) -> None:
        """Other desktops' sellers, figures or runs arrived: the schedules take in the
        sellers, and every tab shows what came."""
        await self.core.replan()
        self.refresh_all()

    async def _team_changed(self) -> None:
        """Joined or left a team from the settings: the background cycle starts (a no-op once
        left: leaving stopped it), and the window shows the desktop's sellers now."""
        await self.core.team.start()
        await self._reload_pulled()
        await self.show_team()

    # ----- syncing ---------------------------------------------------------------------------

    def _start(self, tenants: list[TenantView]) -> None:
        async def start_all() -> None:
            tasks = [self.core.start_sync(tenant, Trigger.MANUAL) for tenant in tenants]
            self._update_actions()
            # A task cancelled before it ran ends without a result; the others say how they went.
            ended = await asyncio.gather(*tasks, return_exceptions=True)
            refused = [r for r in ended if isinstance(r, SyncResult) and r.problem is not None]
            if refused:  # asked by name, not synced: say why (the plan pauses it)
                self.refusal_box = show_message(
                    self,
                    QMessageBox.Icon.Information,
                    self.tr("Not synced"),
                    texts.plural(
                        self.tr("Not synced: %n seller(s).", "", len(refused)), len(refused)
                    ),
                    "\n".join(
                        f"{r.tenant}: {problem_text(r.problem)}" for r in refused if r.problem
                    ),
                )

        spawn(start_all(), name="start-syncs")

    def sync_selected(self) -> None:
        self._start([t for t in self.tenants_view.selected_tenants() if not t.archived])

    def sync_all(self) -> None:
        spawn(self.core.sync(trigger=Trigger.MANUAL), name="sync-all")

    def sync_tenant_id(self, tenant_id: uuid.UUID) -> None:
        self._start([t for t in self.model.tenants() if t.id == tenant_id])

    def cancel_syncs(self) -> None:
        selected = [
            t.id for t in self.tenants_view.selected_tenants() if self.core.is_running(t.id)
        ]
        if selected:
            for tenant_id in selected:
                self.core.cancel(tenant_id)
        else:
            self.core.cancel_all()

    def _sync_started(self, event: SyncStarted) -> None:
        if not self.progress.isVisible():
            self._batch_started = self._batch_finished = 0
        self._batch_started += 1
        self.model.set_progress(event.tenant_id, "waiting", 0, 0)
        if self.tray is not None:
            self.tray.sync_started()
        self._show_overall()
        self._update_actions()

    def _sync_progress(self, event: SyncProgress) -> None:
        self.model.set_progress(event.tenant_id, event.stage, event.pages, event.rows)
        progress = Progress(event.stage, event.pages, event.rows)
        self.status_label.setText(f"{event.tenant} — {progress_text(progress)}")

    def _sync_finished(self, event: SyncFinished) -> None:
        self._batch_finished += 1
        self.model.clear_progress(event.tenant_id)
        if self.tray is not None:
            self.tray.sync_finished(event)
        message = f"{event.tenant}: {texts.status_name(event.status)}"
        if event.status is RunStatus.FAILED and event.outcome.error_message:
            message += " — " + stored_problem_text(
                event.outcome.problem, event.outcome.error_message
            )
        self.status_label.setText(message)
        self._show_overall()
        self._refresh_timer.start()

    def _show_overall(self) -> None:
        # Counted from events: when SyncFinished arrives the engine still lists the tenant.
        if self._batch_finished >= self._batch_started:
            self.progress.hide()
            self._update_actions()
            return
        self.progress.setRange(0, max(self._batch_started, 1))
        self.progress.setValue(self._batch_finished)
        self.progress.setFormat(
            self.tr("%1 of %2 synced")
            .replace("%1", str(self._batch_finished))
            .replace("%2", str(self._batch_started))
        )
        self.progress.show()

    # ----- tenants ---------------------------------------------------------------------------

    def add_tenant(self) -> None:
        self._open_editor(None)

    def edit_tenant(self) -> None:
        selected = self.tenants_view.selected_tenants()
        if len(selected) == 1:
            self._open_editor(selected[0])

    def _open_editor(self, tenant: TenantView | None) -> TenantEditor:
        editor = TenantEditor(self.core, tenant, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda _t: self.refresh())  # the core re-planned already
        editor.open()
        self.editor = editor  # tests and screenshots reach the open editor here
        return editor

    def check_connection(self) -> None:
        for tenant in self.tenants_view.selected_tenants():
            spawn(self._check(tenant), name=f"check:{tenant.name}")

    async def _check(self, tenant: TenantView) -> None:
        self.status_label.setText(self.tr("Checking %1…").replace("%1", tenant.name))
        report = await self.core.check_tenant(tenant.name)
        lines = connection_report_lines(report)
        verdict = (
            self.tr("%1: the connection works")
            if report.ok
            else self.tr("%1: the connection has problems")
        ).replace("%1", tenant.name)
        self.status_label.setText(verdict)
        self.last_check = show_message(
            self,
            QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning,
            self.tr("Connection check"),
            verdict,
            "\n".join(lines),
        )
        await self.reload()

    def archive_selected(self) -> None:
        selected = self.tenants_view.selected_tenants()
        if selected:
            spawn(self._archive(selected), name="archive")

    async def _archive(self, tenants: list[TenantView]) -> None:
        for tenant in tenants:
            await self.core.set_archived(tenant.name, not tenant.archived)
        await self.reload()

    def export_selected(self) -> None:
        names = [t.name for t in self.tenants_view.selected_tenants()]
        if not names:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("CSV file…")).setData("csv")
        menu.addAction(self.tr("Excel file (XLSX)…")).setData("xlsx")
        button = self.toolbar.widgetForAction(self.export_action)
        where = (
            button.mapToGlobal(button.rect().bottomLeft())
            if isinstance(button, QToolButton)
            else self.cursor().pos()
        )
        chosen = menu.exec(where)
        if chosen is None:
            return
        fmt: FileFormat = "xlsx" if chosen.data() == "xlsx" else "csv"
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export stock"),
            str(Path.home() / f"stock-{date.today()}.{fmt}"),
            f"{fmt.upper()} (*.{fmt})",
        )
        if path:
            spawn(self._export(names, fmt, Path(path)), name="export")

    async def _export(self, names: list[str], fmt: FileFormat, path: Path) -> None:
        language = await self.core.export_language()
        try:
            written = await self.core.export_files(names, fmt, path, language=language)
        except Exception as exc:  # the exporter's errors are sentences for the user
            show_message(self, QMessageBox.Icon.Warning, self.tr("Export failed"), str(exc))
            return
        self.status_label.setText(self.tr("Exported to %1").replace("%1", str(written)))

    def show_stock(self, tenant: TenantView, product_id: str = "") -> None:
        self.stock_view.show_tenant(tenant, product_id)
        self.tabs.setCurrentWidget(self.stock_view)

    # ----- settings --------------------------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(
            self.core, self.settings, tray_available=self.tray_available, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._settings_saved)
        dialog.rotate_requested.connect(self.rotate_requested)
        dialog.team_changed.connect(lambda: spawn(self._team_changed(), name="team-changed"))
        dialog.licence_changed.connect(self.refresh)  # the plan's limit pauses other sellers
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def rotation_done(self, backup: Path) -> QMessageBox:
        """Say the key was rotated, and where the backup taken before it is."""
        self.status_label.setText(self.tr("The master key was rotated"))
        return show_message(
            self,
            QMessageBox.Icon.Information,
            self.tr("Key rotated"),
            self.tr("The master key was rotated; the app goes on under it."),
            self.tr("A backup of the database from before: %1").replace("%1", str(backup)),
        )

    def _settings_saved(self, settings: Settings) -> None:
        self.settings = settings  # the core applied and re-planned them already
        self.refresh()

    # ----- window life -----------------------------------------------------------------------

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def request_quit(self) -> None:
        self.quitting = True
        self.quit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.quitting:
            event.accept()
            return
        event.ignore()
        if self.tray is not None and self.settings.minimise_to_tray:
            self.hide()
            if not getattr(self, "_told_about_tray", False):
                self._told_about_tray = True
                self.tray.notify(
                    self.tr("Stock Tracker keeps running"),
                    self.tr("Syncs go on in the tray. Quit from the tray menu."),
                )
            return
        self.ask_quit()

    def ask_quit(self) -> QMessageBox:
        running = len(self.core.running)
        text = (
            self.tr("Quit? Syncs in progress will be cancelled.")
            if running
            else self.tr("Quit Stock Tracker?")
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Quit"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        if running:
            box.setInformativeText(self.tr("Scheduled syncs run only while the app is open."))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.request_quit() if button is yes else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.quit_box = box
        return box
