"""The vault: where the master lives, passphrases, and never a silent plaintext store."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from stock_tracker_desktop.security import keystore
from stock_tracker_desktop.security.keystore import KeystoreError, PassphraseNotText
from stock_tracker_desktop.security.vault import (
    PassphraseRequired,
    Vault,
    VaultError,
    WrongPassphrase,
)


def _never() -> str | None:
    raise AssertionError("the keyring store must not ask for a passphrase")


def test_new_vault_goes_into_a_usable_keyring(isolated_home: Path) -> None:
    vault = Vault.open(isolated_home, _never)
    assert vault.store == "keyring"
    assert "FileKeyring" in vault.describe_store()
    reopened = Vault.open(isolated_home, _never)
    assert reopened.keys.database_key == vault.keys.database_key
    meta = json.loads((isolated_home / "vault.json").read_text())
    assert "passphrase" not in meta  # the keyring holds it, not the file
    assert (isolated_home / "vault.json").stat().st_mode & 0o077 == 0


def test_without_keyring_a_passphrase_is_required(isolated_home: Path, no_keyring: None) -> None:
    with pytest.raises(PassphraseRequired, match="STOCK_TRACKER_PASSPHRASE"):
        Vault.open(isolated_home, lambda: None)
    assert not (isolated_home / "vault.json").exists()
    vault = Vault.open(isolated_home, lambda: "correct horse")
    assert vault.store == "passphrase"
    again = Vault.open(isolated_home, lambda: "correct horse")
    assert again.keys.database_key == vault.keys.database_key


def test_wrong_passphrase_changes_nothing(isolated_home: Path, no_keyring: None) -> None:
    Vault.open(isolated_home, lambda: "correct horse")
    before = (isolated_home / "vault.json").read_bytes()
    with pytest.raises(WrongPassphrase, match="wrong"):
        Vault.open(isolated_home, lambda: "battery staple")
    assert (isolated_home / "vault.json").read_bytes() == before


def test_plaintext_backends_are_refused() -> None:
    class PlaintextKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("must not be used")

        def delete_password(self, service: str, username: str) -> None:
            return None

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    PlaintextKeyring.__qualname__ = "PlaintextKeyring"
    keyring.set_keyring(PlaintextKeyring())
    status = keystore.keyring_status()
    assert not status.usable
    assert status.backend == "keyrings.alt.file.PlaintextKeyring"


def test_failing_backend_means_passphrase(no_keyring: None) -> None:
    status = keystore.keyring_status()
    assert not status.usable
    assert "no secure system keyring" in status.reason


def test_secrets_round_trip_and_are_not_plaintext(isolated_home: Path) -> None:
    vault = Vault.open(isolated_home, _never)
    token = vault.encrypt({"token": "very-secret-value"})
    assert b"very-secret-value" not in token
    assert vault.decrypt(token) == {"token": "very-secret-value"}
    assert "very" not in repr(vault)
    assert "very" not in repr(vault.keys)


def test_a_keyring_holding_another_installations_key_is_detected(isolated_home: Path) -> None:
    vault = Vault.open(isolated_home, _never)
    keyring.set_password("StockTrackerDesktop", f"master:{vault.install_id}", "QUFBQQ==")
    with pytest.raises(VaultError, match="does not belong"):
        Vault.open(isolated_home, _never)


def test_recovery_file_moves_the_master(isolated_home: Path, tmp_path: Path) -> None:
    vault = Vault.open(isolated_home, _never)
    recovery = tmp_path / "recovery.json"
    vault.export_recovery(recovery, "recovery pass")
    assert recovery.stat().st_mode & 0o077 == 0
    new_home = tmp_path / "new-machine"
    new_home.mkdir()
    (tmp_path / "keyring.json").unlink()  # a new machine's keyring knows nothing
    with pytest.raises(WrongPassphrase):
        Vault.import_recovery(new_home, recovery, "not it", _never)
    imported = Vault.import_recovery(new_home, recovery, "recovery pass", _never)
    assert imported.keys.database_key == vault.keys.database_key
    assert Vault.open(new_home, _never).install_id == vault.install_id


def test_a_new_vault_needs_8_characters_and_an_old_one_opens_as_it_is(
    isolated_home: Path, no_keyring: None
) -> None:
    with pytest.raises(KeystoreError, match="at least 8 characters"):
        Vault.open(isolated_home, lambda: "seven77")
    assert not (isolated_home / "vault.json").exists()
    vault = Vault.open(isolated_home, lambda: "correct horse")
    vault.begin_rotation(lambda: "correct horse")  # rotation keeps the passphrase it has
    vault.abandon_rotation()


NOT_UTF8 = "p\udcff\udcfess phrase"  # STOCK_TRACKER_PASSPHRASE set from a cp1251 terminal


def test_a_passphrase_that_is_not_utf8_is_refused_not_called_damage(
    isolated_home: Path, no_keyring: None
) -> None:
    with pytest.raises(PassphraseNotText, match="not valid UTF-8"):
        Vault.open(isolated_home, lambda: NOT_UTF8)
    assert not (isolated_home / "vault.json").exists()
    Vault.open(isolated_home, lambda: "correct horse")
    before = (isolated_home / "vault.json").read_bytes()
    with pytest.raises(PassphraseNotText, match="nothing was changed"):
        Vault.open(isolated_home, lambda: NOT_UTF8)
    assert (isolated_home / "vault.json").read_bytes() == before


def test_recovery_files_are_held_to_the_same_rules(isolated_home: Path, tmp_path: Path) -> None:
    vault = Vault.open(isolated_home, _never)
    recovery = tmp_path / "recovery.json"
    with pytest.raises(PassphraseNotText):
        vault.export_recovery(recovery, NOT_UTF8)
    assert not recovery.exists()
    vault.export_recovery(recovery, "recovery pass")
    with pytest.raises(PassphraseNotText):
        Vault.import_recovery(tmp_path / "other", recovery, NOT_UTF8, _never)
