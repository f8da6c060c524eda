"""Application settings: schedule, limits, language, tray, the vault and where files live (the
General tab, kept by Save), the team this desktop belongs to (the Team tab, whose actions
apply at once) and the licence (the Licence tab: its actions apply at once, the address of a
self-hosted licensing service is kept by Save)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import (
    AppCore,
    Holder,
    InstallationBusy,
    InvalidSetting,
    KeystoreError,
    Settings,
)
from stock_tracker_desktop.logs import logs_dir
from stock_tracker_desktop.platform import autostart
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.async_qt import run_dialog, show_message, spawn
from stock_tracker_desktop.ui.licence_tab import LicenceTab
from stock_tracker_desktop.ui.passphrase_dialog import PassphraseDialog
from stock_tracker_desktop.ui.problem_texts import problem_text
from stock_tracker_desktop.ui.schedule_editor import ScheduleEditor
from stock_tracker_desktop.ui.team_tab import TeamTab
from stock_tracker_desktop.ui.tenant_editor import ERROR_STYLE


class DaysBox(QDoubleSpinBox):
    """Days with up to one decimal, shown without a needless one (14, 7.5), followed by
    ``suffix(n)``: the unit in the plural form of the value."""

    def __init__(self, suffix: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._suffix = suffix
        self.setDecimals(1)
        self.valueChanged.connect(self._update_suffix)
        self._update_suffix(self.value())

    def textFromValue(self, value: float) -> str:
        return texts.decimal(value, self.decimals())

    def _update_suffix(self, value: float) -> None:
        # A fraction takes the plural of "a few" (7.5 days, 7,5 дня).
        self.setSuffix(self._suffix(int(value) if float(value).is_integer() else 2))


class SettingsDialog(QDialog):
    """``saved`` carries the stored Settings; ``rotate_requested`` asks the window to rotate
    the master key (it has to stop syncs and restart the app around it); ``team_changed``
    says the desktop joined or left a team; ``licence_changed`` that the plan may differ."""

    saved = Signal(object)
    rotate_requested = Signal()
    team_changed = Signal()
    licence_changed = Signal()

    def __init__(
        self,
        core: AppCore,
        settings: Settings,
        *,
        tray_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(560)

        self.schedule = ScheduleEditor()
        self.schedule.set_schedule(settings.schedule)
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 200)
        self.concurrency.setValue(settings.concurrency)
        self.concurrency.setToolTip(self.tr("How many sellers sync at the same time"))
        self.window_days = QSpinBox()
        self.window_days.setRange(1, 90)
        self.window_days.valueChanged.connect(lambda n: self.window_days.setSuffix(self._days(n)))
        self.window_days.setValue(settings.window_days)
        self.window_days.setSuffix(self._days(settings.window_days))
        self.window_days.setToolTip(self.tr("Days of orders that days of stock are based on"))
        self.low_stock = DaysBox(self._days_or_less)
        self.low_stock.setRange(0, 365)
        self.low_stock.setValue(settings.low_stock_days)
        self.low_stock.setToolTip(
            self.tr(
                "A product is low on stock when it has this many days of stock or fewer, "
                "or none left while it has orders"
            )
        )
        self._stored_rate_limit_wait = settings.max_rate_limit_wait
        self.rate_limit_wait = QSpinBox()
        self.rate_limit_wait.setRange(1, 1440)  # minutes: the setting's 60 s to 24 h
        self.rate_limit_wait.setSuffix(self.tr(" min"))
        self.rate_limit_wait.setValue(max(1, round(settings.max_rate_limit_wait / 60)))
        self.rate_limit_wait.setToolTip(
            self.tr(
                "When a marketplace asks to wait longer than this, the sync of that seller stops "
                "and the next run tries again"
            )
        )

        sync_form = QFormLayout()
        sync_form.addRow(self.tr("&Schedule:"), self.schedule)
        sync_form.addRow(self.tr("Sellers at &once:"), self.concurrency)
        sync_form.addRow(self.tr("&Order window:"), self.window_days)
        sync_form.addRow(self.tr("&Low stock at:"), self.low_stock)
        sync_form.addRow(self.tr("Longest &wait for a marketplace:"), self.rate_limit_wait)
        sync_group = QGroupBox(self.tr("Syncing"))
        sync_group.setLayout(sync_form)

        self.language = QComboBox()
        self.language.addItem(self.tr("As the system"), "")
        self.language.addItem("English", "en")
        self.language.addItem("Русский", "ru")
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        language_note = QLabel(self.tr("A new language applies after a restart."))
        language_note.setEnabled(False)  # the palette's muted text colour
        self.start_with_system = QCheckBox(self.tr("Start with the system"))
        self.start_with_system.setChecked(settings.start_with_system)
        self.minimise_to_tray = QCheckBox(
            self.tr("Keep syncing in the tray when the window closes")
        )
        self.minimise_to_tray.setChecked(settings.minimise_to_tray)
        if not tray_available:
            self.minimise_to_tray.setEnabled(False)
            self.minimise_to_tray.setToolTip(
                self.tr("This desktop has no system tray: closing the window quits the app")
            )
        app_form = QFormLayout()
        app_form.addRow(self.tr("L&anguage:"), self.language)
        app_form.addRow("", language_note)
        app_form.addRow("", self.start_with_system)
        app_form.addRow("", self.minimise_to_tray)
        app_group = QGroupBox(self.tr("Application"))
        app_group.setLayout(app_form)

        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addWidget(sync_group)
        general_layout.addWidget(app_group)
        general_layout.addWidget(self._vault_group())
        general_layout.addWidget(self._files_group())
        general_layout.addStretch(1)
        self.team_tab = TeamTab(core)
        self.team_tab.changed.connect(self.team_changed)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(self.team_tab, self.tr("Team"))
        self.licence_tab = LicenceTab(core, settings)
        self.licence_tab.changed.connect(self.licence_changed)
        self.tabs.addTab(self.licence_tab, self.tr("Licence"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.schedule.changed.connect(self._check_schedule)

    def _days(self, n: int) -> str:
        return texts.plural(self.tr(" day(s)", "", n), n)

    def _days_or_less(self, n: int) -> str:
        # The words of the stock view's "low stock at 14 days or less": low stock is days of
        # stock at or below the threshold (domain/figures.py).
        return texts.plural(self.tr(" day(s) or less", "", n), n)

    def _vault_group(self) -> QGroupBox:
        status = self.core.vault_status()
        store = QLabel(problem_text(status.store_problem))
        store.setWordWrap(True)
        rotate = QPushButton(self.tr("Rotate key…"))
        rotate.setToolTip(
            self.tr("A new master key: the database and every token are re-encrypted")
        )
        rotate.clicked.connect(self._confirm_rotation)
        recovery = QPushButton(self.tr("Export recovery file…"))
        recovery.setToolTip(
            self.tr(
                "A file, locked by its own passphrase, that opens this data on another computer"
            )
        )
        recovery.clicked.connect(self._choose_recovery_file)
        buttons = QHBoxLayout()
        buttons.addWidget(rotate)
        buttons.addWidget(recovery)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Master key kept in:"), store)
        form.addRow("", buttons)
        group = QGroupBox(self.tr("Security"))
        group.setLayout(form)
        return group

    def _files_group(self) -> QGroupBox:
        home = self.core.home
        folder = QLineEdit(str(home))
        folder.setReadOnly(True)
        folder.setAccessibleName(self.tr("Data folder"))
        open_data = QPushButton(self.tr("Open"))
        open_data.clicked.connect(lambda: self._open_folder(home))
        open_logs = QPushButton(self.tr("Open logs folder"))
        open_logs.clicked.connect(lambda: self._open_folder(logs_dir(home)))
        row = QHBoxLayout()
        row.addWidget(folder, 1)
        row.addWidget(open_data)
        logs_row = QHBoxLayout()
        logs_row.addWidget(open_logs)
        logs_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Data folder:"), row)
        form.addRow("", logs_row)
        group = QGroupBox(self.tr("Files"))
        group.setLayout(form)
        return group

    @staticmethod
    def _open_folder(path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _check_schedule(self) -> None:
        problem = self.schedule.problem()
        self.problem.setText(problem_text(problem) if problem is not None else "")
        self.problem.setVisible(problem is not None)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(problem is None)

    def _rate_limit_wait_seconds(self) -> float:
        """The box's minutes in seconds; an untouched box keeps the stored value exactly (the
        command line may have set seconds that are no whole minute)."""
        minutes = self.rate_limit_wait.value()
        stored = self._stored_rate_limit_wait
        return stored if minutes == max(1, round(stored / 60)) else float(minutes * 60)

    def changes(self) -> dict[str, object]:
        return {
            "schedule": self.schedule.schedule(),
            "concurrency": self.concurrency.value(),
            "window_days": self.window_days.value(),
            "low_stock_days": self.low_stock.value(),
            "max_rate_limit_wait": self._rate_limit_wait_seconds(),
            "language": self.language.currentData(),
            "start_with_system": self.start_with_system.isChecked(),
            "minimise_to_tray": self.minimise_to_tray.isChecked(),
            **self.licence_tab.changes(),
        }

    def save(self) -> None:
        spawn(self._save(), name="save-settings")

    async def _save(self) -> None:
        try:
            updated = await self.core.update_settings(**self.changes())
        except InvalidSetting as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        try:
            autostart.apply(updated.start_with_system)
        except OSError as exc:  # a read-only home or registry: the setting is kept, say why
            self.problem.setText(self.tr("Start with the system: %1").replace("%1", str(exc)))
            self.problem.show()
            return
        self.saved.emit(updated)
        self.accept()

    def _confirm_rotation(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Rotate the master key?"),
            self.tr(
                "Running syncs are cancelled, the database and every token are re-encrypted "
                "under a new key (a backup is taken first); then the app goes on under it."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.accepted.connect(self._rotate)
        box.buttonClicked.connect(
            lambda button: (
                self._rotate() if box.buttonRole(button) == QMessageBox.ButtonRole.YesRole else None
            )
        )
        box.open()

    def _rotate(self) -> None:
        self.reject()
        self.rotate_requested.emit()

    def _choose_recovery_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export recovery file"),
            str(Path.home() / "stock-tracker-recovery.json"),
            self.tr("Recovery files (*.json)"),
        )
        if path:
            spawn(self._export_recovery(path), name="export-recovery")

    async def _export_recovery(self, path: str) -> None:
        ask = PassphraseDialog(
            first_run=True,
            parent=self,
            title=self.tr("Protect the recovery file"),
            intro=self.tr(
                "Choose a passphrase for the recovery file. Anyone with the file and this "
                "passphrase can read this computer's data: keep them apart."
            ),
        )
        if await run_dialog(ask) != QDialog.DialogCode.Accepted:
            return
        secret = ask.passphrase()
        try:
            await self.core.export_recovery(Path(path), secret)
        except (KeystoreError, OSError) as exc:
            show_message(
                self, QMessageBox.Icon.Warning, self.tr("Recovery file not written"), str(exc)
            )
            return
        show_message(
            self,
            QMessageBox.Icon.Information,
            self.tr("Recovery file written"),
            self.tr("Saved to %1").replace("%1", path),
        )


def show_rotation_refused(parent: QWidget | None, busy: InstallationBusy) -> QMessageBox:
    """The command line's refusal of a rotation, in the user's language."""
    return show_message(
        parent,
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("SettingsDialog", "The key was not rotated"),
        rotation_refusal(busy),
    )


def rotation_refusal(busy: InstallationBusy) -> str:
    """Who else has the installation open and what it is doing; what to do about it."""
    holders = "; ".join(_holder_text(holder) for holder in busy.holders) or (
        QCoreApplication.translate("SettingsDialog", "another program")
    )
    return QCoreApplication.translate(
        "SettingsDialog",
        "Other programs use this installation: %1. Stop them or wait, then rotate again.",
    ).replace("%1", holders)


def _holder_text(holder: Holder) -> str:
    known = {
        "the daemon": QCoreApplication.translate("SettingsDialog", "the daemon"),
        "the window": QCoreApplication.translate("SettingsDialog", "the window"),
    }
    who = known.get(holder.who, holder.who)
    if holder.syncing:
        text = QCoreApplication.translate(
            "SettingsDialog", "%1 (pid %2) is syncing sellers: %3"
        ).replace("%3", str(holder.syncing))
    else:
        text = QCoreApplication.translate("SettingsDialog", "%1 (pid %2) has it open")
    return text.replace("%1", who).replace("%2", str(holder.pid))
