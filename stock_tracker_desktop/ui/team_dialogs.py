"""The Team tab's dialogs that ask for input: joining with an invitation, setting a team up,
inviting a member. A refusal (``TeamError``) is shown in the dialog, which stays open to be
corrected."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import MIN_PASSPHRASE_LENGTH, AppCore, TeamError, TeamRole, redact
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.async_qt import spawn
from stock_tracker_desktop.ui.secret_field import SecretField

if TYPE_CHECKING:  # a solo desktop's window never loads the team's client (psycopg and all)
    pass
from stock_tracker_desktop.ui.team_words import error_label, role_description, role_name

INVITATION_FILTER = "*.invitation"
INVITED_ROLES = (TeamRole.VIEWER, TeamRole.USER, TeamRole.ADMIN)


# ----- the dialogs that ask for input -------------------------------------------------------------


class ActionDialog(QDialog):
    """A dialog whose OK button runs ``act`` (a call of the core) with the dialog still open:
    a refusal shows in it, in the error style, for the person to correct; success closes it
    and leaves what ``act`` returned in ``outcome``."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(520)
        self.outcome: Any = None
        self._busy = False
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.form = QFormLayout()
        self.problem = error_label()
        self.working = QLabel(
            QCoreApplication.translate("ActionDialog", "Talking to the team's server…")
        )
        self.working.setEnabled(False)  # the palette's muted text colour
        self.working.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.working)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def set_texts(self, title: str, intro: str, ok_text: str) -> None:
        self.setWindowTitle(title)
        self.intro.setText(intro)
        self.ok_button.setText(ok_text)

    def ready(self) -> bool:
        """Whether what is typed may be sent (the OK button's state)."""
        raise NotImplementedError

    def validate(self) -> None:
        self.ok_button.setEnabled(self.ready() and not self._busy)

    async def act(self) -> Any:
        raise NotImplementedError

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def submit(self) -> None:
        if self.ready() and not self._busy:
            spawn(self._submit(), name=f"team:{type(self).__name__}")

    async def _submit(self) -> None:
        self._set_busy(True)
        self.show_problem("")
        error = ""
        try:
            self.outcome = await self.act()
        except (TeamError, OSError) as exc:
            error = redact(str(exc))
        finally:
            self._set_busy(False)
        if error:
            self.show_problem(error)
        else:
            self.accept()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.working.setVisible(busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self.validate()

    def reject(self) -> None:
        if not self._busy:  # the core's call goes on either way: wait for what it says
            super().reject()


class JoinDialog(ActionDialog):
    def __init__(self, core: AppCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_texts(
            self.tr("Join a team"),
            self.tr(
                "Choose the invitation file the team's owner gave you and type the passphrase "
                "they told you. This desktop's sellers are shared with the team, and the "
                "team's sellers come here."
            ),
            self.tr("Join"),
        )
        self.core = core
        self.path = QLineEdit()
        self.path.setAccessibleName(self.tr("Invitation file"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.passphrase = SecretField()
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.form.addRow(self.tr("Invitation file:"), row)
        self.form.addRow(self.tr("&Passphrase:"), self.passphrase)
        self.path.textChanged.connect(self.validate)
        self.passphrase.textChanged.connect(self.validate)
        self.validate()

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the invitation"),
            self.path.text() or str(Path.home()),
            self.tr("Invitations (%1);;All files (*)").replace("%1", INVITATION_FILTER),
        )
        if path:
            self.path.setText(path)

    def ready(self) -> bool:
        return bool(self.path.text().strip() and self.passphrase.text())

    def chosen_path(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    async def act(self) -> int:
        return await self.core.team.join(self.chosen_path(), self.passphrase.text())


class SetupDialog(ActionDialog):
    def __init__(self, core: AppCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_texts(
            self.tr("Set up a team"),
            self.tr(
                "For the agency's owner, once: the team's tables and roles are made on a "
                "PostgreSQL database, and this desktop joins the team as its owner. The "
                "connection string names a login that may create roles; it serves the set-up "
                "only and is not kept."
            ),
            self.tr("Set up"),
        )
        self.core = core
        self.dsn = SecretField()
        self.dsn.setAccessibleName(self.tr("Connection string"))
        self.dsn.setPlaceholderText(self.tr("postgresql://LOGIN:PASSWORD@HOST:5432/DATABASE"))
        self.dsn.setToolTip(
            self.tr(
                "A connection string or URI. A server on another computer needs "
                "sslmode=verify-full, and sslrootcert= its CA's file unless the system trusts it."
            )
        )
        self.owner = QLineEdit()
        self.owner.setPlaceholderText(self.tr("for example olga"))
        self.owner.setToolTip(
            self.tr("1-30 letters a-z, digits and _, starting with a letter: it names your login")
        )
        self.team_name = QLineEdit()
        self.team_name.setPlaceholderText(self.tr("the database's name"))
        self.form.addRow(self.tr("&Connection string:"), self.dsn)
        self.form.addRow(self.tr("&Your name:"), self.owner)
        self.form.addRow(self.tr("&Team's name:"), self.team_name)
        self.dsn.textChanged.connect(self.validate)
        self.owner.textChanged.connect(self.validate)
        self.validate()

    def ready(self) -> bool:
        return bool(self.dsn.text().strip() and self.owner.text().strip())

    async def act(self) -> int:
        setup = await self.core.team.init(
            self.dsn.text().strip(), self.team_name.text().strip(), self.owner.text().strip()
        )
        return setup.enqueued


class InviteDialog(ActionDialog):
    def __init__(self, core: AppCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_texts(
            self.tr("Invite a member"),
            self.tr(
                "A login on the team's server for one person, carried by an invitation file "
                "that the passphrase locks. Give them the file, and tell them the passphrase "
                "another way (by phone, say). The invitation is valid for a week."
            ),
            self.tr("Invite"),
        )
        self.core = core
        self._path_chosen = False
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("for example ivan"))
        self.name.setToolTip(self.tr("1-30 letters a-z, digits and _, starting with a letter"))
        self.role = QComboBox()
        for role in INVITED_ROLES:
            self.role.addItem(role_name(role.value), role.value)
        self.role.setCurrentIndex(self.role.findData(TeamRole.USER.value))
        # One line: a wrapping label in a form row is given room for several.
        self.role_note = QLabel()
        self.role_note.setEnabled(False)  # muted: it explains the choice above
        self.path = QLineEdit()
        self.path.setAccessibleName(self.tr("Invitation file"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.passphrase = SecretField()
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.repeat = SecretField()
        self.repeat.setAccessibleName(self.tr("Repeat the passphrase"))
        self.form.addRow(self.tr("&Name:"), self.name)
        self.form.addRow(self.tr("&Role:"), self.role)
        self.form.addRow("", self.role_note)
        self.form.addRow(self.tr("Save to:"), row)
        self.form.addRow(self.tr("&Passphrase:"), self.passphrase)
        self.form.addRow(self.tr("R&epeat:"), self.repeat)
        self.name.textChanged.connect(self._name_changed)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.path.textEdited.connect(self._path_edited)
        for field in (self.path, self.passphrase, self.repeat):
            field.textChanged.connect(self.validate)
        self._role_changed()
        self.validate()

    def chosen_role(self) -> TeamRole:
        return TeamRole(self.role.currentData())

    def _role_changed(self) -> None:
        self.role_note.setText(role_description(self.chosen_role()))

    def _path_edited(self) -> None:
        self._path_chosen = True

    def _name_changed(self, name: str) -> None:
        # The file is named after the person until a file is chosen.
        if not self._path_chosen:
            stem = name.strip().lower()
            self.path.setText(str(Path.home() / f"{stem}.invitation") if stem else "")
        self.validate()

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the invitation"),
            self.path.text() or str(Path.home() / "member.invitation"),
            self.tr("Invitations (%1)").replace("%1", INVITATION_FILTER),
        )
        if path:
            self._path_chosen = True
            self.path.setText(path)

    def passphrase_problem(self) -> str:
        text = self.passphrase.text()
        if text and len(text) < MIN_PASSPHRASE_LENGTH:
            n = MIN_PASSPHRASE_LENGTH
            return texts.plural(self.tr("Use at least %n characters.", "", n), n)
        if self.repeat.text() and self.repeat.text() != text:
            return self.tr("The two passphrases differ.")
        return ""

    def ready(self) -> bool:
        text = self.passphrase.text()
        return bool(
            self.name.text().strip()
            and self.path.text().strip()
            and len(text) >= MIN_PASSPHRASE_LENGTH
            and self.repeat.text() == text
        )

    def validate(self) -> None:
        if not self._busy:
            self.show_problem(self.passphrase_problem())
        super().validate()

    def chosen_path(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    async def act(self) -> Any:
        return await self.core.team.invite(
            self.name.text().strip(), self.chosen_role(), self.chosen_path(), self.passphrase.text()
        )
