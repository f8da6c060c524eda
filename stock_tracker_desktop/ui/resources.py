"""Where the app's icons and translations are: the source tree, or a PyInstaller bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


def resources_dir() -> Path:
    """``resources/`` beside the package, or ``sys._MEIPASS/resources`` in a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


@cache
def icon(name: str) -> QIcon:
    """An SVG icon from ``resources/icons`` (SVG scales to any DPI, so one file is enough)."""
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))
