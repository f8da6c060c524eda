"""Joining, leaving and running a team, as use cases the core calls (docs/team.md).

What a desktop keeps of its team: the ``team_link`` row (where, who, how far; not secret) and
one vault secret with the member's password, the team key and the member's key pair. Calls
that talk to the server block: the core runs them off the event loop, with ``local`` running
the local store's part on its database thread.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from stock_tracker_desktop.security.vault import Vault
from stock_tracker_desktop.storage import agency_secrets, outbox, team_link
from stock_tracker_desktop.storage.ids import new_id
from stock_tracker_desktop.storage.outbox import Backlog
from stock_tracker_desktop.storage.team_link import TeamLinkRecord
from stock_tracker_desktop.team import desktops, roles
from stock_tracker_desktop.team.connection import (
    TeamServer,
    connect,
    login_refused,
    parse_dsn,
)
from stock_tracker_desktop.team.invitation import (
    Invitation,
    read_invitation,
    used_invitation,
    write_invitation,
)
from stock_tracker_desktop.team.member_keys import MemberKeyPair, wrap_team_key
from stock_tracker_desktop.team.names import RoleNeeded, TeamAction, TeamRole
from stock_tracker_desktop.team.team_key import TeamKey, open_secrets, seal_secrets

SECRET = "team"  # noqa: S105 (the name the vault keeps it under)
CA_FILE = "team-server-ca.pem"
LocalRunner = Callable[[Callable[[], Any]], Any]


class NotInTeam(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "this desktop is in no team: `stock-tracker team join FILE` with the invitation "
            "the team's owner gave you (or `team init` to set a team up)"
        )


class AlreadyInTeam(RuntimeError):
    def __init__(self, link: TeamLinkRecord) -> None:
        super().__init__(
            f"this desktop is in the team {link.team} already ({link.host}:{link.port}): "
            "`stock-tracker team leave` first"
        )


@dataclass(frozen=True, slots=True)
class TeamSession:
    """Everything a desktop needs to talk to its team (the secrets held in memory)."""

    link: TeamLinkRecord
    server: TeamServer
    password: str
    team_key: TeamKey | None
    member_key: MemberKeyPair | None

    @property
    def role(self) -> TeamRole:
        return TeamRole(self.link.role)

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection:
        return connect(self.server, self.link.login, self.password, autocommit=autocommit)

    def __repr__(self) -> str:
        return f"TeamSession({self.link.login}@{self.server.address})"


# ----- what the desktop keeps -----------------------------------------------------------------


def _server_of(link: TeamLinkRecord, home: Path, kept: dict[str, str]) -> TeamServer:
    ca = home / CA_FILE
    return TeamServer(
        link.host,
        link.port,
        link.database,
        kept.get("sslmode", "prefer"),
        str(ca) if ca.exists() else "",
    )


def load(database: Any, vault: Vault, home: Path) -> TeamSession | None:
    """The desktop's team, or None on a solo desktop (runs on the database thread)."""
    link = team_link.get(database)
    found = agency_secrets.get(database, SECRET)
    if link is None or found is None:
        return None
    kept = vault.decrypt(found[0])
    return TeamSession(
        link=link,
        server=_server_of(link, home, kept),
        password=kept["password"],
        team_key=TeamKey.from_text(kept["team_key"]) if kept.get("team_key") else None,
        member_key=MemberKeyPair.from_text(kept["member_key"]) if kept.get("member_key") else None,
    )


def _keep(database: Any, vault: Vault, session: TeamSession) -> None:
    kept = {
        "password": session.password,
        "sslmode": session.server.sslmode,
        "team_key": session.team_key.to_text() if session.team_key else "",
        "member_key": session.member_key.to_text() if session.member_key else "",
    }
    agency_secrets.put(database, SECRET, vault.encrypt(kept), session.link.login)


def keep_team_key(database: Any, vault: Vault, session: TeamSession, key: TeamKey) -> TeamSession:
    """A rotated team key, learned by a pull or made by a revoke, kept in the vault."""
    session = replace(session, team_key=key, link=replace(session.link, key_version=key.version))
    _keep(database, vault, session)
    team_link.set_key_version(database, key.version)
    return session


def _write_ca(home: Path, pem: str) -> None:
    path = home / CA_FILE
    if pem:
        path.write_text(pem, encoding="ascii")
        path.chmod(0o600)
    else:
        path.unlink(missing_ok=True)


def desktop_name() -> str:
    return platform.node() or "desktop"


def _register(conn: psycopg.Connection, session: TeamSession) -> None:
    """This desktop and, for a member who syncs, their public key, on the server."""
    desktops.heartbeat(conn, session.link.desktop_id, desktop_name(), platform.system())
    if session.member_key is not None:
        conn.execute(
            "INSERT INTO member_keys (public_key) VALUES (%s) ON CONFLICT (member) "
            "DO UPDATE SET public_key = EXCLUDED.public_key",
            (session.member_key.public_bytes(),),
        )
    conn.commit()


def _settle(
    local: LocalRunner, database: Any, vault: Vault, home: Path, session: TeamSession, pem: str
) -> int:
    """Keep the session and enqueue what the desktop holds (the first push)."""
    _write_ca(home, pem)

    def keep() -> int:
        _keep(database, vault, session)
        enqueued: int = team_link.join(database, session.link)
        return enqueued

    result: int = local(keep)
    return result


def _refuse_if_joined(local: LocalRunner, database: Any) -> None:
    link = local(lambda: team_link.get(database))
    if link is not None:
        raise AlreadyInTeam(link)


# ----- the use cases ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Setup:
    """What ``init`` did: the schema's revision before and after, and, for a new team, this
    desktop's session as its owner and how many rows its first push holds."""

    revision_before: str | None
    revision: str | None
    session: TeamSession | None = None  # None: the desktop was in the team already
    enqueued: int = 0


def init(
    local: LocalRunner,
    database: Any,
    vault: Vault,
    home: Path,
    *,
    dsn: str,
    team_name: str,
    owner_name: str,
) -> Setup:
    """Create or upgrade the team on the database ``dsn`` names. A new team gets this desktop
    as its first owner; run again from a desktop of the team (after an upgrade of the app), it
    upgrades the shared schema in place."""
    parsed = parse_dsn(dsn)
    link = local(lambda: team_link.get(database))
    where = (parsed.server.host, parsed.server.port, parsed.server.database)
    if link is not None and (link.host, link.port, link.database) != where:
        raise AlreadyInTeam(link)
    team_name = team_name.strip() or parsed.server.database
    with connect(parsed.server, parsed.login, parsed.password) as conn:
        before = roles.schema_revision(conn)
        owner = roles.init_team(conn, team_name, owner_name)
        after = roles.schema_revision(conn)
    if link is not None:
        return Setup(before, after)
    if owner is None:
        raise roles.TeamSetupError(
            f"the team's schema is up to date and {owner_name} is a member already: on this "
            "desktop, join with an invitation (`team invite` on the owner's desktop)"
        )
    pem = Path(parsed.server.sslrootcert).read_text("ascii") if parsed.server.sslrootcert else ""
    key = TeamKey.generate(1)
    session = TeamSession(
        link=_new_link(team_name, parsed.server, owner.login, TeamRole.OWNER, key.version),
        server=replace(parsed.server, sslrootcert=""),
        password=owner.password,
        team_key=key,
        member_key=MemberKeyPair.generate(),
    )
    with session.connect() as conn:
        _register(conn, session)
        _grant_key(conn, key, {owner.login: session.member_key.public_bytes()})  # type: ignore[union-attr]
        conn.commit()
    session = _with_ca(session, home, pem)
    return Setup(before, after, session, _settle(local, database, vault, home, session, pem))


def _with_ca(session: TeamSession, home: Path, pem: str) -> TeamSession:
    return replace(
        session, server=replace(session.server, sslrootcert=str(home / CA_FILE) if pem else "")
    )


def _new_link(
    team: str, server: TeamServer, login: str, role: TeamRole, key_version: int | None
) -> TeamLinkRecord:
    return TeamLinkRecord(
        team=team,
        host=server.host,
        port=server.port,
        database=server.database,
        login=login,
        role=role.value,
        desktop_id=new_id(),
        joined_at=datetime.now(UTC),
        key_version=key_version,
    )


def invite(
    session: TeamSession,
    name: str,
    role: TeamRole,
    out: Path,
    passphrase: str,
    *,
    licence_key: str = "",
) -> Invitation:
    """A login for a new member and the invitation file that carries it (with the agency's
    licence key, for the member's desktop to activate on)."""
    if not session.role.allows(TeamRole.OWNER):
        raise RoleNeeded(TeamAction.MANAGE_MEMBERS, session.role)
    if role is TeamRole.OWNER:
        raise roles.TeamSetupError("an invitation is for a viewer, a user or an admin")
    with session.connect() as conn:
        names = roles.names_of(conn)
        member = roles.create_member(conn, names, name, role)
        team = conn.execute("SELECT name FROM team").fetchone()
        invitation = Invitation(
            team=str(team[0]) if team else session.link.team,
            host=session.server.host,
            port=session.server.port,
            database=session.server.database,
            sslmode=session.server.sslmode,
            sslrootcert=Path(session.server.sslrootcert).read_text("ascii")
            if session.server.sslrootcert
            else "",
            login=member.login,
            password=member.password,
            role=role,
            team_key=session.team_key if role.syncs else None,
            licence_key=licence_key,
        )
        # The file is written before the login is committed: no login without its invitation.
        write_invitation(out, invitation, passphrase)
        conn.commit()
    return invitation


def join(
    local: LocalRunner,
    database: Any,
    vault: Vault,
    home: Path,
    path: Path,
    passphrase: str,
    *,
    before_joining: Callable[[Invitation], None] = lambda _invitation: None,
) -> tuple[TeamSession, int]:
    """Join the team an invitation names. The login's password is changed at once, so the
    invitation file opens nothing once used. ``before_joining`` sees the opened invitation
    first and may refuse it by raising (the licence it carries does not hold here)."""
    _refuse_if_joined(local, database)
    invitation = read_invitation(path, passphrase)
    before_joining(invitation)
    server = TeamServer(invitation.host, invitation.port, invitation.database, invitation.sslmode)
    _write_ca(home, invitation.sslrootcert)
    server = replace(server, sslrootcert=str(home / CA_FILE) if invitation.sslrootcert else "")
    password = roles.new_password()
    try:
        with connect(server, invitation.login, invitation.password) as conn:
            conn.execute(
                sql.SQL("ALTER ROLE CURRENT_USER PASSWORD {}").format(sql.Literal(password))
            )
            conn.commit()
    except psycopg.OperationalError as exc:
        _write_ca(home, "")  # the desktop stays as it was
        if login_refused(exc):
            raise used_invitation() from None
        raise
    key = invitation.team_key
    session = TeamSession(
        link=_new_link(
            invitation.team, server, invitation.login, invitation.role, key.version if key else None
        ),
        server=server,
        password=password,
        team_key=key,
        member_key=MemberKeyPair.generate() if invitation.role.syncs else None,
    )
    with session.connect() as conn:
        _register(conn, session)
    return session, _settle(local, database, vault, home, session, invitation.sslrootcert)


def leave(local: LocalRunner, database: Any, home: Path, session: TeamSession | None) -> None:
    """Forget the team here; the sellers and their history stay on this desktop as its own.

    The server is told (this desktop's row and leases go) when it answers; if it does not,
    the desktop leaves anyway and its row ages out like a silent desktop's.
    """
    if session is not None:
        try:
            with session.connect() as conn:
                conn.execute("DELETE FROM leases WHERE desktop_id = %s", (session.link.desktop_id,))
                conn.execute("DELETE FROM desktops WHERE id = %s", (session.link.desktop_id,))
                conn.commit()
        except psycopg.Error:
            pass

    def forget() -> None:
        team_link.remove(database)
        outbox.clear(database)
        agency_secrets.remove(database, SECRET)

    local(forget)
    _write_ca(home, "")


def members(session: TeamSession) -> list[roles.Member]:
    with session.connect() as conn:
        return roles.list_members(conn, roles.names_of(conn))


def revoke(session: TeamSession, name: str) -> TeamKey:
    """Drop a member's login and rotate the team key: the secrets are sealed again under the
    new key, which is granted to every remaining member who syncs (each for their own key
    pair). Returns the new key; the caller keeps it in the vault."""
    if not session.role.allows(TeamRole.OWNER) or session.team_key is None:
        raise RoleNeeded(TeamAction.MANAGE_MEMBERS, session.role)
    old = session.team_key
    with session.connect() as conn:
        names = roles.names_of(conn)
        roles.drop_member(conn, names, name)
        new = TeamKey.generate(old.version + 1)
        for seller_id, blob in conn.execute(
            "SELECT seller_id, ciphertext FROM seller_secrets"
        ).fetchall():
            sealed = seal_secrets(new, seller_id, open_secrets(old, seller_id, bytes(blob)))
            conn.execute(
                "UPDATE seller_secrets SET key_version = %s, ciphertext = %s WHERE seller_id = %s",
                (new.version, sealed, seller_id),
            )
        syncing = conn.execute(
            "SELECT member, public_key FROM member_keys WHERE pg_has_role(member, %s, 'MEMBER')",
            (names.group(TeamRole.USER),),
        ).fetchall()
        conn.execute("DELETE FROM key_grants")
        _grant_key(conn, new, {member: bytes(key) for member, key in syncing})
        conn.execute("UPDATE team SET key_version = %s", (new.version,))
        conn.commit()
    return new


def _grant_key(conn: psycopg.Connection, key: TeamKey, members: dict[str, bytes]) -> None:
    conn.cursor().executemany(
        "INSERT INTO key_grants (member, key_version, wrapped) VALUES (%s, %s, %s) "
        "ON CONFLICT (member, key_version) DO UPDATE SET wrapped = EXCLUDED.wrapped",
        [
            (member, key.version, wrap_team_key(key, member, public))
            for member, public in members.items()
        ],
    )


@dataclass(frozen=True, slots=True)
class TeamStatus:
    link: TeamLinkRecord
    backlog: Backlog

    def as_json(self) -> dict[str, object]:
        link, backlog = self.link, self.backlog
        return {
            "team": link.team,
            "server": f"{link.host}:{link.port}/{link.database}",
            "login": link.login,
            "role": link.role,
            "desktop_id": str(link.desktop_id),
            "joined_at": link.joined_at.isoformat(timespec="seconds"),
            "last_push_at": _iso(link.last_push_at),
            "last_pull_at": _iso(link.last_pull_at),
            "server_away_since": _iso(link.server_away_since),
            "last_error": link.last_error,
            "backlog": {
                "pending": backlog.pending,
                "failed": backlog.failed,
                "oldest": _iso(backlog.oldest),
            },
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def status(database: Any) -> TeamStatus | None:
    """What the desktop knows of its team without asking the server (database thread)."""
    link = team_link.get(database)
    return TeamStatus(link, outbox.backlog(database)) if link else None
