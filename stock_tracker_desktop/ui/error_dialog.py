"""Unexpected exceptions in the window: logged, shown in a dialog, and the app goes on.

``install(app)`` routes ``sys.excepthook`` (exceptions in Qt slots end there) and the asyncio
loop's exception handler (callbacks and tasks nobody awaited) to ``report``. The details a user
can copy are the traceback after redaction: it may hold a token that was in a local variable's
repr or in a request's URL.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from stock_tracker_desktop.core import redact

log = logging.getLogger(__name__)

# One dialog at a time: an exception raised on every repaint must not open a hundred of them.
_open: list[ErrorDialog] = []


def details(error: BaseException) -> str:
    """The redacted traceback of ``error``."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return redact(text)


class ErrorDialog(QMessageBox):
    def __init__(self, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("Unexpected error"))
        self.setText(self.tr("Something went wrong. Stock Tracker keeps running."))
        message = redact(str(error)) or type(error).__name__
        self.setInformativeText(
            self.tr("%1\n\nIf it happens again, send the details or a diagnostics export to "
                    "support (Help menu).").replace("%1", message)
        )  # fmt: skip
        self.details_text = details(error)
        self.setDetailedText(self.details_text)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.addButton(self.copy_button, QMessageBox.ButtonRole.ActionRole)
        # An action button would close the box; copying must leave it open.
        self.copy_button.clicked.disconnect()
        self.copy_button.clicked.connect(self.copy_details)
        self.addButton(QMessageBox.StandardButton.Close)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finished.connect(lambda _code: _open.remove(self) if self in _open else None)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text)


def report(error: BaseException) -> ErrorDialog | None:
    """Log ``error`` and show it, unless a dialog is open already."""
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    if _open or QApplication.instance() is None:
        return None
    dialog = ErrorDialog(error, QApplication.activeWindow())
    _open.append(dialog)
    dialog.open()
    return dialog


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    report(error.with_traceback(tb))


def _loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    error = context.get("exception")
    if isinstance(error, BaseException) and not isinstance(error, asyncio.CancelledError):
        report(error)
        return
    loop.default_exception_handler(context)  # messages without an exception: logged as usual


def install(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Show unexpected exceptions of Qt slots (and of ``loop``'s callbacks) in the dialog."""
    sys.excepthook = _excepthook
    if loop is not None:
        loop.set_exception_handler(_loop_handler)
