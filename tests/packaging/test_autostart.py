"""Autostart entries written into a temporary home, read back as the system would, removed."""

from __future__ import annotations

import configparser
import plistlib
import shlex
import sys
from pathlib import Path

import pytest

from stock_tracker_desktop.platform import BUNDLE_ID, autostart

COMMAND = ["/opt/Stock Tracker/StockTracker", "--flag=100%"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path


def test_linux_entry_is_written_read_and_removed(home: Path) -> None:
    assert not autostart.is_enabled()
    autostart.enable(COMMAND)
    path = home / ".config" / "autostart" / "stock-tracker.desktop"
    assert autostart.is_enabled() and path.is_file()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(path)
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == "Stock Tracker"
    # The spec's quoting: a shell-like split, with %% for a literal percent sign.
    assert shlex.split(section["Exec"].replace("%%", "%")) == COMMAND
    assert path.stat().st_mode & 0o777 == 0o644
    autostart.disable()
    assert not path.exists() and not autostart.is_enabled()
    autostart.disable()  # off twice is still off


def test_linux_honours_xdg_config_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "elsewhere"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    autostart.apply(True)
    written = (config / "autostart" / "stock-tracker.desktop").read_text()
    assert f"Exec={sys.executable} -m stock_tracker_desktop" in written
    assert not (home / ".config").exists()
    autostart.apply(False)
    assert not (config / "autostart" / "stock-tracker.desktop").exists()


def test_macos_launch_agent(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The plist is plain file writing, so it is checked here by selecting macOS's branch.
    monkeypatch.setattr(sys, "platform", "darwin")
    autostart.enable(COMMAND)
    path = home / "Library" / "LaunchAgents" / f"{BUNDLE_ID}.plist"
    agent = plistlib.loads(path.read_bytes())
    assert agent == {
        "Label": BUNDLE_ID,
        "ProgramArguments": COMMAND,
        "RunAtLoad": True,
        "KeepAlive": False,
    }
    assert autostart.is_enabled()
    autostart.disable()
    assert not path.exists() and not autostart.is_enabled()
