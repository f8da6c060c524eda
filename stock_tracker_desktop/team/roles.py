"""The team's roles and members on the server, and bringing the shared schema up to date.

``init_team`` runs once (and again after an upgrade of the app) with a login that may create
roles: it creates the groups, the schema's owner role, the schema, and the first owner's login.
Members are logins of their own, each in exactly one group (docs/team.md, "Roles").
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from stock_tracker_desktop.package_data import team_schema_dir
from stock_tracker_desktop.team.names import SCHEMA, RoleNames, TeamRole, role_prefix

log = logging.getLogger(__name__)
# Each group includes the one before it: an admin may do what a user may, and so on.
_INCLUDES = (
    (TeamRole.USER, TeamRole.VIEWER),
    (TeamRole.ADMIN, TeamRole.USER),
    (TeamRole.OWNER, TeamRole.ADMIN),
)


class TeamSetupError(RuntimeError):
    """Setting the team up failed in a way the person running it can act on."""


def names_of(conn: psycopg.Connection) -> RoleNames:
    database = conn.execute("SELECT current_database()").fetchone()
    assert database is not None
    return RoleNames(role_prefix(str(database[0])))


def new_password() -> str:
    return secrets.token_urlsafe(24)


def _role_exists(conn: psycopg.Connection, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def _create_groups(conn: psycopg.Connection, names: RoleNames) -> None:
    for role in (names.schema_owner, *names.groups.values()):
        if not _role_exists(conn, role):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    for group, included in _INCLUDES:
        conn.execute(
            sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(names.group(included)), sql.Identifier(names.group(group))
            )
        )
    database = conn.info.dbname
    # Only the team's members may connect to its database.
    conn.execute(
        sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database))
    )
    conn.execute(
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
            sql.Identifier(database), sql.Identifier(names.group(TeamRole.VIEWER))
        )
    )
    conn.execute(
        sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(
            sql.Identifier(database), sql.Identifier(names.schema_owner)
        )
    )


@contextmanager
def _as_schema_owner(conn: psycopg.Connection, names: RoleNames) -> Iterator[None]:
    """The init login acts as the schema's owner, so the objects it creates belong to that
    role and not to a person's login."""
    me = conn.info.user
    conn.execute(
        sql.SQL("GRANT {} TO {}").format(sql.Identifier(names.schema_owner), sql.Identifier(me))
    )
    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(names.schema_owner)))
    try:
        yield
    finally:
        conn.execute("RESET ROLE")


def upgrade_schema(conn: psycopg.Connection, names: RoleNames) -> None:
    """Create the schema if needed and run the shared schema's migrations to head."""
    with _as_schema_owner(conn, names):
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        conn.execute("SELECT set_config('stock_tracker.prefix', %s, false)", (names.prefix,))
        # SQLAlchemy rolls back when it first takes the connection: what came before (the
        # roles, the schema, the SET ROLE itself) is committed first; each is idempotent, and
        # the migrations run in a transaction of their own.
        conn.commit()
        engine = create_engine("postgresql+psycopg://", creator=lambda: conn, poolclass=StaticPool)
        config = Config()
        config.set_main_option("script_location", str(team_schema_dir()))
        with engine.begin() as sa_conn:
            config.attributes["connection"] = sa_conn
            command.upgrade(config, "head")


def schema_revision(conn: psycopg.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except psycopg.errors.UndefinedTable:
        conn.rollback()
        return None
    return str(row[0]) if row else None


@dataclass(frozen=True, slots=True)
class MemberLogin:
    login: str
    password: str
    role: TeamRole


def init_team(conn: psycopg.Connection, team_name: str, owner_name: str) -> MemberLogin | None:
    """Create or upgrade the team on the database ``conn`` is connected to (autocommit off).

    Returns the first owner's new login, or None when it exists already (an upgrade).
    """
    try:
        names = names_of(conn)
        _create_groups(conn, names)
        upgrade_schema(conn, names)
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(SCHEMA)))
        conn.execute(
            "INSERT INTO team (id, name, role_prefix) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO NOTHING",
            (team_name, names.prefix),
        )
        owner = names.member(owner_name)
        created = None
        if not _role_exists(conn, owner):
            created = create_member(conn, names, owner_name, TeamRole.OWNER)
        conn.commit()
    except psycopg.errors.InsufficientPrivilege as exc:
        conn.rollback()
        raise TeamSetupError(
            f"{conn.info.user} may not set the team up ({exc.diag.message_primary}): run "
            "`team init` with a login that may create roles (a superuser, or one with "
            "CREATEROLE that owns the database)"
        ) from exc
    return created


def create_member(
    conn: psycopg.Connection, names: RoleNames, name: str, role: TeamRole
) -> MemberLogin:
    """A login for one person in the group of ``role``; the caller commits."""
    login = names.member(name)
    if _role_exists(conn, login):
        raise TeamSetupError(
            f"{name} is a member already: `team revoke {name}` first to invite them again"
        )
    password = new_password()
    options = sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password))
    if role is TeamRole.OWNER:
        options = sql.SQL("{} CREATEROLE").format(options)
    conn.execute(sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(login), options))
    conn.execute(
        sql.SQL("GRANT {} TO {}").format(sql.Identifier(names.group(role)), sql.Identifier(login))
    )
    if role is TeamRole.OWNER:
        # An owner grants the lower groups to the members they invite (PostgreSQL 16 and later
        # ask for the admin option on the role granted) and may stop a revoked member's sessions.
        lower = [sql.Identifier(names.group(r)) for r in TeamRole if r is not TeamRole.OWNER]
        conn.execute(
            sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(
                sql.SQL(", ").join(lower), sql.Identifier(login)
            )
        )
        _grant_signal_backend(conn, login)
    return MemberLogin(login, password, role)


def _grant_signal_backend(conn: psycopg.Connection, login: str) -> None:
    conn.execute("SAVEPOINT signal")
    try:
        conn.execute(sql.SQL("GRANT pg_signal_backend TO {}").format(sql.Identifier(login)))
    except psycopg.errors.InsufficientPrivilege:
        conn.execute("ROLLBACK TO SAVEPOINT signal")
        log.warning(
            "%s may not end revoked members' sessions; they end at their next connect", login
        )


def drop_member(conn: psycopg.Connection, names: RoleNames, name: str) -> None:
    """Drop a member's login, forget their keys and end their sessions; commits.

    The sessions are ended by the login's oid once the drop is committed (a dropped role's
    sessions would otherwise go on until they disconnect). The team key must be rotated
    afterwards (``team.membership``): the member knew it.
    """
    login = names.member(name)
    found = conn.execute("SELECT oid FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
    if found is None:
        raise TeamSetupError(f"{name} is not a member of this team (see `team members`)")
    conn.execute("DELETE FROM key_grants WHERE member = %s", (login,))
    conn.execute("DELETE FROM member_keys WHERE member = %s", (login,))
    conn.execute("DELETE FROM desktops WHERE member = %s", (login,))
    conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))
    conn.commit()
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usesysid = %s", (found[0],)
    )
    conn.commit()


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    login: str
    role: TeamRole
    last_seen_at: datetime | None


def list_members(conn: psycopg.Connection, names: RoleNames) -> list[Member]:
    """Every member login and its group, with when one of its desktops was last heard."""
    groups = {group: role for role, group in names.groups.items()}
    rows = conn.execute(
        """
        SELECT m.rolname, g.rolname, (SELECT max(d.last_seen_at) FROM desktops d
                                      WHERE d.member = m.rolname)
        FROM pg_roles m
        JOIN pg_auth_members am ON am.member = m.oid
        JOIN pg_roles g ON g.oid = am.roleid
        WHERE m.rolcanlogin AND m.rolname LIKE %s AND g.rolname = ANY(%s)
        ORDER BY m.rolname
        """,
        (f"{names.prefix}\\_m\\_%", list(groups)),
    ).fetchall()
    best: dict[str, Member] = {}
    for login, group, seen in rows:
        role = groups[group]
        if login not in best or role.allows(best[login].role):
            best[login] = Member(names.member_name(login), login, role, seen)
    return list(best.values())


def role_of(conn: psycopg.Connection, names: RoleNames) -> TeamRole | None:
    """The highest group the connected login belongs to (None: not a member of this team)."""
    for role in reversed(TeamRole):
        row = conn.execute(
            "SELECT pg_has_role(current_user, %s, 'MEMBER')", (names.group(role),)
        ).fetchone()
        if row and row[0]:
            return role
    return None
