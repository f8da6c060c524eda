"""The repository stands on its own: no file refers to a folder beside the checkout, and the
vendored spec files are the ones their SOURCES.md names."""

from __future__ import annotations

import hashlib
import re
import subprocess

from tests.support.cli import REPO_ROOT

SPECS = REPO_ROOT / "tests" / "specs"
# A reference to the developers' shared folder beside the checkout, however it is spelled.
OUTSIDE = re.compile(r"\.\./shared\b|/work/shared\b|\bshared/specs\b|\bshared/DOMAIN\b")


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    return [name for name in listed.decode().split("\0") if name]


def test_no_file_refers_to_a_folder_outside_the_repository() -> None:
    offenders = []
    for name in _tracked_files():
        if name == "tests/test_repository.py":
            continue  # the pattern above spells what it looks for
        data = (REPO_ROOT / name).read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary: icons, compiled translations
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_vendored_specs_match_their_sources() -> None:
    sources = (SPECS / "SOURCES.md").read_text(encoding="utf-8")
    listed = dict(
        re.findall(r"^\| ([\w.-]+\.(?:json|yaml)) \|.*`([0-9a-f]{64})` \|$", sources, re.M)
    )
    present = {p.name for p in SPECS.iterdir() if p.suffix in {".json", ".yaml"}}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((SPECS / name).read_bytes()).hexdigest() == digest, name
