"""The application core and the words front ends use with it.

The window, the tray, the CLI and the daemon import from here (and from ``domain``), never from
the layers below: what they need of those is named here, so the boundary is one file to read.
"""

from stock_tracker_desktop.core.app_core import AppCore

__all__ = ["AppCore"]
