"""SQLCipher's own error lines ("ERROR CORE ... hmac check failed") never reach the terminal:
the app's one message does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stock_tracker_desktop.storage.database import CIPHER_PAGE_SIZE, database_path
from tests.support.cli import run_cli


def _only_the_apps_message(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("stock-tracker: "), stderr
    return lines[0]


def test_a_database_under_another_key(isolated_home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert run_cli("tenants", "list", env={"STOCK_TRACKER_HOME": str(other)}).returncode == 0
    assert run_cli("tenants", "list").returncode == 0
    shutil.copyfile(database_path(other), database_path(isolated_home))
    result = run_cli("db", "status")
    assert result.returncode == 2
    assert "does not open with this installation's key" in _only_the_apps_message(result.stderr)


def test_a_damaged_first_page(isolated_home: Path) -> None:
    assert run_cli("tenants", "list").returncode == 0
    path = database_path(isolated_home)
    data = bytearray(path.read_bytes())
    for offset in range(64, CIPHER_PAGE_SIZE, 997):  # inside page 1, past the salt
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    for args in (("db", "status"), ("tenants", "list"), ("history",)):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        _only_the_apps_message(result.stderr)


@pytest.mark.usefixtures("no_keyring")
def test_a_wrong_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOCK_TRACKER_PASSPHRASE", "the right one, long enough")
    assert run_cli("tenants", "list").returncode == 0
    result = run_cli("db", "status", env={"STOCK_TRACKER_PASSPHRASE": "a wrong one, also long"})
    assert result.returncode == 2
    assert "passphrase" in _only_the_apps_message(result.stderr)
