"""Leaving no Qt object behind between GUI tests.

pytest-qt processes pending Qt events around every later test; a widget, timer or task left from
an earlier GUI test whose loop is closed can then call into freed objects and crash the process.
"""

from __future__ import annotations

import asyncio
import gc

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication


def dispose_qt_objects(loop: asyncio.AbstractEventLoop) -> None:
    """Close every window, cancel the loop's tasks and delete what Qt scheduled for deletion,
    while the loop still runs."""
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()
