"""The exception dialog: shown for an exception in a slot, copies redacted details, app lives."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from stock_tracker_desktop.ui import error_dialog
from tests.support.tokens import wb_token


@pytest.fixture
def hooked(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    previous = sys.excepthook
    error_dialog.install(loop)
    yield loop
    sys.excepthook = previous
    loop.close()
    for dialog in list(error_dialog._open):
        dialog.close()


def _failing_slot(token: str) -> None:
    raise RuntimeError(f"request failed: Authorization: Bearer {token}")


# pytest-qt would take exceptions of Qt callbacks itself; the app's hook is under test here.
@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_shows_the_dialog_and_copies_redacted_details(
    hooked: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    token = wb_token()
    with caplog.at_level(logging.ERROR):
        QTimer.singleShot(0, lambda: _failing_slot(token))
        qtbot.waitUntil(lambda: bool(error_dialog._open), timeout=3000)
    dialog = error_dialog._open[0]
    assert dialog.isVisible()
    assert "keeps running" in dialog.text()
    assert "request failed" in dialog.informativeText()
    assert token not in dialog.informativeText()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "Traceback" in copied and "_failing_slot" in copied and "[redacted]" in copied
    assert token not in copied
    assert dialog.isVisible()  # copying leaves it open
    assert "unexpected error" in caplog.text
    # A second exception while the dialog is open is logged, not stacked in another dialog.
    assert error_dialog.report(ValueError("again")) is None
    dialog.close()
    qtbot.waitUntil(lambda: not error_dialog._open, timeout=3000)
    assert QApplication.instance() is not None  # the app is still there


def test_asyncio_callback_exception_reaches_the_dialog(hooked: asyncio.AbstractEventLoop) -> None:
    async def main() -> None:
        hooked.call_soon(lambda: (_ for _ in ()).throw(KeyError("missing column")))
        await asyncio.sleep(0.05)

    hooked.run_until_complete(main())
    assert error_dialog._open and "missing column" in error_dialog._open[0].informativeText()
