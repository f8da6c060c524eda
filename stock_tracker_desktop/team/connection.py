"""Reaching the team's server: which addresses are allowed, and what a failure means.

TLS verification is always on for a server across a network: a connection string to anything
but this machine must say ``sslmode=verify-full`` (or ``verify-ca``), with the server's CA in
``sslrootcert`` (a file, or ``system`` for the operating system's store). Only a server on this
machine (loopback, a Unix socket) may be reached without TLS.

A failure is either the server being away (down, unreachable, the login refused: nothing this
desktop sends can succeed now, so the outbox waits) or a refusal of one statement (a permission,
a constraint: retrying it will not help, so it is recorded and the next goes on).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import psycopg
from psycopg import conninfo as libpq_conninfo

from stock_tracker_desktop.security.loopback import is_loopback_host
from stock_tracker_desktop.team.names import SCHEMA

VERIFIED = ("verify-full", "verify-ca")
APPLICATION_NAME = "stock-tracker"
CONNECT_TIMEOUT = 5
# Statements a desktop runs are short; a server that stops answering mid-statement must not
# hold a pusher for minutes (keepalives notice a dead peer, the timeout a stuck one).
STATEMENT_TIMEOUT_MS = 60_000


class TeamConnectionError(ValueError):
    """A connection string the app refuses (says what to change)."""


@dataclass(frozen=True, slots=True)
class TeamServer:
    """Where the team meets; nothing secret (the login's password lives in the vault)."""

    host: str
    port: int
    database: str
    sslmode: str = "prefer"
    sslrootcert: str = ""

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"

    def conninfo(self, login: str, password: str) -> str:
        params: dict[str, str | int] = {
            "host": self.host,
            "port": self.port,
            "dbname": self.database,
            "user": login,
            "password": password,
            "sslmode": self.sslmode,
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": APPLICATION_NAME,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c search_path={SCHEMA}",
        }
        if self.sslrootcert:
            params["sslrootcert"] = self.sslrootcert
        return libpq_conninfo.make_conninfo("", **params)


def is_local_host(host: str) -> bool:
    """Loopback, or a Unix socket's folder (libpq reads a host starting with / as one)."""
    return not host or host.startswith("/") or is_loopback_host(host)


def check_tls(server: TeamServer) -> None:
    if is_local_host(server.host) or server.sslmode in VERIFIED:
        return
    how = f"with sslmode={server.sslmode}" if server.sslmode else "without sslmode"
    raise TeamConnectionError(
        f"the team's server {server.host} would be reached {how}, which does not verify who "
        "answers: add sslmode=verify-full and sslrootcert=<the server's CA file, or system> to "
        "the connection string"
    )


@dataclass(frozen=True, slots=True)
class ParsedDsn:
    server: TeamServer
    login: str
    password: str


def parse_dsn(dsn: str) -> ParsedDsn:
    """A libpq connection string or URI, as the owner gives it to ``team init``."""
    try:
        params = libpq_conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise TeamConnectionError(
            "the connection string cannot be read: give it as "
            "postgresql://LOGIN@HOST:5432/DATABASE?sslmode=verify-full or as "
            "'host=... dbname=... user=...'"
        ) from exc
    host, database, login = (str(params.get(k, "")) for k in ("host", "dbname", "user"))
    missing = [
        name for name, value in (("host", host), ("dbname", database), ("user", login)) if not value
    ]
    if missing:
        raise TeamConnectionError(f"the connection string lacks {', '.join(missing)}")
    try:
        port = int(params.get("port") or 5432)
    except ValueError:
        raise TeamConnectionError("the connection string's port is not a number") from None
    server = TeamServer(
        host=host,
        port=port,
        database=database,
        sslmode=str(params.get("sslmode") or ("prefer" if is_local_host(host) else "")),
        sslrootcert=str(params.get("sslrootcert") or ""),
    )
    check_tls(server)
    return ParsedDsn(server, login, str(params.get("password") or ""))


def connect(
    server: TeamServer, login: str, password: str, *, autocommit: bool = False
) -> psycopg.Connection:
    check_tls(server)
    return psycopg.connect(server.conninfo(login, password), autocommit=autocommit)


class Failure(StrEnum):
    AWAY = "away"  # the server cannot be reached or refuses the login: try again later
    REFUSED = "refused"  # this statement will not pass by retrying


# SQLSTATE classes that are about the statement, not the connection.
_REFUSED_CLASSES = ("22", "23", "42", "44")
_AWAY_STATES = ("28000", "28P01", "3D000")  # login gone, password changed, no database


def failure_of(exc: BaseException) -> Failure:
    if isinstance(exc, psycopg.Error):
        state = exc.sqlstate or ""
        if state in _AWAY_STATES:
            return Failure.AWAY
        if state[:2] in _REFUSED_CLASSES:
            return Failure.REFUSED
    return Failure.AWAY


def login_refused(exc: BaseException) -> bool:
    """The server answered and refused the login (its password changed, the role dropped)."""
    if not isinstance(exc, psycopg.OperationalError):
        return False
    return exc.sqlstate in _AWAY_STATES[:2] or "password authentication failed" in str(exc)


def is_permission_denied(exc: BaseException) -> bool:
    return isinstance(exc, psycopg.Error) and exc.sqlstate == "42501"
