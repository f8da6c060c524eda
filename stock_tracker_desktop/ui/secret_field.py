"""A masked input for tokens, keys and passphrases: a "show" toggle and a caps-lock hint."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from stock_tracker_desktop.ui.resources import icon


class SecretField(QLineEdit):
    """Masked by default. Qt cannot read the caps-lock state portably, so it is inferred from
    what a key press produces: a capital letter without Shift (or a small one with it)."""

    caps_lock_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.caps_lock = False
        self.show_action = QAction(icon("show"), self.tr("Show"), self)
        self.show_action.setCheckable(True)
        self.show_action.setToolTip(self.tr("Show or hide what is typed"))
        self.show_action.toggled.connect(self.set_revealed)
        self.addAction(self.show_action, QLineEdit.ActionPosition.TrailingPosition)
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
        )

    def set_revealed(self, revealed: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password
        self.setEchoMode(mode)
        if self.show_action.isChecked() != revealed:
            self.show_action.setChecked(revealed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text.isalpha() and text.lower() != text.upper():
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._set_caps_lock(text.isupper() != shift)
        elif event.key() == Qt.Key.Key_CapsLock:
            self._set_caps_lock(not self.caps_lock)
        super().keyPressEvent(event)

    def _set_caps_lock(self, on: bool) -> None:
        if on != self.caps_lock:
            self.caps_lock = on
            self.caps_lock_changed.emit(on)
