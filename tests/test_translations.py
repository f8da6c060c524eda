"""Every user-facing string of the window has its Russian translation, compiled."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

from PySide6.QtCore import QTranslator

from stock_tracker_desktop.package_data import translations_dir
from tests.support.cli import REPO_ROOT


def test_every_string_is_translated() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compiled_files_carry_every_translation() -> None:
    """The .qm the app loads says what the .ts says (a .qm left stale would not)."""
    folder = translations_dir()
    sources = sorted(folder.glob("*.ts"))
    assert sources
    for ts in sources:
        translator = QTranslator()
        assert translator.load(str(ts.with_suffix(".qm"))), f"{ts.stem}.qm does not load"
        root = ET.parse(ts).getroot()  # noqa: S314 (our own file)
        for context in root.iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                expected = message.findtext("translation") or ""
                if message.get("numerus") == "yes":
                    continue  # plural forms: checked by lupdate's --check above
                assert translator.translate(name, source) == expected, (ts.name, source)
