"""The Linux bundle, built by packaging/build_linux.sh into a temporary folder, run as a user would.

The build takes about 40 s on two cores; every test here shares one build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop import __version__
from stock_tracker_desktop.config import LICENSE_KEY_ENV
from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.pg_cluster import PgCluster

REPO = Path(__file__).resolve().parents[2]
# 150 until team mode: psycopg with its own libpq, OpenSSL and Kerberos libraries adds 14 MiB.
SIZE_LIMIT_MIB = 165
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    build = subprocess.run(
        [
            "bash",
            str(REPO / "packaging" / "build_linux.sh"),
            str(root / "dist"),
            str(root / "work"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        timeout=540,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    print(f"\nbuilt the Linux bundle in {time.monotonic() - started:.0f} s")
    yield root / "dist" / "StockTracker"
    shutil.rmtree(root, ignore_errors=True)


def _clean_env(home: Path, keyring_backend: str | None = None) -> dict[str, str]:
    """The user's environment without this test run's data dir, keyring or session bus."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STOCK_TRACKER_", "PYTHON_KEYRING", "PYTHONPATH", "DBUS_"))
    }
    env.update(STOCK_TRACKER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    if keyring_backend:
        env["PYTHON_KEYRING_BACKEND"] = keyring_backend
    return env


def _run(
    bundle: Path, *args: str, home: Path, keyring_backend: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / "StockTracker"), *args],
        capture_output=True,
        text=True,
        env=_clean_env(home, keyring_backend),
        timeout=120,
        check=False,
    )


def _size_mib(folder: Path) -> float:
    # PyInstaller links some libraries into _internal/ by symlink: count each file once.
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 2**20


def test_bundle_size_and_contents(bundle: Path) -> None:
    size = _size_mib(bundle)
    print(f"\nLinux bundle: {size:.1f} MiB in {bundle}")
    assert size < SIZE_LIMIT_MIB
    internal = bundle / "_internal"
    plugins = internal / "PySide6" / "Qt" / "plugins"
    package = internal / "stock_tracker_desktop"  # package data, where importlib.resources looks
    for needed in (
        plugins / "platforms" / "libqxcb.so",
        plugins / "platforms" / "libqoffscreen.so",
        plugins / "iconengines" / "libqsvgicon.so",
        plugins / "imageformats" / "libqsvg.so",
        package / "migrations" / "env.py",
        package / "team" / "schema" / "env.py",
        package / "resources" / "icons" / "app.svg",
        package / "resources" / "translations" / "shell_ru.qm",
        bundle / "stock-tracker.desktop",
        bundle / "stock-tracker.png",
    ):
        assert needed.is_file(), needed
    assert list((package / "migrations" / "versions").glob("*.py"))
    assert list((package / "team" / "schema" / "versions").glob("*.py"))
    # What the app does not use stays out.
    qt_libs = {p.name for p in (internal / "PySide6" / "Qt" / "lib").iterdir()}
    assert not {n for n in qt_libs if n.startswith(("libQt6WebEngine", "libQt6Quick", "libQt6Pdf"))}
    desktop = (bundle / "stock-tracker.desktop").read_text()
    assert "Exec=/opt/StockTracker/StockTracker" in desktop
    assert f"X-AppVersion={__version__}" in desktop


def test_version_answers_without_touching_anything(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = _run(bundle, "--version", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"stock-tracker {__version__}"
    assert not home.exists()


def test_demo_headless_syncs_with_the_fail_keyring(bundle: Path, tmp_path: Path) -> None:
    # No passphrase and no keyring: the demo's published passphrase applies.
    home = tmp_path / "home"
    fail = "keyring.backends.fail.Keyring"
    result = _run(bundle, "demo", "--headless", home=home, keyring_backend=fail)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo behaved as intended" in result.stderr
    rows = {line.split("  ")[0]: line for line in result.stdout.splitlines()}
    assert "succeeded" in rows["Demo WB"] and "succeeded" in rows["Demo Ozon"]
    assert "token expired" in rows["Demo WB (expired token)"]
    assert (home / "demo" / "logs" / "stock-tracker.log").is_file()
    # The migrations ran from the bundle's package data.
    status = _run(bundle, "db", "status", "--json", home=home / "demo", keyring_backend=fail)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["pending"] == []


def test_vault_status_names_the_keyring_the_bundle_found(bundle: Path, tmp_path: Path) -> None:
    """keyring's backends come from entry points; the bundle must find them, or say it has none."""
    # Without a session bus the bundle reports the fail backend honestly and does not crash.
    home = tmp_path / "home"
    assert _run(bundle, "demo", "--headless", home=home).returncode == 0
    honest = _run(bundle, "vault", "status", "--json", home=home / "demo")
    assert honest.returncode == 0, honest.stderr
    status = json.loads(honest.stdout)
    assert status["keyring_backend"] == "keyring.backends.fail.Keyring"
    assert status["keyring_usable"] is False and status["store"] == "passphrase"
    if shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session"):
        # A desktop session with an unlocked Secret Service: the bundle must keep the key there.
        script = (
            "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
            f'exec "{bundle / "StockTracker"}" vault status --json'
        )
        found = subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", script],
            capture_output=True,
            text=True,
            env=_clean_env(tmp_path / "fresh"),
            timeout=120,
            check=False,
        )
        assert found.returncode == 0, found.stderr
        status = json.loads(found.stdout)
        assert status["keyring_backend"] == "keyring.backends.SecretService.Keyring"
        assert status["keyring_usable"] and status["store"] == "keyring"


def test_the_bundle_sets_a_team_up_on_postgresql(
    bundle: Path,
    tmp_path: Path,
    pg: PgCluster,
    team_database: str,
    licensing_service: RunningSimulator,
    agency_key: str,
) -> None:
    """psycopg, its binary libpq and the shared schema's migrations are in the bundle, and the
    licensing client that team mode's plan needs (the key activated on first use)."""
    home = tmp_path / "home"
    env = {
        **_clean_env(home, "keyring.backends.fail.Keyring"),
        **licensing_service.licensing_env(),
        LICENSE_KEY_ENV: agency_key,
        "STOCK_TRACKER_PASSPHRASE": "a passphrase for the bundle's vault",
        "TEAM_DSN": pg.dsn(team_database),
    }
    result = subprocess.run(
        [str(bundle / "StockTracker"), "team", "init", "--dsn-env", "TEAM_DSN", "--owner", "olga"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the team is set up" in result.stdout
