"""Logging to rotating files in the data directory, every handler behind the redaction filter.

The file log is a help, never a condition: when it cannot be written (a folder in its place, no
permission, a read-only or full disk, a rollover that cannot rename) the app says so once on
stderr and goes on without it.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from pathlib import Path

from stock_tracker_desktop.security.files import ensure_private_dir, restrict
from stock_tracker_desktop.security.redaction import RedactingFilter

LOG_FILE = "stock-tracker.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_warned: set[Path] = set()


def logs_dir(home: Path) -> Path:
    return home / "logs"


def _warn_unusable(path: Path, exc: BaseException | None) -> None:
    """Say once per process and file that the log file is off, and why."""
    if path in _warned:
        return
    _warned.add(path)
    why = (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__) if exc else "unknown"
    print(
        f"stock-tracker: warning: cannot write the log file {path} ({why}); going on without it",
        file=sys.stderr,
    )


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; the first record it cannot write turns it off (one warning), so
    that a full disk or a failed rollover neither stops the app nor floods stderr."""

    _broken = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self._broken:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        self._broken = True
        _warn_unusable(Path(self.baseFilename), sys.exc_info()[1])
        # The buffered lines cannot be written either; they are dropped.
        with contextlib.suppress(OSError):
            self.close()


def _open_log_file(home: Path) -> logging.Handler | None:
    path = logs_dir(home) / LOG_FILE
    handler = None
    try:
        ensure_private_dir(path.parent)
        handler = _LogFile(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        restrict(path)
    except OSError as exc:
        if handler is not None:
            handler.close()
        _warn_unusable(path, exc)
        return None
    return handler


def configure_logging(home: Path, *, verbose: bool = False, to_stderr: bool = False) -> None:
    """Send the app's log to ``<home>/logs`` (5 files of 2 MB), redacted, mode 0600."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_stock_tracker", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = _open_log_file(home)
    # Without any handler, logging's last resort would print warnings (with tracebacks) on
    # stderr; going on without the file means the records go nowhere.
    handlers: list[logging.Handler] = [file_handler or logging.NullHandler()]
    if to_stderr:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(RedactingFilter())
        handler._stock_tracker = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # httpx logs every request URL at INFO; useful, and URLs carry no secret, but keep it quieter.
    logging.getLogger("httpx").setLevel(logging.WARNING)
