"""Opening the encrypted SQLite database (SQLCipher) through SQLAlchemy.

The key is a raw 256-bit key literal (``x'...'``), so opening skips SQLCipher's password KDF.
It is handed to the driver in a connection factory, never put into a URL that could be logged.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import Pool

from stock_tracker_desktop.security.files import ensure_private_dir, restrict
from stock_tracker_desktop.storage.models import Base
from stock_tracker_desktop.storage.unwritable import unwritable_reason

DATABASE_FILE = "stock-tracker.db"
# SQLCipher authenticates and encrypts every page; 16 KiB pages make a bulk snapshot write about
# 25% cheaper than the default 4 KiB (bench/bench_snapshot_write.py). It must be the same at
# every open of a file, so it is part of the key setup.
CIPHER_PAGE_SIZE = 16384
_SIDE_FILES = ("-wal", "-shm")
# SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN (primary result codes).
_CANNOT_OPEN_CODES = frozenset({8, 10, 13, 14})
_READ_ONLY = "stock_tracker_read_only"
T = TypeVar("T")
IMMEDIATE = {"begin_immediate": True}
# SQLite's busy handler already waits up to busy_timeout for the write lock; these few tries on
# top cover the moments it gives up at once (another process recovering the WAL, or opening).
_BEGIN_TRIES = (0.05, 0.2, 0.5, 1.0)
# Set (by the tests' conftest) to make a connection taken off the database thread fail loudly.
CHECK_THREAD_ENV = "STOCK_TRACKER_CHECK_DB_THREAD"


class DatabaseError(Exception):
    """The database cannot be opened or used; the message says what to do."""


class WrongDatabaseKey(DatabaseError):
    """The file exists but does not open with this key (or is not a database at all)."""


def database_path(home: Path) -> Path:
    return home / DATABASE_FILE


def connect_raw(path: Path, key: str, *, uri: str | None = None) -> sqlcipher.Connection:
    """A DB-API connection with the key applied and proven to work; ``uri`` opens ``path``
    through an SQLite URI instead (read-only, see ``open_database``)."""
    conn = sqlcipher.connect(
        uri or str(path), uri=uri is not None, check_same_thread=False, timeout=30
    )
    # The driver's own implicit transactions skip DDL; SQLAlchemy emits BEGIN itself (see
    # _on_begin), which makes migrations transactional.
    conn.isolation_level = None
    # SQLCipher logs every failed page check ("ERROR CORE ... hmac check failed") to stderr,
    # dozens a command on a wrong key or a damaged file; the app's own message says it once.
    conn.execute("PRAGMA cipher_log_level = NONE")
    try:
        # The key literal is hex built by the vault, never user text, so inlining it is safe;
        # PRAGMA does not accept bound parameters.
        conn.execute(f'PRAGMA key = "{key}"')
        conn.execute(f"PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if _cannot_open(exc):
            raise  # the folder or the disk, not the key: open_database tells which
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
    # ``begin_immediate`` takes the write lock at once. A deferred transaction that reads and
    # then writes fails with SQLITE_BUSY at once, whatever the busy timeout, when another
    # process wrote in between; so every write transaction begins IMMEDIATE (``write_
    # transaction``, ``write_session``, ``session_scope``) and plain reads stay deferred (WAL
    # readers never wait for a writer, and reading works on a read-only file).
    immediate = connection.get_execution_options().get("begin_immediate", False)
    if not immediate:
        connection.exec_driver_sql("BEGIN")
        return
    for pause in (*_BEGIN_TRIES, None):
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if pause is None or not _is_busy(exc):
                raise
            time.sleep(pause)


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def _cannot_open(exc: sqlcipher.DatabaseError) -> bool:
    """SQLite could not open or grow the file or its side files: the folder, not the key."""
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in _CANNOT_OPEN_CODES


def open_database(path: Path, key: str) -> Engine:
    """An engine over the encrypted file at ``path``; creates the file (mode 0600) if needed.

    Where the folder cannot be written (a read-only mount, a full disk) an existing database
    opens read-only instead (``is_read_only``): reading works, and every write fails with
    SQLite's "attempt to write a readonly database".
    """
    try:
        return _open_writable(path, key)
    except (OSError, sqlcipher.OperationalError) as exc:
        if unwritable_reason(path.parent) is None:
            if isinstance(exc, OSError):
                raise
            raise DatabaseError(
                f"{path.name} cannot be opened ({exc}); check the disk that holds it"
            ) from exc
        if not path.is_file():
            raise
    return _open_read_only(path, key)


def is_read_only(engine: Engine) -> bool:
    return bool(engine.get_execution_options().get(_READ_ONLY, False))


def _create(path: Path, key: str, uri: str | None = None) -> Engine:
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect_raw(path, key, uri=uri),
        module=sqlcipher,
        pool_pre_ping=False,
        execution_options={_READ_ONLY: uri is not None},
    )
    event.listen(engine, "connect", _on_connect if uri is None else _on_connect_read_only)
    event.listen(engine, "begin", _on_begin)
    if os.environ.get(CHECK_THREAD_ENV):
        event.listen(engine, "engine_connect", _check_thread)
    return engine


def _on_connect_read_only(dbapi_connection: sqlcipher.Connection, _record: object) -> None:
    # No journal mode: choosing one writes the header, and the file is WAL already.
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    dbapi_connection.execute("PRAGMA busy_timeout = 30000")


def _open_read_only(path: Path, key: str) -> Engine:
    return _create(path, key, _read_only_uri(path, key))


def _read_only_uri(path: Path, key: str) -> str:
    """``mode=ro`` reads the WAL too, but needs its index (-shm), which it cannot create on a
    read-only or full disk. Then ``immutable=1`` reads the main file alone: whole only when
    the WAL holds nothing (the last process closed cleanly), so only then."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connect_raw(path, key, uri=uri).close()
        return uri
    except sqlcipher.OperationalError:
        wal = database_files(path)[1]
        if wal.is_file() and wal.stat().st_size > 0:
            raise
    uri += "&immutable=1"
    connect_raw(path, key, uri=uri).close()
    return uri


def _open_writable(path: Path, key: str) -> Engine:
    ensure_private_dir(path.parent)
    connect_raw(path, key).close()  # fail fast with a clear message on a wrong key
    engine = _create(path, key)
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
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction (BEGIN IMMEDIATE): committed when the block ends."""
    with engine.connect() as conn, conn.execution_options(**IMMEDIATE).begin():
        yield conn


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """An ORM session in one write transaction (BEGIN IMMEDIATE): committed when it ends."""
    with (
        engine.connect() as conn,
        Session(bind=conn.execution_options(**IMMEDIATE)) as session,
        session.begin(),
    ):
        yield session


@contextmanager
def session_scope(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises. A write
    one begins IMMEDIATE; ``write=False`` for reads, which then never wait for a writer."""
    session = factory()
    try:
        if write:
            session.connection(execution_options=IMMEDIATE)
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


class DamagedDatabaseFile(DatabaseError):
    """A file that is not a whole, healthy Stock Tracker database (empty, cut short, damaged)."""


def check_database_file(path: Path, key: str, *, integrity: bool = True) -> None:
    """Raise unless ``path`` opens with ``key``, holds the app's schema (an ``alembic_version``
    row) and, with ``integrity``, passes ``PRAGMA integrity_check``. Nothing is written: an
    empty file would otherwise open as an empty database."""
    if not path.is_file():
        raise DamagedDatabaseFile(f"{path.name} does not exist")
    size = path.stat().st_size
    if size == 0:
        raise DamagedDatabaseFile(f"{path.name} is empty (0 bytes)")
    conn = connect_raw(path, key)  # first: a file of another key is not "cut short"
    try:
        if size % CIPHER_PAGE_SIZE:
            raise DamagedDatabaseFile(f"{path.name} is cut short (truncated)")
        if integrity:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            if [tuple(row) for row in rows] != [("ok",)]:
                raise DamagedDatabaseFile(f"{path.name} fails the integrity check")
        version = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if version is None or conn.execute("SELECT 1 FROM alembic_version").fetchone() is None:
            raise DamagedDatabaseFile(f"{path.name} holds no Stock Tracker data")
    except sqlcipher.DatabaseError:
        raise DamagedDatabaseFile(f"{path.name} is damaged (a page fails its check)") from None
    finally:
        conn.close()


# How a coroutine runs a database call: ``SyncEngine.in_db`` (its one database thread) while an
# engine runs, ``run_here`` in a command that has none.
DbRunner = Callable[..., Awaitable[Any]]


async def run_here(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """The ``in_db`` of a process without a SyncEngine (a command): its one thread is the only
    one that uses the database, so the call runs right here."""
    return fn(*args, **kwargs)


class DatabaseThreadViolation(AssertionError):
    """A connection was taken off the database thread while that thread was using the engine."""


class _DatabaseThread:
    __slots__ = ("busy", "ident")

    def __init__(self) -> None:
        self.ident = 0
        self.busy = 0


# Per engine (by its pool, which option engines share): the thread that owns its calls.
_database_threads: WeakKeyDictionary[Pool, _DatabaseThread] = WeakKeyDictionary()
_threads_lock = threading.Lock()


def on_database_thread(engine: Engine, fn: Callable[[], T]) -> Callable[[], T]:
    """``fn`` as the engine's one database thread runs it: marked busy while it runs, so that a
    connection another thread takes meanwhile is caught (``CHECK_THREAD_ENV``)."""

    def call() -> T:
        with _threads_lock:
            owner = _database_threads.setdefault(engine.pool, _DatabaseThread())
            owner.ident = threading.get_ident()
            owner.busy += 1
        try:
            return fn()
        finally:
            with _threads_lock:
                owner.busy -= 1

    return call


def _check_thread(connection: Connection) -> None:
    # Two threads on one SQLCipher engine at once crashed the process; every call belongs on
    # the engine's database thread (SyncEngine.in_db).
    owner = _database_threads.get(connection.engine.pool)
    if owner is not None and owner.busy and owner.ident != threading.get_ident():
        raise DatabaseThreadViolation(
            f"a database connection was taken on thread {threading.current_thread().name!r} "
            "while the database thread was using the engine; route the call through "
            "SyncEngine.in_db"
        )
