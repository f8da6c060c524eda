"""Start with the system: an entry the app writes and removes itself, one per operating system.

- Linux: ``$XDG_CONFIG_HOME/autostart/stock-tracker.desktop`` (XDG Autostart specification).
- macOS: ``~/Library/LaunchAgents/<bundle id>.plist``, a LaunchAgent run at log-in.
- Windows: the ``StockTracker`` value of the HKCU ``...\\CurrentVersion\\Run`` registry key.

Each takes the command as a list of arguments; ``current_command()`` is how this process was
started (the bundle's executable, or Python running the package from a source install).
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import subprocess
import sys
from pathlib import Path

from stock_tracker_desktop.platform import BUNDLE_ID, BUNDLE_NAME, DISPLAY_NAME

DESKTOP_FILE = "stock-tracker.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def current_command() -> list[str]:
    """The command that starts this app's window again."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "stock_tracker_desktop"]


# ----- Linux (XDG) -----------------------------------------------------------------------------


def desktop_entry_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / DESKTOP_FILE


def _desktop_quote(argument: str) -> str:
    """One Exec argument as the Desktop Entry specification quotes it."""
    if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`%"):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument).replace("%", "%%")
    return f'"{escaped}"'


def desktop_entry(command: list[str]) -> str:
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            f"Name={DISPLAY_NAME}",
            "Comment=Stock, orders and days of stock for Wildberries and Ozon sellers",
            f"Exec={' '.join(_desktop_quote(a) for a in command)}",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            "",
        ]
    )


# ----- macOS (LaunchAgent) ---------------------------------------------------------------------


def launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{BUNDLE_ID}.plist"


def launch_agent(command: list[str]) -> bytes:
    # RunAtLoad starts it at log-in; no KeepAlive: quitting the app must not relaunch it.
    return plistlib.dumps(
        {"Label": BUNDLE_ID, "ProgramArguments": command, "RunAtLoad": True, "KeepAlive": False}
    )


# ----- Windows (Run key) -----------------------------------------------------------------------


# winreg exists on Windows only. The checks are of sys.platform, at call time: mypy then checks
# the registry code as Windows code (and skips it elsewhere), and a test may still pick another
# platform's branch by setting sys.platform.


def _windows_set(command: list[str] | None) -> None:
    if sys.platform != "win32":
        raise OSError("the Run registry key exists on Windows only")
    import winreg

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if command is not None:
            winreg.SetValueEx(key, BUNDLE_NAME, 0, winreg.REG_SZ, subprocess.list2cmdline(command))
            return
        with contextlib.suppress(FileNotFoundError):  # already off
            winreg.DeleteValue(key, BUNDLE_NAME)


def _windows_get() -> str | None:
    if sys.platform != "win32":
        raise OSError("the Run registry key exists on Windows only")
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            return str(winreg.QueryValueEx(key, BUNDLE_NAME)[0])
    except FileNotFoundError:
        return None


# ----- the three, by platform ------------------------------------------------------------------


def _entry_file() -> Path | None:
    if sys.platform == "win32":
        return None
    return launch_agent_path() if sys.platform == "darwin" else desktop_entry_path()


def enable(command: list[str] | None = None) -> None:
    """Start ``command`` (default: this app) when the user logs in."""
    command = command or current_command()
    path = _entry_file()
    if path is None:
        _windows_set(command)
        return
    content = launch_agent(command) if sys.platform == "darwin" else desktop_entry(command).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(content)
    temporary.chmod(0o644)  # the session manager (another process of the user) reads it
    temporary.replace(path)


def disable() -> None:
    path = _entry_file()
    if path is None:
        _windows_set(None)
        return
    path.unlink(missing_ok=True)


def is_enabled() -> bool:
    path = _entry_file()
    return _windows_get() is not None if path is None else path.is_file()


def apply(enabled: bool) -> None:
    """Make the system's entry match the setting."""
    if enabled:
        enable()
    else:
        disable()
