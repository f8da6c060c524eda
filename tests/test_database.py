"""The encrypted database: unreadable without the key, private files, WAL, foreign keys."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from sqlalchemy import text

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage.database import WrongDatabaseKey, open_database


def test_plain_sqlite_cannot_read_the_file(ctx: AppContext) -> None:
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(ctx.db_path).execute("SELECT name FROM sqlite_master").fetchall()


def test_files_and_folder_are_private(ctx: AppContext) -> None:
    assert stat.S_IMODE(ctx.home.stat().st_mode) == 0o700
    for path in ctx.home.iterdir():
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_wal_and_foreign_keys(ctx: AppContext) -> None:
    with ctx.database.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_wrong_key_gives_a_clear_error(ctx: AppContext) -> None:
    with pytest.raises(WrongDatabaseKey, match="does not open with this installation's key"):
        open_database(ctx.db_path, "x'" + "00" * 32 + "'")


def test_the_key_is_a_raw_256_bit_key(ctx: AppContext) -> None:
    # A raw key literal skips SQLCipher's password KDF at every open.
    key = ctx.vault.keys.database_key
    assert key.startswith("x'")
    assert key.endswith("'")
    assert len(bytes.fromhex(key[2:-1])) == 32
