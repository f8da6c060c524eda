"""The one copy sequence behind backups, restores and re-keying: all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.storage.database import WrongDatabaseKey, check_database_file
from stock_tracker_desktop.storage.rekey import copy_into_place, rekey_database, staging_path
from tests.exporters.conftest import add_tenant

SIDES = ("", "-wal", "-shm", "-journal")


def _refuse(copy: Path) -> None:
    check_database_file(copy, "x'00'")  # a copy refused the way a failed check refuses it


def _leftovers(path: Path) -> list[Path]:
    return [p for p in (path.with_name(path.name + side) for side in SIDES) if p.exists()]


def test_a_refused_copy_leaves_the_target_as_it_was_and_no_staging(ctx: AppContext) -> None:
    target = ctx.home / "other.db"
    target.write_bytes(b"the file in place")
    staging = ctx.home / ".other.db.partial"
    staging.write_bytes(b"half a file")  # what a killed earlier attempt left
    staging.with_name(staging.name + "-journal").write_bytes(b"")
    key = ctx.vault.keys.database_key
    with pytest.raises(WrongDatabaseKey):
        copy_into_place(ctx.db_path, key, target, staging, _refuse)
    assert target.read_bytes() == b"the file in place"
    assert _leftovers(staging) == []


def test_a_copy_that_passes_replaces_the_target_as_one_file(ctx: AppContext) -> None:
    target = ctx.home / "other.db"
    target.write_bytes(b"the file in place")
    key = ctx.vault.keys.database_key
    staging = ctx.home / ".other.db.partial"
    copy_into_place(ctx.db_path, key, target, staging, lambda copy: check_database_file(copy, key))
    check_database_file(target, key)
    assert _leftovers(target) == [target]  # self-contained: no WAL beside it
    assert _leftovers(staging) == []


def test_a_rekey_failing_midway_keeps_the_database_and_leaves_no_copy(ctx: AppContext) -> None:
    add_tenant(ctx, "Acme")
    token = TenantService(ctx).credentials("Acme")["token"]
    key = ctx.vault.keys.database_key
    ctx.database.dispose()

    def broken(_secret: bytes) -> bytes:
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="the disk went away"):
        rekey_database(ctx.db_path, key, "x'" + "ab" * 32 + "'", broken)
    assert _leftovers(staging_path(ctx.db_path)) == []
    check_database_file(ctx.db_path, key)
    assert TenantService(ctx).credentials("Acme")["token"] == token
