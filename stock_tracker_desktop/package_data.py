"""Where the files the app loads at run time are: inside the installed package.

Alembic's scripts (``migrations/``), the translations and the icons (``resources/``) ship as
package data, so a wheel, an editable install and a PyInstaller bundle all find them the same
way, through ``importlib.resources``, and never through paths relative to a source tree.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

_PACKAGE = "stock_tracker_desktop"


class PackageDataMissing(Exception):
    """A file the app needs at run time is not in the installed package (a broken install)."""


def _folder(*parts: str) -> Path:
    """A folder of package data as a real path (Alembic and Qt open files by name).

    Wheels, editable installs and PyInstaller's one-folder bundles keep package data as plain
    files, so a Traversable here is always a Path; a zipped install would not be.
    """
    node: Traversable = files(_PACKAGE)
    for part in parts:
        node = node / part
    if not isinstance(node, Path) or not node.is_dir():
        raise PackageDataMissing(
            f"the installed app lacks its {'/'.join(parts)} folder: reinstall Stock Tracker"
        )
    return node


def migrations_dir() -> Path:
    """Alembic's script directory (env.py, script.py.mako, versions/)."""
    return _folder("migrations")


def team_schema_dir() -> Path:
    """The shared schema's Alembic scripts (team mode's server, docs/team.md)."""
    return _folder("team", "schema")


def translations_dir() -> Path:
    """The compiled Qt translations (``*_<lang>.qm``)."""
    return _folder("resources", "translations")


def icons_dir() -> Path:
    """The app's SVG and PNG icons."""
    return _folder("resources", "icons")
