"""The wheel is a working app: built from this checkout, installed into a fresh virtual
environment, and run from a folder outside the repository, it finds its migrations, its
translations and its icons through the installed package alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop import __version__
from tests.support.cli import REPO_ROOT

# The window, opened offscreen in Russian from the installed package: what it shows and whether
# its icons loaded. Printed as JSON for the test to judge.
WINDOW_PROBE = """
import asyncio, json, sys
from pathlib import Path

import qasync
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QLabel, QTabWidget

import stock_tracker_desktop
from stock_tracker_desktop.config import DEMO_PASSPHRASE
from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.ui.app import apply_language, create_application
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.resources import icon


async def main() -> dict:
    core = AppCore.open(lambda: DEMO_PASSPHRASE, Path(sys.argv[1]))
    settings = await core.settings()
    window = MainWindow(core, settings)
    window.show()
    await asyncio.sleep(0.5)
    texts = [a.text() for a in window.findChildren(QAction)]
    for kind in (QAbstractButton, QLabel):
        texts += [w.text() for w in window.findChildren(kind)]
    for tabs in window.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    found = {
        "package": stock_tracker_desktop.__file__,
        "texts": [t for t in texts if t],
        "icon_null": icon("sync").isNull() or icon("sync").pixmap(24, 24).isNull(),
        "window_icon_null": app.windowIcon().isNull(),
    }
    window.quitting = True
    window.close()
    await core.aclose()
    core.close()
    return found


app = create_application()
apply_language(app, "ru")
with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
    print(json.dumps(runner.run(main()), ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The venv's bin folder, with the wheel built from this checkout installed into it."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO_ROOT)],
        check=True,
        capture_output=True,
    )
    wheels = list(dist.glob("stock_tracker_desktop-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    # The dependencies come from pip's cache or the package index, as a user's would.
    subprocess.run(
        [str(bindir / "python"), "-m", "pip", "install", "-q", str(wheels[0])],
        check=True,
        capture_output=True,
    )
    yield bindir
    shutil.rmtree(base, ignore_errors=True)


def _run(
    bindir: Path,
    *args: str,
    home: Path,
    cwd: Path,
    extra: dict[str, str] | None = None,
    command: tuple[str, ...] = ("stock-tracker",),
) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing of the checkout (no PYTHONPATH), no test keyring.
    env = {
        "PATH": f"{bindir}{os.pathsep}/usr/bin:/bin",
        "HOME": str(cwd),
        "STOCK_TRACKER_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
        **(extra or {}),
    }
    return subprocess.run(
        [str(bindir / command[0]), *command[1:], *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder that is not the repository and holds nothing of it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_the_wheel_runs_from_outside_the_repository(
    installed: Path, outside: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    version = _run(installed, "--version", home=home, cwd=outside)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"stock-tracker {__version__}"

    demo = _run(installed, "demo", "--headless", home=home, cwd=outside)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo behaved as intended" in demo.stderr
    rows = {line.split("  ")[0]: line for line in demo.stdout.splitlines()}
    assert "succeeded" in rows["Demo WB"] and "succeeded" in rows["Demo Ozon"]

    status = _run(installed, "db", "status", "--json", home=home / "demo", cwd=outside)
    assert status.returncode == 0, status.stderr
    schema = json.loads(status.stdout)
    assert schema["pending"] == [] and schema["revision"] == schema["head"]


def test_the_installed_window_speaks_russian_and_has_its_icons(
    installed: Path, outside: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert _run(installed, "demo", "--headless", home=home, cwd=outside).returncode == 0
    probe = subprocess.run(
        [str(installed / "python"), "-c", WINDOW_PROBE, str(home / "demo")],
        cwd=outside,
        env={"PATH": "/usr/bin:/bin", "HOME": str(outside), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.splitlines()[-1])
    assert Path(found["package"]).is_relative_to(installed.parent)
    assert not Path(found["package"]).is_relative_to(REPO_ROOT)
    assert "Продавцы" in found["texts"], found["texts"]
    assert not found["icon_null"] and not found["window_icon_null"]


def test_a_broken_install_says_so_and_leaves_no_data_directory(
    installed: Path, outside: Path, tmp_path: Path
) -> None:
    site = Path(
        subprocess.run(
            [
                str(installed / "python"),
                "-c",
                "import stock_tracker_desktop as p; print(p.__file__)",
            ],
            cwd=outside,
            env={"PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    ).parent
    # Break a copy of the install, not the one the other tests use. Its scripts name the first
    # venv's interpreter, so the copy is run through its own (a symlink beside its pyvenv.cfg).
    broken = tmp_path / "broken"
    shutil.copytree(installed.parent, broken, symlinks=True)
    shutil.rmtree(broken / site.relative_to(installed.parent) / "migrations")
    home = tmp_path / "home"
    result = _run(
        broken / installed.name,
        "db",
        "status",
        home=home,
        cwd=outside,
        extra={"STOCK_TRACKER_PASSPHRASE": "a good long passphrase"},
        command=("python", "-m", "stock_tracker_desktop"),
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].endswith(
        "the installed app lacks its migrations folder: reinstall Stock Tracker"
    ), lines
    assert not home.exists()
