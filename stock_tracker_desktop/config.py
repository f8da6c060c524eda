"""Where the app keeps its files and which environment variables steer it (ARCHITECTURE.md)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from stock_tracker_desktop import APP_NAME

HOME_ENV = "STOCK_TRACKER_HOME"
PASSPHRASE_ENV = "STOCK_TRACKER_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)
WB_BASE_URL_ENV = "STOCK_TRACKER_WB_BASE_URL"
OZON_BASE_URL_ENV = "STOCK_TRACKER_OZON_BASE_URL"
# Routes every Google host to one base URL (a local fake for demos and tests).
GOOGLE_BASE_URL_ENV = "STOCK_TRACKER_GOOGLE_BASE_URL"


def data_dir() -> Path:
    """The data directory: ``STOCK_TRACKER_HOME`` or the platform's user data dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def base_url_override(env_name: str) -> str | None:
    """A base URL that replaces every host of one marketplace (simulator, proxy), if set."""
    value = os.environ.get(env_name, "").strip()
    return value.rstrip("/") or None


# A file in a demo data directory (``stock-tracker demo``) saying that it holds simulator data
# only; commands then use the demo vault's published passphrase where no keyring exists.
DEMO_MARKER = "DEMO-DATA-ONLY"
DEMO_PASSPHRASE = "stock-tracker-demo"  # noqa: S105 (published on purpose: demo data only)


def is_demo_home(home: Path) -> bool:
    return (home / DEMO_MARKER).is_file()
