"""Leaving no Qt object behind between GUI tests.

pytest-qt processes pending Qt events around every later test; a widget, timer or task left from
an earlier GUI test whose loop is closed can then call into freed objects and crash the process.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
import qasync
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


@pytest.fixture(scope="session")
def session_qasync_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One qasync loop for every GUI test of the session.

    A loop per test left each closed loop's Qt timer object to be freed whenever the garbage
    collector ran, possibly on a worker thread; its timer stayed registered with the main
    thread and a later test's event processing crashed the process. One loop, closed once at
    the very end, has no such leftovers.
    """
    loop = qasync.QEventLoop(qapp)
    yield loop
    loop.close()
