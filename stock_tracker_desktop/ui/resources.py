"""The app's icons, found in the installed package (see package_data)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from stock_tracker_desktop.package_data import icons_dir


@cache
def icon(name: str) -> QIcon:
    """An SVG icon from ``resources/icons`` (SVG scales to any DPI, so one file is enough)."""
    return QIcon(str(icons_dir() / f"{name}.svg"))
