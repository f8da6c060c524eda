"""The `stock-tracker` command end to end, in subprocesses, as a user would run it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import cli_json, run_cli
from tests.support.tokens import wb_token

OZON_KEY = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
PASSPHRASE = "correct horse battery"


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _run_add_wb(name: str = "A", token: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "tenants",
        "add",
        "--name",
        name,
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        env={"T": token or wb_token()},
    )


def _add_wb_tenant(name: str = "A", token: str | None = None) -> None:
    result = _run_add_wb(name, token)
    assert result.returncode == 0, result.stderr


def _all_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def passphrase_env(no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("STOCK_TRACKER_PASSPHRASE", PASSPHRASE)
    return PASSPHRASE


def test_version_touches_nothing(isolated_home: Path) -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("stock-tracker ")
    assert not isolated_home.exists()


def test_add_list_round_trip_and_the_token_is_nowhere(
    isolated_home: Path, passphrase_env: str
) -> None:
    token = wb_token()
    added = run_cli(
        "tenants",
        "add",
        "--name",
        "Acme",
        "--marketplace",
        "wildberries",
        "--token-env",
        "ACME_TOKEN",
        "--tag",
        "vip",
        env={"ACME_TOKEN": token},
    )
    assert added.returncode == 0, added.stderr
    run_cli("db", "backup")  # backups must not carry it either
    listed = cli_json("tenants", "list")
    assert [(t["name"], t["marketplace"], t["tags"]) for t in listed] == [
        ("Acme", "wildberries", ["vip"])
    ]
    assert token.encode() not in _all_bytes(isolated_home)
    assert token.split(".")[1].encode() not in _all_bytes(isolated_home)
    assert any((isolated_home / "logs").iterdir())
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(isolated_home / "stock-tracker.db").execute(
            "SELECT name FROM sqlite_master"
        ).fetchall()


def test_secrets_are_never_argv_values() -> None:
    result = run_cli(
        "tenants", "add", "--name", "A", "--marketplace", "wildberries", "--token", "eyJ..."
    )
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr
    pasted = run_cli(
        "tenants",
        "add",
        "--name",
        "A",
        "--marketplace",
        "wildberries",
        "--token-env",
        "eyJhbGciOi.eyJzIjo.sig",
    )
    assert pasted.returncode == 2
    assert "NAME of an environment variable" in pasted.stderr
    assert "eyJ" not in pasted.stderr


def test_ozon_tenant_with_key_from_stdin(passphrase_env: str) -> None:
    result = run_cli(
        "tenants",
        "add",
        "--name",
        "Oz",
        "--marketplace",
        "ozon",
        "--client-id",
        "98765",
        input=OZON_KEY + "\n",
    )
    assert result.returncode == 0, result.stderr
    shown = cli_json("tenants", "show", "oz")
    assert shown["account_id"] == "98765"
    assert OZON_KEY not in json.dumps(shown)


def test_wrong_passphrase_exits_2_and_changes_no_byte(
    isolated_home: Path, passphrase_env: str
) -> None:
    _add_wb_tenant()
    before = _tree_digest(isolated_home)
    result = run_cli("tenants", "list", env={"STOCK_TRACKER_PASSPHRASE": "wrong"})
    assert result.returncode == 2
    assert "passphrase is wrong" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree_digest(isolated_home) == before


def test_missing_passphrase_says_what_to_do(no_keyring: None) -> None:
    result = run_cli("tenants", "list")
    assert result.returncode == 2
    assert "STOCK_TRACKER_PASSPHRASE" in result.stderr


def test_show_reads_the_token_offline(passphrase_env: str) -> None:
    token = wb_token(days=10, scope=(1 << 1) | (1 << 5))
    run_cli(
        "tenants",
        "add",
        "--name",
        "A",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        env={"T": token},
    )
    text = run_cli("tenants", "show", "A")
    assert text.returncode == 0
    assert "days left" in text.stdout
    assert "Missing:         Analytics, Marketplace" in text.stdout
    data = cli_json("tenants", "show", "A")
    assert data["token"]["categories"] == ["Content", "Statistics"]
    assert data["token"]["missing"] == ["Analytics", "Marketplace"]
    assert data["token"]["sandbox"] is False
    assert 9 <= data["token"]["days_left"] <= 10


def test_validation_errors_exit_2_with_the_reason(passphrase_env: str) -> None:
    result = run_cli(
        "tenants",
        "add",
        "--name",
        "A",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        env={"T": "garbage-token"},
    )
    assert result.returncode == 2
    assert "not a JWT" in result.stderr
    assert "garbage-token" not in result.stderr
    result = run_cli(
        "tenants",
        "add",
        "--name",
        "O",
        "--marketplace",
        "ozon",
        "--client-id",
        "x1",
        "--api-key-env",
        "K",
        env={"K": OZON_KEY},
    )
    assert result.returncode == 2
    assert "Client-Id is a number" in result.stderr
    result = run_cli("tenants", "show", "nobody")
    assert result.returncode == 2
    assert "no tenant named" in result.stderr


def test_edit_archive_remove(passphrase_env: str) -> None:
    _add_wb_tenant()
    edited = run_cli(
        "tenants",
        "edit",
        "A",
        "--rename",
        "B",
        "--notes",
        "hello",
        "--token-stdin",
        input=wb_token(days=5),
    )
    assert edited.returncode == 0, edited.stderr
    assert cli_json("tenants", "show", "B")["notes"] == "hello"
    assert run_cli("tenants", "archive", "B").returncode == 0
    assert cli_json("tenants", "list") == []
    assert [t["archived"] for t in cli_json("tenants", "list", "--all")] == [True]
    refused = run_cli("tenants", "remove", "B")
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert run_cli("tenants", "remove", "B", "--yes").returncode == 0
    assert cli_json("tenants", "list", "--all") == []


def test_csv_import_reports_bad_rows_and_imports_good_ones(
    tmp_path: Path, passphrase_env: str
) -> None:
    csv_file = tmp_path / "sellers.csv"
    csv_file.write_text(
        "name,marketplace,client_id,tags,token_env,api_key_env\n"
        "Alpha,wildberries,,vip;msk,ALPHA_TOKEN,\n"
        "Beta,ozon,555,,,\n"
        "Gamma,wildberries,,,GAMMA_TOKEN,\n"
        "Delta,amazon,,,,\n"
        ",wildberries,,,ALPHA_TOKEN,\n",
        encoding="utf-8",
    )
    secrets = tmp_path / "secrets.json"
    secrets.write_text(json.dumps({"Beta": {"api_key": OZON_KEY}}))
    secrets.chmod(0o644)
    refused = run_cli("tenants", "import", str(csv_file), "--secrets", str(secrets))
    assert refused.returncode == 2
    assert "chmod 600" in refused.stderr
    secrets.chmod(0o600)
    env = {"ALPHA_TOKEN": wb_token(), "GAMMA_TOKEN": "broken"}
    result = run_cli(
        "tenants", "import", str(csv_file), "--secrets", str(secrets), "--json", env=env
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["added"] == ["Alpha", "Beta"]
    failed = {f["line"]: f["error"] for f in report["failed"]}
    assert set(failed) == {4, 5, 6}
    assert "not a JWT" in failed[4]
    assert "amazon" in failed[5]
    assert "empty" in failed[6]
    tenants = {t["name"]: t for t in cli_json("tenants", "list")}
    assert set(tenants) == {"Alpha", "Beta"}
    assert tenants["Alpha"]["tags"] == ["msk", "vip"]


def test_import_legacy_env(tmp_path: Path, passphrase_env: str) -> None:
    folder = tmp_path / "old-shop"
    folder.mkdir()
    (folder / "sa.json").write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "bot@proj.iam.gserviceaccount.com",
                "private_key": "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n",
            }
        )
    )
    token = wb_token()
    (folder / ".env").write_text(
        "# predecessor settings\n"
        f'WILDBERRIES_API_KEY="{token}"\n'
        "GOOGLE_SHEET_ID=1AbCdEf_sheet\n"
        "GOOGLE_SERVICE_ACCOUNT_KEY_PATH=sa.json\n"
    )
    result = run_cli("tenants", "import-legacy-env", str(folder / ".env"))
    assert result.returncode == 0, result.stderr
    shown = cli_json("tenants", "show", "old-shop")
    assert shown["overrides"] == {"google_sheet": "1AbCdEf_sheet"}
    assert shown["service_account_email"] == "bot@proj.iam.gserviceaccount.com"


def test_db_status_backup_restore(isolated_home: Path, passphrase_env: str) -> None:
    run_cli(
        "tenants",
        "add",
        "--name",
        "Keep",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        env={"T": wb_token()},
    )
    status = cli_json("db", "status", "--check")
    assert status["integrity"] == "ok"
    assert status["pending"] == []
    backup = Path(run_cli("db", "backup", "--label", "before test").stdout.strip())
    assert backup.exists()
    assert "before-test" in backup.name
    assert backup.stat().st_mode & 0o077 == 0
    run_cli("tenants", "remove", "Keep", "--yes")
    assert cli_json("tenants", "list") == []
    restored = run_cli("db", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert [t["name"] for t in cli_json("tenants", "list")] == ["Keep"]
    assert run_cli("db", "upgrade").stdout.startswith("already at revision")


def test_restore_refuses_a_corrupt_file(tmp_path: Path, passphrase_env: str) -> None:
    run_cli("tenants", "list")
    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(8192))
    result = run_cli("db", "restore", str(bad))
    assert result.returncode == 2
    assert "does not open" in result.stderr
    assert run_cli("tenants", "list").returncode == 0


def test_vault_status_rotate_and_recovery_to_a_new_machine(
    isolated_home: Path, tmp_path: Path
) -> None:
    token = wb_token()
    run_cli(
        "tenants",
        "add",
        "--name",
        "A",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        env={"T": token},
    )
    status = cli_json("vault", "status")
    assert status["store"] == "keyring"
    assert "FileKeyring" in status["keyring_backend"]
    rotated = run_cli("vault", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    recovery = tmp_path / "recovery.json"
    exported = run_cli(
        "vault",
        "export-recovery",
        str(recovery),
        "--passphrase-env",
        "RP",
        env={"RP": "long recovery passphrase"},
    )
    assert exported.returncode == 0, exported.stderr
    # The new machine: a copy of the data directory, an empty keyring.
    new_home = tmp_path / "new-machine"
    new_home.mkdir()
    for name in ("stock-tracker.db", "vault.json"):
        (new_home / name).write_bytes((isolated_home / name).read_bytes())
    env = {
        "STOCK_TRACKER_HOME": str(new_home),
        "STOCK_TRACKER_TEST_KEYRING": str(tmp_path / "new-keyring.json"),
    }
    assert run_cli("tenants", "list", env=env).returncode == 2
    wrong = run_cli("vault", "import-recovery", str(recovery), input="nope\n", env=env)
    assert wrong.returncode == 2
    assert "passphrase is wrong" in wrong.stderr
    imported = run_cli(
        "vault", "import-recovery", str(recovery), input="long recovery passphrase\n", env=env
    )
    assert imported.returncode == 0, imported.stderr
    assert [t["name"] for t in cli_json("tenants", "list", env=env)] == ["A"]


def test_without_a_display_the_window_says_what_to_do_and_demo_runs_headless(
    isolated_home: Path, no_keyring: None
) -> None:
    import sys

    from tests.support.cli import REPO_ROOT

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PYTHONPATH"] = str(REPO_ROOT)
    window = subprocess.run(
        [sys.executable, "-m", "stock_tracker_desktop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert window.returncode == 2
    assert "no display" in window.stderr
    assert "demo --headless" in window.stderr
    demo = subprocess.run(
        [sys.executable, "-m", "stock_tracker_desktop", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    assert "running the demo headless" in demo.stderr
    assert "behaved as intended" in demo.stderr
