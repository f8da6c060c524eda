"""Bad input from the command line: files as Russian Windows users make them, files that are no
text at all, names with control characters, passphrases. Each is read or refused with a
one-line message and exit code 2, and a refusal changes nothing."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from stock_tracker_desktop.cli.common import CliError, print_json, print_table, secret_from
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage.database import session_scope
from stock_tracker_desktop.storage.tenant_repository import TenantRepository
from tests.support.cli import cli_json, run_cli
from tests.support.tokens import wb_token
from tests.test_cli import OZON_KEY, PASSPHRASE, _add_wb_tenant, _run_add_wb, _tree_digest

SERVICE_ACCOUNT = {
    "type": "service_account",
    "client_email": "bot@proj.iam.gserviceaccount.com",
    "private_key": "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n",
}
NOT_UTF8 = b"\xff\xfe\xfa pass phrase".decode("utf-8", "surrogateescape")


@pytest.fixture
def installed(isolated_home: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A passphrase-protected installation with one tenant, "A"."""
    monkeypatch.setenv("STOCK_TRACKER_PASSPHRASE", PASSPHRASE)
    _add_wb_tenant()
    return isolated_home


def _refused(result: object, first_line: str) -> None:
    """Exit code 2 and a message whose first line starts as given, without a traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert stderr.splitlines()[0].startswith(first_line), stderr
    assert "Traceback" not in stderr


def _names() -> list[str]:
    return [t["name"] for t in cli_json("tenants", "list", "--all")]


# ----- files as Russian Windows users make them ----------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1251", ";"), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-8", ",")],
    ids=["russian-excel-csv", "utf8-bom", "excel-unicode-text", "utf8"],
)
def test_import_reads_what_excel_and_notepad_save(
    installed: Path, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    rows = [
        ["name", "marketplace", "client_id", "notes", "tags", "token_env"],
        ["Ромашка", "wildberries", "", "Магазин у дома", "дети", "T1"],
        ["Озон Ёлка", "ozon", "555", "", "", ""],
    ]
    sellers = tmp_path / "sellers.csv"
    sellers.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode(encoding))
    secrets = tmp_path / "secrets.json"
    secrets.write_bytes(json.dumps({"Озон Ёлка": {"api_key": OZON_KEY}}).encode("utf-8-sig"))
    secrets.chmod(0o600)
    result = run_cli(
        "tenants", "import", str(sellers), "--secrets", str(secrets), env={"T1": wb_token()}
    )
    assert result.returncode == 0, result.stderr
    assert set(_names()) == {"A", "Ромашка", "Озон Ёлка"}
    shown = cli_json("tenants", "show", "Ромашка")
    assert shown["notes"] == "Магазин у дома"
    assert shown["tags"] == ["дети"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"], ids=["notepad-bom", "ansi"])
def test_legacy_env_with_a_bom_or_in_cp1251_is_read(
    installed: Path, tmp_path: Path, encoding: str
) -> None:
    folder = tmp_path / "old-shop"
    folder.mkdir()
    (folder / "sa.json").write_bytes(json.dumps(SERVICE_ACCOUNT).encode(encoding))
    (folder / ".env").write_bytes(
        (
            f"WILDBERRIES_API_KEY={wb_token()}\n"
            "# таблица продавца\n"
            "GOOGLE_SHEET_ID=1AbCdEf_sheet\n"
            "GOOGLE_SERVICE_ACCOUNT_KEY_PATH=sa.json\n"
        ).encode(encoding)
    )
    result = run_cli("tenants", "import-legacy-env", str(folder / ".env"))
    assert result.returncode == 0, result.stderr
    shown = cli_json("tenants", "show", "old-shop")
    assert shown["overrides"] == {"google_sheet": "1AbCdEf_sheet"}
    assert shown["service_account_email"] == SERVICE_ACCOUNT["client_email"]


def _binary(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + os.urandom(2000))  # an .xlsx, say
    return path


def _long_field(path: Path) -> Path:
    path.write_text("name,marketplace,notes\nBig,wildberries," + "x" * 200_000 + "\n")
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _not_text(path: Path) -> Path:
    path.write_bytes(b"name,marketplace\n\x98\x98,ozon\n")  # 0x98 is no letter in cp1251
    return path


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "binary": (_binary, "is not a text file"),
    "200 KB field": (_long_field, "cannot be read as CSV near line 2 (field larger than"),
    "missing": (lambda p: p, "does not exist"),
    "folder": (_folder, "is a folder"),
    "dev-zero": (lambda _p: Path("/dev/zero"), "is not a regular file"),
    "fifo": (_fifo, "is not a regular file"),
    "not text": (_not_text, "is neither UTF-8 nor Windows-1251 text"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_import_refuses_a_bad_file_quickly_and_changes_nothing(
    installed: Path, tmp_path: Path, case: str
) -> None:
    make, said = BAD_FILES[case]
    bad = make(tmp_path / "sellers.csv")
    before = _tree_digest(installed)
    result = run_cli("tenants", "import", str(bad), timeout=20)
    shown = bad.name if case == "200 KB field" else str(bad)
    _refused(result, f"stock-tracker: {shown} {said}")
    assert _tree_digest(installed) == before


@pytest.mark.parametrize("case", ["dev-zero", "fifo", "binary", "missing"])
def test_every_key_file_goes_through_the_same_checks(
    installed: Path, tmp_path: Path, case: str
) -> None:
    make, said = BAD_FILES[case]
    key = make(tmp_path / "key.json")
    folder = tmp_path / "shop"
    folder.mkdir()
    env = folder / ".env"
    env.write_text(f"WILDBERRIES_API_KEY={wb_token()}\nGOOGLE_SERVICE_ACCOUNT_KEY_PATH={key}\n")
    before = _tree_digest(installed)
    legacy = run_cli("tenants", "import-legacy-env", str(env), timeout=20)
    _refused(legacy, f"stock-tracker: GOOGLE_SERVICE_ACCOUNT_KEY_PATH in .env: {key} {said}")
    added = run_cli(
        "tenants",
        "add",
        "--name",
        "B",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        "--service-account-file",
        str(key),
        env={"T": wb_token()},
        timeout=20,
    )
    _refused(added, f"stock-tracker: {key} {said}")
    default = run_cli("settings", "service-account", str(key), timeout=20)
    _refused(default, f"stock-tracker: {key} {said}")
    assert _tree_digest(installed) == before


@pytest.mark.parametrize("case", ["dev-zero", "fifo", "folder", "missing"])
def test_a_recovery_file_or_backup_that_is_no_file_is_refused_quickly(
    installed: Path, tmp_path: Path, case: str
) -> None:
    make, said = BAD_FILES[case]
    bad = make(tmp_path / "recovery.json")
    before = _tree_digest(installed)
    recovery = run_cli(
        "vault", "import-recovery", str(bad), "--passphrase-env", "R",
        env={"R": PASSPHRASE}, timeout=20,
    )  # fmt: skip
    _refused(recovery, f"stock-tracker: {bad} {said}")
    restore = run_cli("db", "restore", str(bad), timeout=20)
    _refused(restore, f"stock-tracker: {bad} ")
    assert _tree_digest(installed) == before


def test_a_secrets_file_that_others_can_read_or_that_is_missing_is_refused(
    installed: Path, tmp_path: Path
) -> None:
    sellers = tmp_path / "sellers.csv"
    sellers.write_text("name,marketplace\nOz,ozon\n")
    missing = tmp_path / "secrets.json"
    result = run_cli("tenants", "import", str(sellers), "--secrets", str(missing))
    _refused(result, f"stock-tracker: {missing} does not exist")
    missing.write_text(json.dumps({"Oz": {"api_key": 12345}}))
    missing.chmod(0o600)
    wrong_type = run_cli("tenants", "import", str(sellers), "--secrets", str(missing))
    _refused(wrong_type, f"stock-tracker: {missing} must map each tenant name to an object")
    assert _names() == ["A"]


# ----- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("\x1b[2J\x1b[31mAcme", "control characters"),
        ("Acme\x07", "control characters"),
        ("Acme\u202etxt.exe", "text-direction"),
        ("\u200b\u2060", "only invisible characters"),
        ("Acme\udcff", "not valid UTF-8"),
    ],
    ids=["escape-codes", "bell", "bidi-override", "invisible", "not-utf8"],
)
def test_a_name_with_control_characters_is_refused(installed: Path, name: str, said: str) -> None:
    result = _run_add_wb(name)
    _refused(result, "stock-tracker: error: name: ")
    assert said in result.stderr.splitlines()[0]
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert _names() == ["A"]


def test_names_stored_before_the_rule_print_without_their_control_characters(
    installed: Path,
) -> None:
    ctx = AppContext.open(lambda: PASSPHRASE, installed)
    try:
        with session_scope(ctx.sessions) as session:
            repo = TenantRepository(session)
            repo.rename(repo.by_name("A"), "A\x1b[2J\u202eB")  # type: ignore[arg-type]
    finally:
        ctx.close()
    listed = run_cli("tenants", "list")
    assert listed.returncode == 0, listed.stderr
    assert "A\\x1b[2J\\u202eB" in listed.stdout
    assert "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    as_json = run_cli("tenants", "list", "--json")
    assert "\x1b" not in as_json.stdout and "\u202e" not in as_json.stdout
    assert json.loads(as_json.stdout)[0]["name"] == "A\x1b[2J\u202eB"  # escaped, not lost


def test_tables_escape_what_a_marketplace_sends(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(
        ["WAREHOUSE", "STOCK"], [["Коледино\x1b]0;owned\x07", 3], ["\x9b31mЭлект\u2066", 1]]
    )
    out = capsys.readouterr().out
    assert "Коледино\\x1b]0;owned\\x07" in out and "\\x9b31mЭлект\\u2066" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b\u2066")
    print_json({"warehouse": "\x9b\u202e\udcff"})
    out = capsys.readouterr().out
    assert json.loads(out) == {"warehouse": "\x9b\u202e\udcff"}
    assert out.isascii()


# ----- passphrases -----------------------------------------------------------------------------


def test_a_new_vault_needs_a_passphrase_of_8_characters(
    isolated_home: Path, no_keyring: None
) -> None:
    result = run_cli("tenants", "list", env={"STOCK_TRACKER_PASSPHRASE": "short"})
    _refused(result, "stock-tracker: the vault passphrase must have at least 8 characters")
    assert not isolated_home.exists() or not any(isolated_home.iterdir())


def test_a_passphrase_that_is_not_utf8_gets_a_message(
    isolated_home: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = run_cli("tenants", "list", env={"STOCK_TRACKER_PASSPHRASE": NOT_UTF8})
    _refused(fresh, "stock-tracker: the passphrase is not valid UTF-8 text")
    assert not (isolated_home / "vault.json").exists()
    monkeypatch.setenv("STOCK_TRACKER_PASSPHRASE", PASSPHRASE)
    _add_wb_tenant()
    before = _tree_digest(isolated_home)
    existing = run_cli("tenants", "list", env={"STOCK_TRACKER_PASSPHRASE": NOT_UTF8})
    _refused(existing, "stock-tracker: the passphrase is not valid UTF-8 text")
    assert "damaged" not in existing.stderr
    assert _tree_digest(isolated_home) == before


def test_a_recovery_passphrase_that_is_not_utf8_gets_a_message(
    isolated_home: Path, tmp_path: Path
) -> None:
    _add_wb_tenant()
    recovery = tmp_path / "recovery.json"
    result = run_cli(
        "vault", "export-recovery", str(recovery), "--passphrase-env", "RP", env={"RP": NOT_UTF8}
    )
    _refused(result, "stock-tracker: the recovery file passphrase in RP is not valid UTF-8 text")
    assert not recovery.exists()


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_a_secret_on_stdin_that_is_not_utf8_gets_a_message(
    monkeypatch: pytest.MonkeyPatch, errors: str
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"\xff\xfe\xfa\n"), "utf-8", errors=errors)
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(CliError, match=r"^the WB token on standard input is not valid UTF-8"):
        secret_from(None, "WB token")
