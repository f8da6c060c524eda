"""The sync engine's plain events as Qt signals, so widgets update in Qt's usual way.

Progress events come per page from every tenant at once; forwarding each would make fifty
syncing tenants repaint the window hundreds of times a second. The bridge keeps only the latest
progress per tenant and forwards it at most every ``PROGRESS_INTERVAL_MS``; started and
finished go through at once (a finished tenant's pending progress is dropped).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, QTimer, Signal

from stock_tracker_desktop.core import AppCore, SyncEvent, SyncFinished, SyncProgress, SyncStarted

PROGRESS_INTERVAL_MS = 150


class SyncBridge(QObject):
    started = Signal(object)  # SyncStarted
    progress = Signal(object)  # SyncProgress
    finished = Signal(object)  # SyncFinished

    def __init__(self, core: AppCore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[uuid.UUID, SyncProgress] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_INTERVAL_MS)
        self._timer.timeout.connect(self._flush)
        self._unsubscribe: object = core.subscribe(self._forward)
        if parent is not None:
            # The engine outlives widgets: stop calling into a Qt object that is gone.
            parent.destroyed.connect(lambda *_: self.detach())

    def _forward(self, event: SyncEvent) -> None:
        if isinstance(event, SyncProgress):
            self._pending[event.tenant_id] = event
            if not self._timer.isActive():
                self._timer.start()
        elif isinstance(event, SyncStarted):
            self.started.emit(event)
        elif isinstance(event, SyncFinished):
            self._pending.pop(event.tenant_id, None)
            self.finished.emit(event)

    def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        for event in pending.values():
            self.progress.emit(event)

    def detach(self) -> None:
        """Stop listening to the engine; safe to call more than once."""
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if callable(unsubscribe):
            unsubscribe()
