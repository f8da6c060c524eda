"""This machine's fingerprint: stable, 64 hex digits, never the raw id."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from stock_tracker_desktop.licensing import fingerprint, machine_fingerprint

HEX64 = re.compile(r"[0-9a-f]{64}")


def test_the_fingerprint_is_stable_and_hex(tmp_path: Path) -> None:
    first = machine_fingerprint(tmp_path)
    assert HEX64.fullmatch(first)
    assert machine_fingerprint(tmp_path) == first


def test_the_fingerprint_is_not_the_raw_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = "4c4c4544-0042-3510-8058-b4c04f565931"
    monkeypatch.setattr(fingerprint, "platform_machine_id", lambda: raw)
    made = machine_fingerprint(tmp_path)
    assert HEX64.fullmatch(made)
    assert raw not in made and raw.replace("-", "") not in made
    real = fingerprint._linux_machine_id()
    if real is not None:
        assert real not in machine_fingerprint(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_without_a_platform_id_a_private_random_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fingerprint, "platform_machine_id", lambda: None)
    home = tmp_path / "home"

    made = machine_fingerprint(home)

    kept = home / fingerprint.FALLBACK_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text().strip() not in made
    assert machine_fingerprint(home) == made
    assert machine_fingerprint(tmp_path / "another home") != made
