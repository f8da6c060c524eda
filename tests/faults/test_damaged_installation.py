"""A damaged, truncated, empty or missing database, a missing vault file: each gets its own
message naming the way back, and nothing is recreated over what was there."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.tokens import wb_token

PASSPHRASE = "recovery passphrase"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def installation(isolated_home: Path) -> Path:
    """One seller and one good backup; returns the backup."""
    added = run_cli(
        "tenants", "add", "--name", "Acme", "--marketplace", "wildberries", "--token-env", "T",
        env={"T": wb_token()},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    backup = run_cli("db", "backup")
    assert backup.returncode == 0, backup.stderr
    return Path(backup.stdout.strip())


def _refused(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


def _restore_names(backup: Path) -> str:
    return f"restore the newest good backup: `stock-tracker db restore {backup}`"


def test_a_damaged_database_is_reported_by_status_check(
    isolated_home: Path, installation: Path
) -> None:
    db = isolated_home / "stock-tracker.db"
    data = bytearray(db.read_bytes())
    page = 16384
    data[page + 100 : page + 164] = bytes(64)  # the second page: opens, fails its check
    db.write_bytes(bytes(data))

    result = run_cli("db", "status", "--check")

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Integrity: damaged" in result.stdout
    assert _restore_names(installation) in result.stdout
    # ... and every other command refuses with the same way back, before it writes anything
    _refused(run_cli("tenants", "list"), "is damaged", _restore_names(installation))


@pytest.mark.parametrize("fault", ["truncated", "empty", "missing"])
def test_a_cut_short_empty_or_missing_database_is_never_recreated(
    isolated_home: Path, installation: Path, fault: str
) -> None:
    db = isolated_home / "stock-tracker.db"
    data = db.read_bytes()
    if fault == "truncated":
        db.write_bytes(data[: len(data) - 5000])
    elif fault == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
    before = db.read_bytes() if db.exists() else None
    words = {"truncated": "cut short (truncated)", "empty": "empty (0 bytes)", "missing": "missing"}

    result = run_cli("tenants", "list")

    _refused(result, words[fault], _restore_names(installation))
    assert (db.read_bytes() if db.exists() else None) == before

    restored = run_cli("db", "restore", str(installation))
    assert restored.returncode == 0, restored.stderr
    listing = run_cli("tenants", "list")
    assert listing.returncode == 0, listing.stderr
    assert "Acme" in listing.stdout


def test_a_missing_vault_file_is_not_replaced_by_a_new_key(
    isolated_home: Path, installation: Path, tmp_path: Path
) -> None:
    recovery = tmp_path / "recovery.json"
    exported = run_cli(
        "vault", "export-recovery", str(recovery), "--passphrase-env", "P",
        env={"P": PASSPHRASE},
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    db = isolated_home / "stock-tracker.db"
    before = _digest(db)
    (isolated_home / "vault.json").unlink()

    result = run_cli("tenants", "list")

    _refused(result, "vault.json is missing", "stock-tracker vault import-recovery FILE")
    assert not (isolated_home / "vault.json").exists()
    assert _digest(db) == before
    imported = run_cli(
        "vault", "import-recovery", str(recovery), "--passphrase-env", "P", env={"P": PASSPHRASE}
    )
    assert imported.returncode == 0, imported.stderr
    listing = run_cli("tenants", "list")
    assert listing.returncode == 0, listing.stderr
    assert "Acme" in listing.stdout
