"""The Licence tab of the settings (docs/licensing.md): the plan that applies, how much of it is in
use, the licence behind it, and what `stock-tracker license ...` does on the command line:
activate, deactivate, import a machine file, check now.

The actions apply at once and run on the loop, never blocking it; a refusal the person can act
on (``LicenceProblem``, an unreadable file) shows in the tab with what to do. Only the address
of a self-hosted licensing service waits for the dialog's Save, like the General tab.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.config import (
    DEFAULT_LICENSE_ACCOUNT,
    DEFAULT_LICENSE_BASE_URL,
    DEFAULT_LICENSE_PUBLIC_KEY,
    LICENSE_ACCOUNT_ENV,
    LICENSE_BASE_URL_ENV,
    LICENSE_PUBLIC_KEY_ENV,
)
from stock_tracker_desktop.core import AppCore, LicenceProblem, LicenceUsage, Settings, redact
from stock_tracker_desktop.domain.licence import GRACE, LicenceStanding, LicenceState
from stock_tracker_desktop.domain.plans import FREE, Feature, Plan
from stock_tracker_desktop.domain.problems import Problem
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.async_qt import run_dialog, spawn
from stock_tracker_desktop.ui.problem_texts import problem_text
from stock_tracker_desktop.ui.secret_field import SecretField
from stock_tracker_desktop.ui.team_words import error_label
from stock_tracker_desktop.ui.tenant_editor import OK_STYLE
from stock_tracker_desktop.user_files import FileProblem, UserFileError


class LicenceTexts(QObject):
    """The licence in words, for the tab and the window's status bar. A QObject for its
    ``tr``: lupdate takes plural forms only from ``tr`` calls."""

    def plan_title(self, plan: Plan) -> str:
        titles = {
            "free": self.tr("Free"),
            "start": self.tr("Start"),
            "pro": self.tr("Pro"),
            "agency": self.tr("Agency"),
        }
        return titles.get(plan.code, plan.title)

    def features(self, plan: Plan) -> str:
        """What the plan offers, in the order of the plans' table (docs/licensing.md)."""
        names = {
            Feature.SCHEDULES: self.tr("scheduled syncs"),
            Feature.GOOGLE_SHEETS: self.tr("Google Sheets exports"),
            Feature.TEAM: self.tr("team mode"),
            Feature.ALERTS: self.tr("alerts"),
        }
        offered = [names[feature] for feature in Feature if plan.has(feature)]
        if not plan.has(Feature.SCHEDULES):
            offered.insert(0, self.tr("syncs by hand"))
        offered.append(self.tr("CSV and XLSX exports"))  # every plan: the data can always leave
        text = ", ".join(offered)
        return text[:1].upper() + text[1:]

    def refusal(self, standing: LicenceStanding) -> str:
        """Why the service says the licence does not hold: its usual codes in words, else its
        own words."""
        no_machine = self.tr("no machine is left on it for this computer")
        known = {
            "SUSPENDED": self.tr("the licence is suspended"),
            "EXPIRED": self.tr("the licence has expired"),
            "OVERDUE": self.tr("the licence is overdue"),
            "BANNED": self.tr("the licence's owner is banned"),
            "MACHINE_LIMIT_EXCEEDED": no_machine,
            "TOO_MANY_MACHINES": no_machine,
            "HEARTBEAT_DEAD": self.tr("this computer stopped reporting to the licensing service"),
        }
        return known.get(standing.code, redact(standing.detail) or standing.code)

    def state(self, standing: LicenceStanding) -> str:
        """Where the licence stands, in one sentence with what to do."""
        state = standing.state
        checked = texts.date_time_text(standing.last_check)
        file_end = texts.date_time_text(standing.file_expiry)
        if state is LicenceState.NONE:
            n = FREE.sellers
            text = self.tr(
                "No licence: the Free plan (%n seller(s), syncs by hand, CSV and XLSX)", "", n
            )
            return texts.plural(text, n)
        if state is LicenceState.ACTIVE:
            return self.tr("Valid, confirmed by the licensing service")
        if state is LicenceState.OFFLINE:
            n = standing.grace_days_left or 0
            text = self.tr(
                "Valid; the licensing service has not answered since %1: %n day(s) of grace left",
                "",
                n,
            )
            return texts.plural(text, n).replace("%1", checked)
        if state is LicenceState.GRACE_OVER:
            n = GRACE.days
            text = self.tr(
                "The licensing service has not answered since %1 and the %n day(s) of grace are "
                "over: the Free plan applies. Connect to the internet and check now",
                "",
                n,
            )
            return texts.plural(text, n).replace("%1", checked)
        if state is LicenceState.CLOCK_BACK:
            return self.tr(
                "The computer's clock was turned back; connect to the internet to confirm the "
                "licence (the Free plan applies until then)"
            )
        if state is LicenceState.NOT_VALID:
            return self.tr(
                "Not valid: %1. The Free plan applies; see the licence portal or activate "
                "another key"
            ).replace("%1", self.refusal(standing))
        if state is LicenceState.MACHINE_FILE:
            return self.tr(
                "Valid by a machine file until %1 (this computer does not ask the licensing "
                "service)"
            ).replace("%1", file_end)
        return self.tr(
            "The machine file ended on %1: the Free plan applies. Import a new one from the "
            "licence portal"
        ).replace("%1", file_end)

    def sellers(self, usage: LicenceUsage) -> str:
        text = self.tr("%1 of %2").replace("%1", texts.count(usage.sellers))
        text = text.replace("%2", texts.count(usage.standing.plan.sellers))
        if usage.paused:
            paused = self.tr(
                "%n paused: beyond the plan's limit, their syncs wait", "", usage.paused
            )
            text += "; " + texts.plural(paused, usage.paused)
        return text

    def status_bar(self, standing: LicenceStanding, paused: int) -> str:
        """The licence's word in the window's status bar: only what needs the agency ("" when
        all is well)."""
        words = []
        if standing.state is LicenceState.OFFLINE:
            n = standing.grace_days_left or 0
            words.append(
                texts.plural(self.tr("Licence offline: %n day(s) of grace left", "", n), n)
            )
        elif not standing.holds and standing.state is not LicenceState.NONE:
            words.append(self.tr("The licence does not hold: the Free plan applies"))
        if paused:
            text = self.tr("%n seller(s) paused by the plan's limit", "", paused)
            words.append(texts.plural(text, paused))
        return " · ".join(words)


# ----- the tab -----------------------------------------------------------------------------------


class ServiceField(QLineEdit):
    """One of the self-hosted service's settings: empty keeps the build's default; an
    environment variable, when set, overrides it and the field only shows that."""

    def __init__(self, setting: str, env: str, default: str) -> None:
        super().__init__()
        self.setting = setting
        self.overridden = os.environ.get(env, "").strip()
        self.setPlaceholderText(self.tr("Default: %1").replace("%1", default))
        self.note = QLabel(
            self.tr("Set by %1 in the environment; change it there").replace("%1", env)
        )
        self.note.setWordWrap(True)
        self.note.setEnabled(False)  # the palette's muted text colour
        self.note.setVisible(bool(self.overridden))
        if self.overridden:
            self.setText(self.overridden)
            self.setReadOnly(True)

    def value(self, stored: str) -> str:
        """What Save stores: the stored value stays under an override (the environment's value
        is the environment's, not a setting)."""
        return stored if self.overridden else self.text().strip()


class LicenceTab(QWidget):
    """``loaded``: the tab shows the licence as last read; ``changed``: an action changed the
    licence, so the plan, its limit and the paused sellers may differ (the window reloads)."""

    loaded = Signal()
    changed = Signal()

    def __init__(self, core: AppCore, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.settings = settings
        self.usage: LicenceUsage | None = None
        self.words = LicenceTexts(self)
        self.confirm_box: QMessageBox | None = None
        self._read = False
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(OK_STYLE)
        self.notice.hide()
        self.problem = error_label()

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.notice)
        page_layout.addWidget(self.problem)
        page_layout.addWidget(self._plan_group())
        page_layout.addWidget(self._licence_group())
        page_layout.addWidget(self._activation_group())
        page_layout.addWidget(self._service_toggle())
        page_layout.addWidget(self.service_group)
        page_layout.addStretch(1)
        # Scrolled rather than growing the dialog: the tab may say more than the General tab
        # (a refusal, the self-hosted service's fields), the dialog keeps its size.
        scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page.setAutoFillBackground(False)  # the tab's own background, as on the other pages
        scroll.viewport().setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)

    # ----- groups ----------------------------------------------------------------------------

    def _plan_group(self) -> QGroupBox:
        self.plan = QLabel()
        self.plan.setStyleSheet("font-weight: bold;")
        self.state = QLabel()
        self.sellers = QLabel()
        self.features = QLabel()
        for label in (self.state, self.sellers, self.features):
            label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Plan:"), self.plan)
        form.addRow(self.tr("State:"), self.state)
        form.addRow(self.tr("Sellers:"), self.sellers)
        form.addRow(self.tr("Features:"), self.features)
        group = QGroupBox(self.tr("Plan"))
        group.setLayout(form)
        return group

    def _licence_group(self) -> QGroupBox:
        self.name = QLabel()
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expiry = QLabel()
        self.machines = QLabel()
        self.last_check = QLabel()
        self.last_problem = error_label()
        self.last_problem_title = QLabel(self.tr("Last problem:"))
        self.check_button = QPushButton(self.tr("Check now"))
        self.check_button.setToolTip(self.tr("Ask the licensing service about the licence now"))
        self.check_button.clicked.connect(self.check)
        self.deactivate_button = QPushButton(self.tr("Deactivate…"))
        self.deactivate_button.setToolTip(
            self.tr("Free this desktop's seat on the licence; the Free plan applies")
        )
        self.deactivate_button.clicked.connect(self.confirm_deactivate)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        buttons.addWidget(self.deactivate_button)
        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Expires:"), self.expiry)
        form.addRow(self.tr("Machines:"), self.machines)
        form.addRow(self.tr("Last check:"), self.last_check)
        form.addRow(self.last_problem_title, self.last_problem)
        form.addRow(buttons)
        self.licence_group = QGroupBox(self.tr("Licence"))
        self.licence_group.setLayout(form)
        return self.licence_group

    def _activation_group(self) -> QGroupBox:
        explanation = QLabel(
            self.tr(
                "Paste the licence key from the licence e-mail or the portal. A computer "
                "without internet takes a machine file from the portal instead."
            )
        )
        explanation.setWordWrap(True)
        self.key = SecretField()
        self.key.setAccessibleName(self.tr("Licence key"))
        self.key.textChanged.connect(self._update_actions)
        self.key.returnPressed.connect(self.activate)
        self.activate_button = QPushButton(self.tr("Activate"))
        self.activate_button.clicked.connect(self.activate)
        self.import_button = QPushButton(self.tr("Import machine file…"))
        self.import_button.setToolTip(
            self.tr("For an office without internet: the file opens with the key typed above")
        )
        self.import_button.clicked.connect(self._choose_machine_file)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.activate_button)
        import_row = QHBoxLayout()
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        form = QFormLayout()
        form.addRow(explanation)
        key_label = QLabel(self.tr("Licence &key:"))
        key_label.setBuddy(self.key)  # the field sits in a row with its button: no buddy else
        form.addRow(key_label, row)
        form.addRow("", import_row)
        self.activation_group = QGroupBox(self.tr("Activate a licence"))
        self.activation_group.setLayout(form)
        return self.activation_group

    def _service_toggle(self) -> QToolButton:
        self.base_url = ServiceField(
            "licence_base_url", LICENSE_BASE_URL_ENV, DEFAULT_LICENSE_BASE_URL
        )
        self.account = ServiceField("licence_account", LICENSE_ACCOUNT_ENV, DEFAULT_LICENSE_ACCOUNT)
        self.public_key = ServiceField(
            "licence_public_key", LICENSE_PUBLIC_KEY_ENV, DEFAULT_LICENSE_PUBLIC_KEY
        )
        self.service_fields = (self.base_url, self.account, self.public_key)
        form = QFormLayout()
        for label, field in zip(
            (self.tr("Address:"), self.tr("Account:"), self.tr("Public key:")),
            self.service_fields,
            strict=True,
        ):
            if not field.overridden:
                field.setText(getattr(self.settings, field.setting))
            form.addRow(label, field)
            form.addRow("", field.note)
        explanation = QLabel(
            self.tr(
                "Only for an agency that runs its own licensing service; empty fields keep the "
                "defaults. Applies with Save."
            )
        )
        explanation.setWordWrap(True)
        explanation.setEnabled(False)
        form.insertRow(0, explanation)
        self.service_group = QGroupBox()
        self.service_group.setLayout(form)
        # Collapsed unless a service of the agency's own is set here: most never need it.
        used = any(field.text() and not field.overridden for field in self.service_fields)
        toggle = self.service_toggle = QToolButton()
        toggle.setText(self.tr("Self-hosted licensing service"))
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setCheckable(True)
        toggle.setAutoRaise(True)
        toggle.toggled.connect(self._show_service)
        toggle.setChecked(used)
        self._show_service(used)
        return toggle

    def _show_service(self, shown: bool) -> None:
        self.service_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.service_group.setVisible(shown)

    def changes(self) -> dict[str, object]:
        """The service's settings, for the dialog's Save."""
        return {
            field.setting: field.value(getattr(self.settings, field.setting))
            for field in self.service_fields
        }

    # ----- reading ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._read:  # the first time the tab opens
            self._read = True
            spawn(self.reload(), name="licence-tab")

    async def reload(self) -> None:
        self._show(await self.core.licence.usage())

    def _show(self, usage: LicenceUsage) -> None:
        self.usage = usage
        standing = usage.standing
        plan = self.words.plan_title(standing.plan)
        if standing.held is not None and standing.held != standing.plan:
            plan += " " + self.tr("(the licence holds %1)").replace(
                "%1", self.words.plan_title(standing.held)
            )
        self.plan.setText(plan)
        self.state.setText(self.words.state(standing))
        self.sellers.setText(self.words.sellers(usage))
        self.features.setText(self.words.features(standing.plan))
        self.licence_group.setVisible(standing.state is not LicenceState.NONE)
        self.name.setText(standing.name or "—")
        self.expiry.setText(texts.date_time_text(standing.expiry) or self.tr("no end date"))
        machines = standing.max_machines
        self.machines.setText(
            texts.plural(self.tr("%n (team members count as machines)", "", machines), machines)
            if machines is not None
            else self.tr("no limit")
        )
        self.last_check.setText(texts.date_time_text(standing.last_check) or self.tr("never"))
        problem = standing.last_problem
        self.last_problem.setText(_words(problem) if problem is not None else "")
        self.last_problem.setVisible(problem is not None)
        self.last_problem_title.setVisible(problem is not None)
        # A licence that holds is not replaced by another key here: deactivating it first
        # frees its seat, which a second activation would leave taken.
        self.activation_group.setVisible(not standing.holds)
        self._update_actions()
        self.loaded.emit()

    def _update_actions(self, *, busy: bool = False) -> None:
        stored = self.usage is not None and self.usage.standing.state is not LicenceState.NONE
        self.activate_button.setEnabled(not busy and bool(self.key.text().strip()))
        self.import_button.setEnabled(not busy)
        self.check_button.setEnabled(not busy and stored)
        self.deactivate_button.setEnabled(not busy and stored)
        self.key.setReadOnly(busy)

    def _say(self, notice: str = "", problem: str = "") -> None:
        """What the last action did, or why it did nothing, above the tab's contents."""
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))

    # ----- actions ---------------------------------------------------------------------------

    def activate(self) -> None:
        key = self.key.text().strip()
        if key and self.activate_button.isEnabled():
            spawn(self._act(self._activate(key)), name="licence-activate")

    async def _activate(self, key: str) -> str:
        try:
            usage = await self.core.licence.activate(key)
        except LicenceProblem as exc:
            return self._refused(self.tr("The licence was not activated: %1"), exc.problem)
        self.key.clear()
        return self._done(usage, self.tr("Activated: the %1 plan applies on this desktop."))

    def _choose_machine_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import machine file"), "", self.tr("Machine files (*.lic);;All (*)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        key = self.key.text().strip()
        if not key and (self.usage is None or self.usage.standing.state is LicenceState.NONE):
            self._say(
                problem=self.tr("Type the licence key first: the machine file opens with it.")
            )
            return
        spawn(self._act(self._import(path, key)), name="licence-import")

    async def _import(self, path: Path, key: str) -> str:
        try:
            usage = await self.core.licence.import_file(path, key)
        except LicenceProblem as exc:
            return self._refused(self.tr("The machine file was not imported: %1"), exc.problem)
        except UserFileError as exc:
            self._say(problem=self._file_problem(exc))
            return ""
        self.key.clear()
        return self._done(usage, self.tr("Imported: the %1 plan applies on this desktop."))

    def _file_problem(self, exc: UserFileError) -> str:
        said = {
            FileProblem.MISSING: self.tr("%1 does not exist."),
            FileProblem.FOLDER: self.tr("%1 is a folder; choose the machine file itself."),
            FileProblem.TOO_LARGE: self.tr("%1 is too large to be a machine file."),
            FileProblem.BINARY: self.tr("%1 is not a text file, so it is no machine file."),
        }
        text = said.get(exc.problem, self.tr("%1 cannot be read as a machine file."))
        return text.replace("%1", exc.path.name)

    def check(self) -> None:
        spawn(self._act(self._check()), name="licence-check")

    async def _check(self) -> str:
        usage = await self.core.licence.refresh()
        # Unheard, the last confirmed answer holds; either way the standing may have moved.
        notice = self._done(usage, self.tr("Checked with the licensing service."))
        problem = usage.standing.last_problem
        if problem is not None:
            not_heard = self.tr("The licensing service was not heard: %1")
            return self._refused(not_heard, problem)
        return notice

    def confirm_deactivate(self) -> None:
        spawn(self._act(self._deactivate()), name="licence-deactivate")

    async def _deactivate(self) -> str:
        box = self.confirm_box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Deactivate the licence?"),
            self.tr("This desktop's seat on the licence is freed and the Free plan applies."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            self.tr(
                "Nothing is deleted: sellers beyond the Free plan's limit pause their syncs, "
                "and their figures stay and export as before. The key can be activated again."
            )
        )
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Deactivate"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        await run_dialog(box)
        confirmed = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        self.confirm_box = None
        if not confirmed:
            return ""
        try:
            usage = await self.core.licence.deactivate()
        except LicenceProblem as exc:
            return self._refused(self.tr("The licence was not deactivated: %1"), exc.problem)
        return self._done(usage, self.tr("Deactivated: the %1 plan applies on this desktop."))

    async def _act(self, action: Awaitable[str]) -> None:
        """Run one action with the buttons off, so that a second click cannot overlap it."""
        self._say()
        self._update_actions(busy=True)
        try:
            notice = await action
        finally:
            self._update_actions()
        if notice:
            self._say(notice=notice)

    def _refused(self, template: str, why: Problem) -> str:
        self._say(problem=template.replace("%1", _words(why)))
        return ""

    def _done(self, usage: LicenceUsage, template: str) -> str:
        self._show(usage)
        self.changed.emit()
        return template.replace("%1", self.words.plan_title(usage.standing.plan))


def _words(problem: Problem) -> str:
    """A licence problem in the window's language; redacted, as the service's own words in it
    (its ``detail``) could echo a secret."""
    return redact(problem_text(problem))
