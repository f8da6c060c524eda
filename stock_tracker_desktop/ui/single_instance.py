"""One window per data directory: a second launch hands over to the first and exits.

A local socket (a named pipe on Windows, a Unix socket elsewhere) named after the data
directory: whoever listens on it is the running instance.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_RAISE = b"raise\n"
_TIMEOUT_MS = 1000


def server_name(home: Path) -> str:
    """A socket name unique to this user and data directory (short: Unix paths are limited)."""
    key = f"{getpass.getuser()}\0{home.resolve()}".encode()
    return "stock-tracker-" + hashlib.sha256(key).hexdigest()[:24]


def notify_running(name: str) -> bool:
    """Ask a running instance to come to the front; False when none is listening."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_TIMEOUT_MS):
        return False
    socket.write(_RAISE)
    socket.waitForBytesWritten(_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class SingleInstance(QObject):
    """The running instance's end: emits ``raise_requested`` when another launch knocks."""

    raise_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            # A crashed instance leaves a stale socket file behind on Unix.
            QLocalServer.removeServer(name)
            self._server.listen(name)
        self._server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_RAISE.strip()):
            self.raise_requested.emit()

    def close(self) -> None:
        self._server.close()
