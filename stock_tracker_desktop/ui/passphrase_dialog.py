"""Asking for the master passphrase: unlocking, or choosing one on the first run."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import MIN_PASSPHRASE_LENGTH as MIN_LENGTH
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.secret_field import SecretField


class PassphraseDialog(QDialog):
    """``first_run`` asks twice (choosing a new passphrase); ``title`` and ``intro`` replace
    the master-passphrase wording when another secret is chosen (a recovery file's)."""

    def __init__(
        self,
        *,
        first_run: bool,
        parent: QWidget | None = None,
        title: str = "",
        intro: str = "",
    ) -> None:
        super().__init__(parent)
        self.first_run = first_run
        default_title = (
            self.tr("Choose a master passphrase") if first_run else self.tr("Unlock Stock Tracker")
        )
        self.setWindowTitle(title or default_title)
        self.setWindowIcon(icon("app"))
        self.setMinimumWidth(460)

        self.intro = QLabel(intro or self._intro_text())
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)

        self.passphrase_field = SecretField()
        self.passphrase_field.setAccessibleName(self.tr("Passphrase"))
        self.repeat_field = SecretField()
        self.repeat_field.setAccessibleName(self.tr("Repeat the passphrase"))
        form = QFormLayout()
        form.addRow(self.tr("&Passphrase:"), self.passphrase_field)
        if first_run:
            form.addRow(self.tr("&Repeat:"), self.repeat_field)
        else:
            self.repeat_field.hide()

        self.caps_warning = QLabel(self.tr("Caps Lock is on."))
        self.caps_warning.setObjectName("warning")
        self.caps_warning.hide()
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #d93b3b;")  # status colour, readable on both palettes
        self.message.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create") if first_run else self.tr("Unlock"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.caps_warning)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        for field in (self.passphrase_field, self.repeat_field):
            field.textChanged.connect(self._validate)
            field.caps_lock_changed.connect(self.caps_warning.setVisible)
        self._validate()

    def _intro_text(self) -> str:
        if self.first_run:
            return self.tr(
                "This computer has no secure system keyring, so Stock Tracker protects the "
                "sellers' API tokens and its database with a passphrase you choose now. "
                "It is asked for at every start.\n\n"
                "Without it nobody, not even you, can open the data: keep it in a password "
                "manager and export a recovery file from Settings."
            )
        return self.tr("Enter the master passphrase that protects this computer's data.")

    def passphrase(self) -> str:
        return self.passphrase_field.text()

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _validate(self) -> None:
        text = self.passphrase_field.text()
        problem = ""
        if self.first_run:
            if text and len(text) < MIN_LENGTH:
                problem = self.tr("Use at least %n characters.", "", MIN_LENGTH)
            elif self.repeat_field.text() and self.repeat_field.text() != text:
                problem = self.tr("The two passphrases differ.")
            ready = len(text) >= MIN_LENGTH and self.repeat_field.text() == text
        else:
            ready = bool(text)
        self.ok_button.setEnabled(ready)
        if self.first_run:
            self.message.setText(problem)
            self.message.setVisible(bool(problem))
