"""Refresh the translation sources from the code, then compile them.

    python tools/update_translations.py [--check]

Three areas keep their own file: ``views`` (stock and history views) and ``shell`` (everything
else under ui/), which were written side by side, and ``problems`` (the error templates of
domain/problems.py, which lupdate reads through their QT_TRANSLATE_NOOP marks). pyside6-lupdate
keeps existing translations and adds new strings as unfinished; translate those in the .ts file
(Qt Linguist or any editor),
then run this again to compile the .qm files the app loads. ``--check`` changes nothing and
exits 1 when a string has no Russian translation yet (the test suite runs it).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UI = REPO / "stock_tracker_desktop" / "ui"
PROBLEMS = REPO / "stock_tracker_desktop" / "domain" / "problems.py"
TRANSLATIONS = REPO / "stock_tracker_desktop" / "resources" / "translations"
VIEWS = {"chart.py", "history_model.py", "history_view.py", "stock_model.py", "stock_view.py"}
LANGUAGES = ("ru",)


def sources(area: str) -> list[Path]:
    if area == "problems":
        return [PROBLEMS]
    files = sorted(p for p in UI.glob("*.py") if p.name != "__init__.py")
    if area == "views":
        return [p for p in files if p.name in VIEWS]
    return [p for p in files if p.name not in VIEWS]


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}")
    if not found:
        sys.exit(f"pyside6-{name} not found: install pyside6-essentials")
    return found


def lupdate(ts: Path, files: list[Path]) -> None:
    subprocess.run(
        [
            tool("lupdate"),
            "-no-obsolete",
            "-locations",
            "relative",
            *map(str, files),
            "-ts",
            str(ts),
        ],
        check=True,
        capture_output=True,
    )


def untranslated(ts: Path) -> list[str]:
    root = ET.parse(ts).getroot()  # noqa: S314 (our own file)
    missing = []
    for message in root.iter("message"):
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is None or translation.get("type") == "unfinished" or not translation.text:
            missing.append(source)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report untranslated strings only")
    args = parser.parse_args()
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for area in ("shell", "views", "problems"):
            for language in LANGUAGES:
                ts = TRANSLATIONS / f"{area}_{language}.ts"
                target = Path(tmp) / ts.name if args.check else ts
                if args.check:
                    shutil.copy(ts, target)
                lupdate(target, sources(area))
                missing += [f"{ts.name}: {text!r}" for text in untranslated(target)]
                if not args.check:
                    subprocess.run(
                        [tool("lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
                        check=True,
                        capture_output=True,
                    )
    for line in missing:
        print(f"untranslated: {line}")
    return 1 if missing and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
