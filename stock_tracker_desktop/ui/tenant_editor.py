"""Adding and editing a tenant: marketplace-specific credentials, validated as they are typed,
a live connection check, and the tenant's own schedule and export targets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import (
    AppCore,
    SheetsError,
    SheetTarget,
    TenantChanges,
    TenantDraft,
    TenantView,
)
from stock_tracker_desktop.domain.models import ConnectionReport, Marketplace
from stock_tracker_desktop.domain.problems import Problem
from stock_tracker_desktop.domain.schedule import Schedule
from stock_tracker_desktop.domain.tenant_rules import (
    InputProblem,
    InvalidTenant,
    check_name,
    check_ozon,
    check_service_account,
    check_wb_token,
    split_tags,
)
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.async_qt import run_dialog, spawn
from stock_tracker_desktop.ui.problem_texts import connection_report_lines, problem_text
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.schedule_editor import ScheduleEditor
from stock_tracker_desktop.ui.secret_field import SecretField
from stock_tracker_desktop.user_files import (
    SERVICE_ACCOUNT_KEY,
    FileProblem,
    UserFileError,
    read_user_file,
)

ERROR_STYLE = "color: #e04545;"  # status colour, readable on light and dark palettes
WARNING_STYLE = "color: #d98a00;"
OK_STYLE = "color: #1e9e4a;"


def sheet_id(text: str) -> str:
    """A Google Sheet id from the id itself or any link to the sheet (as typed, if neither)."""
    try:
        return SheetTarget.parse(text).spreadsheet_id if text.strip() else ""
    except SheetsError:
        return text.strip()


class TenantEditor(QDialog):
    """``saved`` carries the stored TenantView after a successful save."""

    saved = Signal(object)

    def __init__(
        self, core: AppCore, tenant: TenantView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.tenant = tenant
        # A newly loaded service-account key, until the tenant is saved (None: keep the stored).
        self._service_account_json: str | None = None
        # The credentials as typed when the marketplace refused them, and what it said: saving
        # exactly those asks first (``refused_box``).
        self._refused: tuple[tuple[object, ...], str] | None = None
        self.refused_box: QMessageBox | None = None
        self.setWindowTitle(
            self.tr("Edit %1").replace("%1", tenant.name) if tenant else self.tr("Add a seller")
        )
        self.setMinimumSize(560, 520)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._account_tab(), self.tr("Account"))
        self.tabs.addTab(self._schedule_tab(), self.tr("Schedule and export"))
        self.tabs.addTab(self._notes_tab(), self.tr("Notes and tags"))

        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.warnings)
        layout.addWidget(self.buttons)

        if tenant is not None:
            self._load(tenant)
        self._marketplace_changed()
        for signal in (
            self.name.textChanged,
            self.token.textChanged,
            self.sandbox.toggled,
            self.client_id.textChanged,
            self.api_key.textChanged,
            self.schedule.changed,
        ):
            signal.connect(self.validate)
        self.marketplace.currentIndexChanged.connect(self._marketplace_changed)
        self.validate()

    # ----- layout ----------------------------------------------------------------------------

    def _account_tab(self) -> QWidget:
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("How the team calls this shop"))
        self.name.setAccessibleName(self.tr("Name"))
        self.marketplace = QComboBox()
        for marketplace in Marketplace:
            self.marketplace.addItem(texts.marketplace_name(marketplace), marketplace)
        self.marketplace.setAccessibleName(self.tr("Marketplace"))
        self.enabled = QCheckBox(self.tr('Include in "Sync all" and scheduled syncs'))
        self.enabled.setChecked(True)

        self.token = SecretField()
        self.token.setAccessibleName(self.tr("WB API token"))
        self.token.setToolTip(
            self.tr(
                "Seller cabinet > Settings > API access: a read-only token with Content, "
                "Analytics, Marketplace and Statistics"
            )
        )
        self.sandbox = QCheckBox(self.tr("Sandbox token (test environment)"))
        self.client_id = QLineEdit()
        self.client_id.setAccessibleName(self.tr("Client-Id"))
        self.client_id.setPlaceholderText("123456")
        self.api_key = SecretField()
        self.api_key.setAccessibleName(self.tr("API key"))
        self.api_key.setToolTip(self.tr("Seller cabinet > Settings > Seller API"))
        if self.tenant is not None:
            keep = self.tr("Unchanged; type to replace")
            self.token.setPlaceholderText(keep)
            self.api_key.setPlaceholderText(keep)

        self.check_button = QPushButton(icon("check"), self.tr("Check connection"))
        self.check_button.setToolTip(
            self.tr("Ask the marketplace which data this key opens and whose shop it is")
        )
        self.check_button.clicked.connect(self.check_connection)
        self.check_result = QLabel()
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Marketplace:"), self.marketplace)
        self.token_label = QLabel(self.tr("&Token:"))
        self.token_label.setBuddy(self.token)
        form.addRow(self.token_label, self.token)
        form.addRow("", self.sandbox)
        self.client_id_label = QLabel(self.tr("&Client-Id:"))
        self.client_id_label.setBuddy(self.client_id)
        form.addRow(self.client_id_label, self.client_id)
        self.api_key_label = QLabel(self.tr("API &key:"))
        self.api_key_label.setBuddy(self.api_key)
        form.addRow(self.api_key_label, self.api_key)
        form.addRow("", self.enabled)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addStretch(1)
        form.addRow("", check_row)
        form.addRow("", self.check_result)
        page = QWidget()
        page.setLayout(form)
        return page

    def _schedule_tab(self) -> QWidget:
        self.schedule = ScheduleEditor(allow_inherit=True)
        self.sheet = QLineEdit()
        self.sheet.setPlaceholderText(self.tr("Sheet id or its link"))
        self.sheet.setAccessibleName(self.tr("Google Sheet"))
        self.test_access = QPushButton(self.tr("Test access"))
        self.test_access.setToolTip(
            self.tr("Open the sheet with the service account, without writing anything")
        )
        self.test_access.clicked.connect(self.check_sheet)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet, 1)
        sheet_row.addWidget(self.test_access)
        self.account_label = QLabel(self.tr("none"))
        self.account_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        load_key = QPushButton(self.tr("Load key file…"))
        load_key.setToolTip(
            self.tr("The Google service account's JSON key; it is kept encrypted in the vault")
        )
        load_key.clicked.connect(self._choose_key)
        account_row = QHBoxLayout()
        account_row.addWidget(self.account_label, 1)
        account_row.addWidget(load_key)
        self.sheet_result = QLabel()
        self.sheet_result.setWordWrap(True)
        self.sheet_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("Folder for CSV/XLSX files"))
        self.folder.setAccessibleName(self.tr("Export folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.csv = QCheckBox(self.tr("CSV"))
        self.xlsx = QCheckBox(self.tr("Excel (XLSX)"))
        formats = QHBoxLayout()
        formats.addWidget(self.csv)
        formats.addWidget(self.xlsx)
        formats.addStretch(1)
        schedule_form = QFormLayout()
        schedule_form.addRow(self.tr("&Schedule:"), self.schedule)
        schedule_group = QGroupBox(self.tr("Syncing"))
        schedule_group.setLayout(schedule_form)
        # A row whose field is a layout gets no buddy from the form: the labels name theirs, so
        # that their mnemonics work instead of showing a literal "&".
        sheet_label = QLabel(self.tr("&Google Sheet:"))
        sheet_label.setBuddy(self.sheet)
        folder_label = QLabel(self.tr("Export &folder:"))
        folder_label.setBuddy(self.folder)
        export_form = QFormLayout()
        export_form.addRow(sheet_label, sheet_row)
        export_form.addRow(self.tr("Service account:"), account_row)
        export_form.addRow("", self.sheet_result)
        export_form.addRow(folder_label, folder_row)
        export_form.addRow(self.tr("File formats:"), formats)
        export_group = QGroupBox(self.tr("Exports"))
        export_group.setLayout(export_form)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(schedule_group)
        layout.addWidget(export_group)
        layout.addStretch(1)  # the groups keep their height at the top; the rest stays empty
        return page

    def _notes_tab(self) -> QWidget:
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("e.g. kids, Moscow team"))
        self.tags.setToolTip(self.tr("Comma-separated; the tenants list can filter by tag"))
        self.tags.setAccessibleName(self.tr("Tags"))
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(self.tr("Notes"))
        self.notes.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow(self.tr("T&ags:"), self.tags)
        form.addRow(self.tr("N&otes:"), self.notes)
        page = QWidget()
        page.setLayout(form)
        return page

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Export folder"), self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def _choose_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Service account key"), "", self.tr("JSON key (*.json)")
        )
        if path:
            self.load_service_account(Path(path))

    def load_service_account(self, path: Path) -> bool:
        """Take a service-account key file; it is stored (encrypted) when the tenant is saved."""
        try:
            text = read_user_file(path, SERVICE_ACCOUNT_KEY)
        except UserFileError as exc:
            self._show_sheet_result(False, self._file_problem(exc))
            return False
        email, problems = check_service_account(text)
        if problems:
            self._show_sheet_result(False, problem_text(problems[0].problem))
            return False
        self._service_account_json = text
        self.account_label.setText(email or "")
        self._show_sheet_result(True, self.tr("Key loaded; it is saved with the seller."))
        return True

    def _file_problem(self, exc: UserFileError) -> str:
        said = {
            FileProblem.MISSING: self.tr("%1 does not exist."),
            FileProblem.FOLDER: self.tr("%1 is a folder; choose the key file itself."),
            FileProblem.NOT_REGULAR: self.tr("%1 is not a regular file (a device or a pipe)."),
            FileProblem.UNREADABLE: self.tr("%1 cannot be read; check its permissions."),
            FileProblem.TOO_LARGE: self.tr("%1 is too large to be a service-account key."),
            FileProblem.SHARED: self.tr("%1 can be read by other users; protect it first."),
            FileProblem.BINARY: self.tr("%1 is not a text file, so it is no JSON key."),
            FileProblem.ENCODING: self.tr("%1 is neither UTF-8 nor Windows-1251 text."),
        }
        return said[exc.problem].replace("%1", exc.path.name)

    def check_sheet(self) -> None:
        self.test_access.setEnabled(False)
        self._show_sheet_result(True, self.tr("Opening the sheet…"))
        spawn(self._check_sheet(), name="check-sheet")

    async def _check_sheet(self) -> None:
        try:
            title = await self.core.check_sheet_access(
                self.tenant.name if self.tenant is not None else None,
                link=self.sheet.text().strip() or None,
                service_account_json=self._service_account_json,
            )
        except SheetsError as exc:
            self._show_sheet_result(False, str(exc))
        else:
            self._show_sheet_result(True, self.tr("Access works: “%1”.").replace("%1", title))
        finally:
            self.test_access.setEnabled(True)

    def _show_sheet_result(self, ok: bool, text: str) -> None:
        self.sheet_result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.sheet_result.setText(text)

    def _load(self, tenant: TenantView) -> None:
        self.name.setText(tenant.name)
        self.marketplace.setCurrentIndex(self.marketplace.findData(tenant.marketplace))
        self.marketplace.setEnabled(False)  # credentials and history belong to one marketplace
        self.sandbox.setChecked(tenant.sandbox)
        self.client_id.setText(tenant.account_id)
        self.enabled.setChecked(tenant.enabled)
        overrides = tenant.overrides
        self.schedule.set_schedule(
            Schedule.from_json(overrides["schedule"]) if "schedule" in overrides else None
        )
        self.sheet.setText(str(overrides.get("google_sheet", "")))
        if tenant.service_account_email:
            self.account_label.setText(tenant.service_account_email)
        self.folder.setText(str(overrides.get("export_folder", "")))
        stored = overrides.get("export_formats")
        formats = stored if isinstance(stored, list | tuple) else []
        self.csv.setChecked("csv" in formats)
        self.xlsx.setChecked("xlsx" in formats)
        self.tags.setText(", ".join(tenant.tags))
        self.notes.setPlainText(tenant.notes)
        if tenant.seller_name:
            self.check_result.setText(self.tr("Seller: %1").replace("%1", tenant.seller_name))

    # ----- validation ------------------------------------------------------------------------

    def _selected(self) -> Marketplace:
        return Marketplace(self.marketplace.currentData())

    def _marketplace_changed(self) -> None:
        wb = self._selected() is Marketplace.WILDBERRIES
        wb_fields: tuple[QWidget, ...] = (self.token_label, self.token, self.sandbox)
        ozon_fields: tuple[QWidget, ...] = (
            self.client_id_label,
            self.client_id,
            self.api_key_label,
            self.api_key,
        )
        for widget in wb_fields:
            widget.setVisible(wb)
        for widget in ozon_fields:
            widget.setVisible(not wb)
        self.check_result.clear()
        self.validate()

    def _secrets_typed(self) -> bool:
        if self._selected() is Marketplace.WILDBERRIES:
            return bool(self.token.text())
        return bool(self.api_key.text())

    def check(self) -> tuple[list[InputProblem], list[Problem]]:
        """Problems that refuse the input and warnings that do not, as typed now."""
        problems = check_name(self.name.text())
        warnings: list[Problem] = []
        editing_keeps_secrets = self.tenant is not None and not self._secrets_typed()
        if self._selected() is Marketplace.WILDBERRIES:
            if not editing_keeps_secrets:
                _, more, warnings = check_wb_token(
                    self.token.text(), sandbox=self.sandbox.isChecked()
                )
                problems += more
        elif (
            self.tenant is None
            or not editing_keeps_secrets
            or self.client_id.text() != self.tenant.account_id
        ):
            problems += check_ozon(self.client_id.text(), self.api_key.text())
        schedule_problem = self.schedule.problem()
        if schedule_problem is not None:
            problems.append(InputProblem("schedule", schedule_problem))
        return problems, warnings

    def validate(self) -> bool:
        problems, warnings = self.check()
        self._show_problems(problems, warnings)
        self.save_button.setEnabled(not problems)
        self.check_button.setEnabled(
            not any(p.field in ("token", "sandbox", "client_id", "api_key") for p in problems)
        )
        return not problems

    def _show_problems(self, problems: list[InputProblem], warnings: Sequence[Problem]) -> None:
        # An empty new form is not an error yet: say nothing until something was typed.
        pristine = self.tenant is None and not self.name.text() and not self._secrets_typed()
        shown = [] if pristine else problems
        self.problems.setText("\n".join(f"• {problem_text(p.problem)}" for p in shown))
        self.problems.setVisible(bool(shown))
        self.warnings.setText("\n".join(f"• {problem_text(w)}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    # ----- connection check ------------------------------------------------------------------

    def check_connection(self) -> None:
        self.check_button.setEnabled(False)
        self.check_result.setStyleSheet("")
        self.check_result.setText(self.tr("Checking…"))
        spawn(self._check_connection(), name="check-connection")

    async def _check_connection(self) -> None:
        try:
            if self.tenant is not None and not self._secrets_typed():
                report = await self.core.check_tenant(self.tenant.name)
            else:
                typed = self._typed()
                report = await self.core.check_credentials(
                    self._selected(), self._credentials(), sandbox=self.sandbox.isChecked()
                )
                self._refused = (typed, report.refused) if report.refused else None
            self.show_report(report)
        finally:
            self.check_button.setEnabled(True)

    def _typed(self) -> tuple[object, ...]:
        """The credentials as typed now: a refusal holds only while these stay the same."""
        return (self._selected(), self.sandbox.isChecked(), *self._credentials().values())

    def _credentials(self) -> dict[str, str]:
        if self._selected() is Marketplace.WILDBERRIES:
            return {"token": self.token.text()}
        return {"client_id": self.client_id.text(), "api_key": self.api_key.text()}

    def show_report(self, report: ConnectionReport) -> None:
        lines = connection_report_lines(report)
        if report.ok:
            lines.insert(0, self.tr("Connection works."))
        elif report.refused:
            lines.insert(0, self.tr("The marketplace refused these credentials."))
        self.check_result.setStyleSheet(OK_STYLE if report.ok else ERROR_STYLE)
        self.check_result.setText("\n".join(lines))

    # ----- saving ----------------------------------------------------------------------------

    def overrides(self) -> dict[str, Any]:
        """The tenant's own schedule and export targets; None drops a key (back to default)."""
        schedule = self.schedule.schedule()
        formats = [
            name for name, box in (("csv", self.csv), ("xlsx", self.xlsx)) if box.isChecked()
        ]
        return {
            "schedule": schedule.as_json() if schedule else None,
            "google_sheet": sheet_id(self.sheet.text()) or None,
            "export_folder": self.folder.text().strip() or None,
            "export_formats": formats or None,
        }

    def save(self) -> None:
        if not self.validate():
            return
        self.save_button.setEnabled(False)
        spawn(self._save(), name="save-tenant")

    async def _confirm_refused(self) -> bool:
        """Whether to save credentials the marketplace refused at the last check: only when
        the user says so."""
        if self._refused is None or self._refused[0] != self._typed():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Save refused credentials?"),
            self.tr(
                "The marketplace refused these credentials at the connection check, so every "
                "sync of this seller will fail until they are replaced."
            ),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(self._refused[1])
        box.button(QMessageBox.StandardButton.Save).setText(self.tr("Save anyway"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.refused_box = box
        await run_dialog(box)
        return box.clickedButton() is box.button(QMessageBox.StandardButton.Save)

    async def _save(self) -> None:
        if not await self._confirm_refused():
            self.save_button.setEnabled(True)
            return
        tags = split_tags(",".join(t.strip() for t in self.tags.text().split(",")))
        overrides = self.overrides()
        try:
            if self.tenant is None:
                draft = TenantDraft(
                    name=self.name.text(),
                    marketplace=self._selected(),
                    token=self.token.text(),
                    client_id=self.client_id.text(),
                    api_key=self.api_key.text(),
                    sandbox=self.sandbox.isChecked(),
                    notes=self.notes.toPlainText(),
                    tags=tags,
                    enabled=self.enabled.isChecked(),
                    overrides={k: v for k, v in overrides.items() if v is not None},
                    service_account_json=self._service_account_json or "",
                )
                saved = await self.core.add_tenant(draft)
            else:
                changes = TenantChanges(
                    name=self.name.text(),
                    token=self.token.text() or None,
                    client_id=self.client_id.text()
                    if self._selected() is Marketplace.OZON
                    else None,
                    api_key=self.api_key.text() or None,
                    sandbox=self.sandbox.isChecked(),
                    notes=self.notes.toPlainText(),
                    tags=tags,
                    enabled=self.enabled.isChecked(),
                    overrides=overrides,
                    service_account_json=self._service_account_json,
                )
                saved = await self.core.edit_tenant(self.tenant.name, changes)
        except InvalidTenant as exc:
            self._show_problems(exc.problems, [])
            self.save_button.setEnabled(True)
            return
        self.tenant = saved.tenant
        self.saved.emit(saved.tenant)
        self.accept()
