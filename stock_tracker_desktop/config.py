"""Where the app keeps its files and which environment variables steer it (ARCHITECTURE.md)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import platformdirs

from stock_tracker_desktop import APP_NAME

HOME_ENV = "STOCK_TRACKER_HOME"
PASSPHRASE_ENV = "STOCK_TRACKER_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)
WB_BASE_URL_ENV = "STOCK_TRACKER_WB_BASE_URL"
OZON_BASE_URL_ENV = "STOCK_TRACKER_OZON_BASE_URL"
# Routes every Google host to one base URL (a local fake for demos and tests).
GOOGLE_BASE_URL_ENV = "STOCK_TRACKER_GOOGLE_BASE_URL"
# The licensing service (docs/licensing.md): a self-hosted Keygen, or the simulator's.
LICENSE_BASE_URL_ENV = "STOCK_TRACKER_LICENSE_BASE_URL"
LICENSE_ACCOUNT_ENV = "STOCK_TRACKER_LICENSE_ACCOUNT"
LICENSE_PUBLIC_KEY_ENV = "STOCK_TRACKER_LICENSE_PUBLIC_KEY"
# An unattended installation (a daemon on an office server, a fleet set up by a script)
# activates this key the first time a plan is needed and no licence is stored; from then on
# the key lives in the vault like one given to `license activate`.
LICENSE_KEY_ENV = "STOCK_TRACKER_LICENSE_KEY"

# The build's licensing service: Keygen Cloud, the vendor's account (Keygen takes its slug in
# place of its id) and the account's ed25519 verify key. A release build sets the vendor's own
# values here (docs/licensing.md, "Building for release"); self-hosted servers override them.
DEFAULT_LICENSE_BASE_URL = "https://api.keygen.sh"
DEFAULT_LICENSE_ACCOUNT = "stock-tracker-desktop"
DEFAULT_LICENSE_PUBLIC_KEY = "d4967d01f431a2a2dd6cee9cf7c143462cbe6ccca6905543ad855ff2e262f4e0"


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """These variables set while the block runs, as they were afterwards (the demo and the
    benchmarks point this process's clients at a simulator)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
