"""The repository stands on its own: no file refers to a folder beside the checkout, and the
vendored spec files are the ones their SOURCES.md names."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

from tests.support.cli import REPO_ROOT

SPECS = REPO_ROOT / "tests" / "specs"
# A path written relative to a file: one that climbs out of the checkout names a folder that a
# user who clones only this repository does not have.
CLIMBING = re.compile(r"(?<![\w/.])(?:\.\./)+[\w.-]+")


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    return [name for name in listed.decode().split("\0") if name]


def _siblings() -> list[str]:
    """The absolute paths of what lies beside the checkout on this machine (none when the
    checkout sits at the root of the file system, where everything would be a sibling)."""
    parent = REPO_ROOT.parent
    if parent == Path(parent.anchor):
        return []
    return [str(p) for p in parent.iterdir() if p != REPO_ROOT]


def _outside_references(name: str, text: str, siblings: list[str]) -> list[str]:
    found = []
    folder = (REPO_ROOT / name).parent
    for match in CLIMBING.finditer(text):
        from_file = (folder / match.group()).resolve()
        if from_file.is_relative_to(REPO_ROOT) and from_file.exists():
            continue  # a link between the repository's own files (docs/ -> ../README.md)
        found.append(match.group())
    found += [sibling for sibling in siblings if sibling in text]
    return found


def test_no_file_refers_to_a_folder_outside_the_repository() -> None:
    siblings = _siblings()
    offenders = []
    for name in _tracked_files():
        if name.startswith("tests/specs/"):
            continue  # the vendors' files, unchanged ($refs inside them); checked by hash below
        data = (REPO_ROOT / name).read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary: icons, compiled translations
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            offenders += [
                f"{name}:{number}: {ref}" for ref in _outside_references(name, line, siblings)
            ]
    assert not offenders, "\n".join(offenders)


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    """A climbing path and an absolute sibling path are both caught; paths inside are not."""
    outside = REPO_ROOT.parent / "elsewhere"
    climbing = f"{os.pardir}/elsewhere"  # spelt so that this file does not hold one itself
    line = f"see {climbing}/notes.md, {outside}/x, ../README.md and .../spreadsheets/d/"
    found = _outside_references("docs/a.md", line, [str(outside)])
    assert found == [climbing, str(outside)]


def test_the_vendored_specs_match_their_sources() -> None:
    sources = (SPECS / "SOURCES.md").read_text(encoding="utf-8")
    listed = dict(
        re.findall(r"^\| ([\w.-]+\.(?:json|yaml)) \|.*`([0-9a-f]{64})` \|$", sources, re.M)
    )
    present = {p.name for p in SPECS.iterdir() if p.suffix in {".json", ".yaml"}}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((SPECS / name).read_bytes()).hexdigest() == digest, name
