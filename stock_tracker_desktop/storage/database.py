"""Opening the encrypted SQLite database (SQLCipher) through SQLAlchemy.

The key is a raw 256-bit key literal (``x'...'``), so opening skips SQLCipher's password KDF.
It is handed to the driver in a connection factory, never put into a URL that could be logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from stock_tracker_desktop.security.files import ensure_private_dir, restrict
from stock_tracker_desktop.storage.models import Base

DATABASE_FILE = "stock-tracker.db"
# SQLCipher authenticates and encrypts every page; 16 KiB pages make a bulk snapshot write about
# 25% cheaper than the default 4 KiB (bench/bench_snapshot_write.py). It must be the same at
# every open of a file, so it is part of the key setup.
CIPHER_PAGE_SIZE = 16384
_SIDE_FILES = ("-wal", "-shm")


class DatabaseError(Exception):
    """The database cannot be opened or used; the message says what to do."""


class WrongDatabaseKey(DatabaseError):
    """The file exists but does not open with this key (or is not a database at all)."""


def database_path(home: Path) -> Path:
    return home / DATABASE_FILE


def connect_raw(path: Path, key: str) -> sqlcipher.Connection:
    """A DB-API connection with the key applied and proven to work."""
    conn = sqlcipher.connect(str(path), check_same_thread=False, timeout=30)
    # The driver's own implicit transactions skip DDL; SQLAlchemy emits BEGIN itself (see
    # _on_begin), which makes migrations transactional.
    conn.isolation_level = None
    try:
        # The key literal is hex built by the vault, never user text, so inlining it is safe;
        # PRAGMA does not accept bound parameters.
        conn.execute(f'PRAGMA key = "{key}"')
        conn.execute(f"PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        raise WrongDatabaseKey(
            f"{path.name} does not open with this installation's key (or is not a Stock Tracker "
            "database); check that the data directory and the vault belong together"
        ) from None
    return conn


def _on_connect(dbapi_connection: sqlcipher.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # NORMAL is crash-safe in WAL mode: a killed process never corrupts the file.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _on_begin(connection: Connection) -> None:
    # ``begin_immediate`` takes the write lock at once: for check-then-insert transactions that
    # must not interleave with another process's.
    immediate = connection.get_execution_options().get("begin_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_engine(path: Path, key: str) -> Engine:
    """An engine over the encrypted file at ``path``; creates the file (mode 0600) if needed."""
    ensure_private_dir(path.parent)
    connect_raw(path, key).close()  # fail fast with a clear message on a wrong key
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect_raw(path, key),
        module=sqlcipher,
        pool_pre_ping=False,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    with engine.connect():
        pass
    restrict_database_files(path)
    return engine


def database_files(path: Path) -> tuple[Path, ...]:
    """The database file and the side files SQLite keeps beside it in WAL mode."""
    return (path, *(path.with_name(path.name + suffix) for suffix in _SIDE_FILES))


def restrict_database_files(path: Path) -> None:
    for candidate in database_files(path):
        if candidate.exists():
            restrict(candidate)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def integrity_check(engine: Engine) -> str:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the schema (diagnostics: how big, not what)."""
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }
