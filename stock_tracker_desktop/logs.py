"""Logging to rotating files in the data directory, every handler behind the redaction filter."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from stock_tracker_desktop.security.files import ensure_private_dir, restrict
from stock_tracker_desktop.security.redaction import RedactingFilter

LOG_FILE = "stock-tracker.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def logs_dir(home: Path) -> Path:
    return home / "logs"


def configure_logging(home: Path, *, verbose: bool = False, to_stderr: bool = False) -> None:
    """Send the app's log to ``<home>/logs`` (5 files of 2 MB), redacted, mode 0600."""
    folder = ensure_private_dir(logs_dir(home))
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_stock_tracker", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        folder / LOG_FILE, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    restrict(folder / LOG_FILE)
    handlers: list[logging.Handler] = [file_handler]
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
