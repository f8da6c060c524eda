"""Backups across key rotations, and restores that check the file before replacing anything."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.storage.backups import backups_dir, list_backups
from tests.support.cli import cli_json, run_cli, start_cli
from tests.support.tokens import wb_token

TOKEN = wb_token()


def _add(name: str) -> None:
    result = run_cli(
        "tenants", "add", "--name", name, "--marketplace", "wildberries", "--token-env", "T",
        env={"T": TOKEN},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def _backup(label: str) -> Path:
    result = run_cli("db", "backup", "--label", label)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def _names(home: Path) -> list[str]:
    ctx = AppContext.open(lambda: None, home)
    try:
        return sorted(t.name for t in TenantService(ctx).all())
    finally:
        ctx.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_backup_taken_before_rotations_restores(isolated_home: Path) -> None:
    _add("First")
    first = _backup("one")
    assert run_cli("vault", "rotate").returncode == 0
    _add("Second")
    second = _backup("two")
    assert run_cli("vault", "rotate").returncode == 0
    before_rotation = sorted(backups_dir(isolated_home).glob("*before-rotation.db"))
    assert len(before_rotation) == 2

    status = cli_json("db", "status")
    keys = status["backup_keys"]
    assert keys[str(first)] == keys[str(second)] == "key from before a rotation"

    restored = run_cli("db", "restore", str(first))
    assert restored.returncode == 0, restored.stderr
    assert _names(isolated_home) == ["First"]
    restored = run_cli("db", "restore", str(before_rotation[-1]))
    assert restored.returncode == 0, restored.stderr
    assert _names(isolated_home) == ["First", "Second"]
    ctx = AppContext.open(lambda: None, isolated_home)
    try:  # the secrets of a restored old backup were re-encrypted under the current key
        assert TenantService(ctx).credentials("First")["token"] == TOKEN
    finally:
        ctx.close()


@pytest.mark.parametrize("damage", ["empty", "truncated", "flipped", "not a database"])
def test_a_bad_backup_is_refused_and_nothing_changes(isolated_home: Path, damage: str) -> None:
    _add("Kept")
    bad = _backup("bad")
    data = bad.read_bytes()
    if damage == "empty":
        bad.write_bytes(b"")
    elif damage == "truncated":
        bad.write_bytes(data[: len(data) // 2 + 100])
    elif damage == "flipped":
        middle = len(data) // 2
        bad.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]))
    else:
        bad.write_bytes(os.urandom(len(data)))
    db = isolated_home / "stock-tracker.db"
    before = _digest(db)
    backups_before = sorted(p.name for p in backups_dir(isolated_home).iterdir())

    result = run_cli("db", "restore", str(bad))

    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert f"{bad.name} " in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _digest(db) == before
    assert sorted(p.name for p in backups_dir(isolated_home).iterdir()) == backups_before
    assert _names(isolated_home) == ["Kept"]
    listed = cli_json("db", "status")["backup_keys"][str(bad)]
    assert listed.startswith("unusable: ")


def test_a_backup_killed_mid_write_is_never_listed(isolated_home: Path) -> None:
    ctx = AppContext.open(lambda: None, isolated_home)
    try:  # a database big enough for the copy to take a while
        with ctx.database.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE ballast (blob BLOB)")
            conn.exec_driver_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
                "INSERT INTO ballast SELECT randomblob(16384) FROM n"
            )
    finally:
        ctx.close()
    folder = backups_dir(isolated_home)
    folder.mkdir(exist_ok=True)
    backup = start_cli("db", "backup", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not any(p.name.endswith(".partial") and p.stat().st_size for p in folder.iterdir()):
            assert backup.poll() is None, "the backup ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        os.kill(backup.pid, signal.SIGKILL)
        backup.wait(timeout=10)
    assert list_backups(isolated_home) == []
    assert cli_json("db", "status")["backups"] == []
    assert run_cli("db", "backup").returncode == 0  # the next one is whole and listed
    assert len(cli_json("db", "status")["backups"]) == 1
