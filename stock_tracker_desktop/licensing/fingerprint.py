"""This machine's licensing fingerprint: stable across runs and reinstalls, and not the raw id.

The platform's machine id is hashed with a key of this app (HMAC-SHA256), so the licence server
never learns an id other software also reports, and two apps' fingerprints cannot be linked.
Where the platform has no id (a minimal container), a random one is kept in the data directory.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import subprocess
import sys
from pathlib import Path

from stock_tracker_desktop.security.files import write_private_file

FALLBACK_FILE = "machine-id"
_HMAC_KEY = b"stock-tracker-desktop/licensing/machine-fingerprint/v1"
_LINUX_IDS = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
_IOREG = "/usr/sbin/ioreg"
_MAC_UUID = re.compile(r'"IOPlatformUUID"\s*=\s*"([^"]+)"')


def machine_fingerprint(home: Path) -> str:
    """64 hex digits naming this machine (``home``: where a fallback id is kept)."""
    raw = platform_machine_id() or _fallback_machine_id(home)
    return hmac.new(_HMAC_KEY, raw.encode("utf-8"), hashlib.sha256).hexdigest()


def platform_machine_id() -> str | None:
    """The id the operating system gives this machine, or None where it has none."""
    if sys.platform == "win32":
        return _windows_machine_id()
    if sys.platform == "darwin":
        return _macos_machine_id()
    return _linux_machine_id()


def _linux_machine_id() -> str | None:
    for path in _LINUX_IDS:
        try:
            value = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        # systemd writes "uninitialized" until the first boot has finished.
        if value and value != "uninitialized":
            return value
    return None


def _windows_machine_id() -> str | None:
    if sys.platform != "win32":  # winreg exists on Windows only (mypy reads this too)
        return None
    import winreg

    try:
        with winreg.OpenKey(
            winreg.HKEY_LOCAL_MACHINE,
            r"SOFTWARE\Microsoft\Cryptography",
            0,
            winreg.KEY_READ | winreg.KEY_WOW64_64KEY,
        ) as key:
            value, _kind = winreg.QueryValueEx(key, "MachineGuid")
    except OSError:
        return None
    return str(value).strip() or None


def _macos_machine_id() -> str | None:
    try:
        # A fixed absolute command without a shell: nothing of the user's reaches it.
        listing = subprocess.run(  # noqa: S603
            [_IOREG, "-rd1", "-c", "IOPlatformExpertDevice"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = _MAC_UUID.search(listing)
    return found.group(1) if found else None


def _fallback_machine_id(home: Path) -> str:
    path = home / FALLBACK_FILE
    try:
        kept = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        kept = ""
    if kept:
        return kept
    made = secrets.token_hex(16)
    write_private_file(path, made.encode("ascii"))
    return made
