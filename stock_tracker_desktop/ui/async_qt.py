"""Small bridges between Qt's callbacks and the asyncio loop that qasync runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

log = logging.getLogger(__name__)

_tasks: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
    """Run a coroutine from a Qt slot; keep a reference so it is not collected mid-way and
    log what it raises instead of losing it."""
    task = asyncio.get_event_loop().create_task(coro, name=name)
    _tasks.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s failed", task.get_name(), exc_info=task.exception())


async def run_dialog(dialog: QDialog) -> int:
    """Show a dialog window-modally and wait for its result without a nested event loop
    (``exec()`` inside a coroutine would re-enter the loop that runs the coroutine)."""
    done: asyncio.Future[int] = asyncio.get_event_loop().create_future()

    def finished(result: int) -> None:
        if not done.done():
            done.set_result(result)

    dialog.finished.connect(finished)
    dialog.open()
    return await done


def show_message(
    parent: QWidget | None, kind: QMessageBox.Icon, title: str, text: str, details: str = ""
) -> QMessageBox:
    """A message box that does not block (safe inside coroutines, unlike the static helpers)."""
    box = QMessageBox(kind, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setInformativeText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
