"""Key rotation: everything re-keyed in one go, and a crash at any step loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.security.vault import Vault
from stock_tracker_desktop.services import vault_service
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.storage.database import WrongDatabaseKey, open_database
from stock_tracker_desktop.storage.rekey import rekey_database
from tests.support.tokens import wb_token

TOKEN = wb_token()


def _with_tenant(home: Path, passphrase: str | None = None) -> AppContext:
    ctx = AppContext.open(lambda: passphrase, home)
    TenantService(ctx).add(
        TenantDraft(name="Acme", marketplace=Marketplace.WILDBERRIES, token=TOKEN)
    )
    return ctx


def _token_after_reopen(home: Path, passphrase: str | None = None) -> str:
    ctx = AppContext.open(lambda: passphrase, home)
    try:
        return TenantService(ctx).credentials("Acme")["token"]
    finally:
        ctx.close()


@pytest.mark.parametrize("store", ["keyring", "passphrase"])
def test_rotate_rekeys_database_and_secrets(
    isolated_home: Path, store: str, request: pytest.FixtureRequest
) -> None:
    passphrase = None
    if store == "passphrase":
        request.getfixturevalue("no_keyring")
        passphrase = "correct horse"
    ctx = _with_tenant(isolated_home, passphrase)
    old_key = ctx.vault.keys.database_key
    backup = vault_service.rotate(ctx)
    assert backup.exists()
    assert ctx.vault.keys.database_key != old_key
    assert TenantService(ctx).credentials("Acme")["token"] == TOKEN
    ctx.close()
    with pytest.raises(WrongDatabaseKey):
        open_database(ctx.db_path, old_key)
    assert _token_after_reopen(isolated_home, passphrase) == TOKEN
    assert "pending_check" not in json.loads((isolated_home / "vault.json").read_text())


def test_crash_before_the_database_was_rekeyed(isolated_home: Path) -> None:
    ctx = _with_tenant(isolated_home)
    old_key = ctx.vault.keys.database_key
    ctx.vault.begin_rotation(ctx.passphrase)
    ctx.close()  # the process dies here
    assert _token_after_reopen(isolated_home) == TOKEN
    assert Vault.open(isolated_home, lambda: None).keys.database_key == old_key
    assert "pending_check" not in json.loads((isolated_home / "vault.json").read_text())


def test_crash_after_the_database_was_rekeyed(isolated_home: Path) -> None:
    ctx = _with_tenant(isolated_home)
    old_key = ctx.vault.keys.database_key
    pending = ctx.vault.begin_rotation(ctx.passphrase)
    rotating = ctx.vault.rotating_fernet()
    ctx.database.dispose()
    rekey_database(ctx.db_path, old_key, pending.database_key, rotating.rotate)
    # the process dies before the vault records the new master as current
    assert _token_after_reopen(isolated_home) == TOKEN
    assert Vault.open(isolated_home, lambda: None).keys.database_key == pending.database_key


def test_crash_in_the_middle_of_writing_the_copy(isolated_home: Path) -> None:
    ctx = _with_tenant(isolated_home)
    ctx.vault.begin_rotation(ctx.passphrase)
    ctx.close()
    staging = ctx.db_path.with_name(f".{ctx.db_path.name}.rekey")
    staging.write_bytes(b"half a file")
    assert _token_after_reopen(isolated_home) == TOKEN
    assert not staging.exists()
