"""`stock-tracker team ...` and the other commands of a desktop in a team, end to end: every
desktop is a data directory and a keyring of its own, every step the real command in a
subprocess, the team on the test's own PostgreSQL database (docs/team.md)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.pg_cluster import PgCluster
from tests.support.sellers import simulator_env
from tests.support.tokens import wb_token
from tests.team.cli_desktops import INVITATION_PASSPHRASE, CliDesktop, said, team_of

SELLER = "Seller 00"
AWAY = "warning: the team's server cannot be used now"


def _server(pg: PgCluster, database: str) -> psycopg.Connection:
    """The team's database as its superuser sees it (what reached the server)."""
    return psycopg.connect(pg.dsn(database), autocommit=True)


def _simulated_seller(
    make_simulator: Callable[..., RunningSimulator], folder: Path
) -> tuple[dict[str, str], Path, dict[str, str]]:
    """A one-seller simulator: the environment that sends commands to it, and the CSV (with
    its token's variable) that `tenants import` takes."""
    sim = make_simulator(seed=11, sellers=1, products=8, time_factor=0.01)
    sellers = folder / "sellers.csv"
    sellers.write_text(f"name,marketplace,token_env\n{SELLER},wildberries,SELLER_TOKEN\n")
    return simulator_env(sim), sellers, {"SELLER_TOKEN": sim.world.sellers[0].wb_token}


def _add_seller(desktop: CliDesktop, name: str, token: str) -> None:
    added = desktop.ok(
        "tenants", "add", "--name", name, "--marketplace", "wildberries", "--token-env", "T",
        env={"T": token},
    )  # fmt: skip
    assert f"{name}" in added.stdout


def _names(desktop: CliDesktop) -> list[str]:
    return [tenant["name"] for tenant in desktop.json("tenants", "list")]


def _no_team(desktop: CliDesktop) -> None:
    result = desktop.ok("team", "status")
    assert result.stdout.startswith("this desktop is in no team"), said(result)


@contextlib.contextmanager
def _listener_off_loopback() -> Iterator[socket.socket | None]:
    """A TCP listener on this machine's own non-loopback address (None if it has none): a
    connection attempt to it would wait in its backlog."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.1", 9))  # no packet is sent; picks the outgoing address
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if not address or ipaddress.ip_address(address).is_loopback:
        yield None
        return
    with socket.create_server((address, 0)) as listener:
        listener.setblocking(False)
        yield listener


# ----- setting a team up, joining it -------------------------------------------------------------


def test_a_team_is_set_up_joined_and_its_invitation_opens_once(
    pg: PgCluster, team_database: str, tmp_path: Path
) -> None:
    olga = CliDesktop("olga", tmp_path)
    done = olga.init(pg.dsn(team_database))
    assert "the team is set up; this desktop is its owner" in done.stdout
    assert "stock-tracker team invite NAME --role user" in done.stdout

    status = olga.ok("team", "status").stdout
    assert f"Team:     Agency on 127.0.0.1:{pg.port}/{team_database}" in status
    assert f"You:      {team_database}_m_olga (owner)" in status
    assert "Backlog:  0 change(s) to push; 0 refused" in status

    invitation = tmp_path / "ivan.invitation"
    invited = olga.ok(
        "team", "invite", "ivan", "--role", "user", "--out", str(invitation),
        input=INVITATION_PASSPHRASE + "\n",
    )  # fmt: skip
    assert f"wrote {invitation} for ivan (user), valid until " in invited.stdout
    assert "tell them the passphrase another way" in invited.stdout
    assert stat.S_IMODE(invitation.stat().st_mode) == 0o600
    assert INVITATION_PASSPHRASE.encode() not in invitation.read_bytes()

    # Run again on the owner's desktop (after an upgrade of the app): the schema is upgraded
    # in place, nothing else changes.
    again = olga.init(pg.dsn(team_database)).stdout
    assert "the team's schema is at revision 0001 (was 0001)" in again

    ivan = CliDesktop("ivan", tmp_path)
    joined = ivan.join(invitation).stdout
    assert "joined the team; the team's sellers are here now" in joined
    assert f"the invitation {invitation} opens nothing any more: delete it" in joined
    mine = ivan.status()
    assert (mine["team"], mine["role"], mine["login"]) == (
        "Agency",
        "user",
        f"{team_database}_m_ivan",
    )
    assert mine["server_away_since"] is None

    members = {m["name"]: m["role"] for m in olga.json("team", "members")}
    assert members == {"olga": "owner", "ivan": "user"}
    table = ivan.ok("team", "members").stdout.splitlines()
    assert table[0].split() == ["Name", "Role", "Login", "Last", "seen"]
    assert sorted(line.split()[:3] for line in table[1:]) == [
        ["ivan", "user", f"{team_database}_m_ivan"],
        ["olga", "owner", f"{team_database}_m_olga"],
    ]

    # The join changed the login's password: the file opens nothing on a third desktop.
    third = CliDesktop("third", tmp_path)
    refused = third.refused("team", "join", str(invitation), input=INVITATION_PASSPHRASE + "\n")
    assert "this invitation has been used already" in refused, refused
    assert "stock-tracker team invite NAME --role ROLE --out FILE" in refused
    _no_team(third)


def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_lost(
    pg: PgCluster, team_database: str, tmp_path: Path
) -> None:
    olga = CliDesktop("olga", tmp_path)
    unset = olga.refused("team", "init", "--dsn-env", "NO_SUCH_DSN", "--owner", "olga")
    assert "the environment variable NO_SUCH_DSN is not set or empty" in unset
    assert "put the connection string in it" in unset

    far = olga.refused(
        "team", "init", "--dsn-env", "TEAM_DSN", "--owner", "olga",
        env={"TEAM_DSN": "host=10.255.255.1 dbname=agency user=olga password=x"},
    )  # fmt: skip
    assert "10.255.255.1" in far and "add sslmode=verify-full" in far, far
    with _listener_off_loopback() as listener:
        if listener is not None:
            host, port = listener.getsockname()[:2]
            dsn = f"postgresql://olga:x@{host}:{port}/agency?sslmode=require"
            nearer = olga.refused(
                "team", "init", "--dsn-env", "TEAM_DSN", "--owner", "olga", env={"TEAM_DSN": dsn}
            )
            assert "sslmode=require, which does not verify who answers" in nearer
            with pytest.raises(BlockingIOError):
                listener.accept()  # refused before any connection was tried
    _no_team(olga)

    olga.init(pg.dsn(team_database))  # the refusals left nothing in the way
    unknown = olga.refused("team", "revoke", "nobody")
    assert "nobody is not a member of this team (see `team members`)" in unknown

    invitation = olga.invite("ivan", "user")
    ivan = CliDesktop("ivan", tmp_path)
    wrong = ivan.refused("team", "join", str(invitation), input="not the passphrase\n")
    assert f"the passphrase does not open {invitation}" in wrong
    assert "check the passphrase the owner gave you" in wrong
    _no_team(ivan)

    not_one = tmp_path / "letter.txt"
    not_one.write_bytes("Приглашение в команду: пароль на обороте".encode("cp1251"))
    noise = tmp_path / "noise.bin"
    noise.write_bytes(os.urandom(4096))
    for path in (not_one, noise):
        message = ivan.refused("team", "join", str(path), input=INVITATION_PASSPHRASE + "\n")
        assert f"{path} is not a Stock Tracker team invitation" in message, message
        assert "ask the team's owner for a new invitation" in message
    _no_team(ivan)

    ivan.join(invitation)  # the failed attempts did not use the invitation up
    assert ivan.status()["role"] == "user"
    not_owner = ivan.refused(
        "team", "invite", "petr", "--role", "viewer", "--out", str(tmp_path / "petr.invitation"),
        input="petr's passphrase\n",
    )  # fmt: skip
    assert "to invite and revoke members a member needs the owner role" in not_owner
    assert not (tmp_path / "petr.invitation").exists()
    again = ivan.refused("team", "join", str(invitation), input=INVITATION_PASSPHRASE + "\n")
    assert "this desktop is in the team Agency already" in again
    assert "`stock-tracker team leave` first" in again
    assert {m["name"] for m in olga.json("team", "members")} == {"olga", "ivan"}


# ----- sellers, figures and runs go round ------------------------------------------------------


def test_a_seller_synced_on_the_owners_desktop_reaches_a_member_who_syncs_it_too(
    pg: PgCluster,
    team_database: str,
    tmp_path: Path,
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    env, sellers, token = _simulated_seller(make_simulator, tmp_path)
    desktops = team_of(tmp_path, pg.dsn(team_database), {"ivan": "user"}, env=env)
    olga, ivan = desktops["olga"], desktops["ivan"]
    olga.ok("tenants", "import", str(sellers), env=token)
    [first] = olga.json("sync", "--tenant", SELLER)
    assert first["status"] == "succeeded", first

    # The member's next commands show the seller, its run and its figures.
    assert _names(ivan) == [SELLER]
    assert [run["id"] for run in ivan.json("history")] == [first["run_id"]]
    figures = ivan.json("stock", "--tenant", SELLER)
    assert len(figures["rows"]) == first["stock_lines"] > 0
    assert figures["rows"] == olga.json("stock", "--tenant", SELLER)["rows"]

    # A lease held by the owner's desktop keeps the member's sync off the seller ...
    with _server(pg, team_database) as server:
        server.execute(
            "INSERT INTO stock_tracker.leases (seller_id, holder, desktop_id, desktop_name,"
            " claimed_at, expires_at) SELECT id, %s, gen_random_uuid(), 'olga-pc', now(),"
            " now() + interval '1 hour' FROM stock_tracker.sellers ON CONFLICT (seller_id)"
            " DO UPDATE SET holder = excluded.holder, desktop_id = excluded.desktop_id,"
            " desktop_name = excluded.desktop_name, expires_at = excluded.expires_at",
            (f"{team_database}_m_olga",),
        )
    held = ivan.run("sync", "--tenant", SELLER, "--json")
    with _server(pg, team_database) as server:
        server.execute("DELETE FROM stock_tracker.leases")
    assert held.returncode == 1, said(held)
    [refused] = json.loads(held.stdout)
    assert (refused["status"], refused["run_id"]) == ("refused", None), refused
    assert refused["message"].startswith(f"{SELLER}: already syncing in olga-pc (olga) since ")

    # ... and once it is free, the member syncs it; the owner's desktop shows that run.
    [second] = ivan.json("sync", "--tenant", SELLER)
    assert second["status"] == "succeeded", second
    runs = {run["id"]: run["status"] for run in olga.json("history")}
    assert runs[second["run_id"]] == "succeeded" and first["run_id"] in runs
    with _server(pg, team_database) as server:
        member = server.execute(
            "SELECT member FROM stock_tracker.sync_runs WHERE id = %s", (second["run_id"],)
        ).fetchone()
        leases = server.execute(
            "SELECT count(*) FROM stock_tracker.leases WHERE expires_at > now()"
        ).fetchone()
    assert member == (f"{team_database}_m_ivan",)
    assert leases == (0,)  # the sync's lease was given back at its end


def test_a_change_the_role_may_not_make_is_refused_at_once_or_at_the_push(
    pg: PgCluster, team_database: str, tmp_path: Path
) -> None:
    desktops = team_of(tmp_path, pg.dsn(team_database), {"vera": "viewer", "adam": "admin"})
    olga, vera, adam = desktops["olga"], desktops["vera"], desktops["adam"]
    _add_seller(olga, "Acme", wb_token())

    # A viewer hears it at once: nothing changes here and nothing waits to be pushed.
    refused = vera.refused("tenants", "edit", "Acme", "--notes", "x")
    assert (
        "to change sellers (add, edit, archive, delete) a member needs the admin role; "
        "you are a viewer of this team: ask the team's owner"
    ) in refused
    assert vera.json("tenants", "show", "Acme")["notes"] == ""
    assert vera.status()["backlog"] == {"pending": 0, "failed": 0, "oldest": None}

    # An admin's change made while the server is away, and the owner makes them a user on
    # the server meanwhile: the server refuses it at the push, and `team status` says why.
    assert _names(adam) == ["Acme"]
    pg.stop("immediate")
    edited = adam.run("tenants", "edit", "Acme", "--notes", "x")
    assert edited.returncode == 0 and "saved Acme" in edited.stdout, said(edited)
    pg.start()
    prefix = team_database
    with _server(pg, team_database) as server:
        server.execute(f'REVOKE "{prefix}_admin" FROM "{prefix}_m_adam"')
        server.execute(f'GRANT "{prefix}_user" TO "{prefix}_m_adam"')
    assert _names(adam) == ["Acme"]  # this command's cycle pushes, and learns the new role
    status = adam.ok("team", "status").stdout
    assert "You:      " in status and "(user)" in status, status
    assert "Backlog:  0 change(s) to push; 1 refused (`team retry`)" in status
    [refusal] = [line for line in status.splitlines() if line.startswith("Refused:")]
    assert refusal.startswith("Refused:  Acme (seller, "), refusal
    assert "a member needs the admin role" in refusal, refusal
    data = adam.status()
    assert (data["backlog"]["pending"], data["backlog"]["failed"]) == (0, 1)
    [entry] = data["refused"]
    assert (entry["seller"], entry["kind"]) == ("Acme", "seller")
    assert (
        "to change sellers (add, edit, archive, delete) a member needs the admin role"
        in (entry["error"])
    )
    with _server(pg, team_database) as server:
        assert server.execute("SELECT notes FROM stock_tracker.sellers").fetchall() == [("",)]

    retried = adam.ok("team", "retry")
    assert "1 refused change(s) will be pushed again" in retried.stdout
    assert adam.status()["backlog"]["failed"] == 1  # refused again: the role is still user


# ----- the server away ---------------------------------------------------------------------------


def test_the_desktop_works_on_while_the_server_is_away_and_catches_up_after(
    pg: PgCluster,
    team_database: str,
    tmp_path: Path,
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    env, sellers, token = _simulated_seller(make_simulator, tmp_path)
    olga = CliDesktop("olga", tmp_path, env)
    olga.init(pg.dsn(team_database))
    olga.ok("tenants", "import", str(sellers), env=token)
    olga.ok("sync", "--tenant", SELLER)

    pg.stop("immediate")
    listed = olga.run("tenants", "list")
    assert listed.returncode == 0, said(listed)
    assert SELLER in listed.stdout
    assert listed.stderr.startswith(AWAY), said(listed)
    assert "showing this desktop's copy, 0 change(s) wait to be pushed" in listed.stderr

    synced = olga.run("sync", "--tenant", SELLER, "--json")
    assert synced.returncode == 0, said(synced)
    assert synced.stderr.startswith(AWAY), said(synced)
    [run] = json.loads(synced.stdout)
    assert run["status"] == "succeeded", run

    away = olga.run("team", "status")
    assert away.returncode == 1, said(away)
    lines = away.stdout.splitlines()
    [backlog] = [line for line in lines if line.startswith("Backlog:")]
    assert ", the oldest from 20" in backlog and "0 refused" in backlog, backlog
    waiting = int(backlog.split()[1])
    assert waiting >= 2  # the run and its snapshot
    [server_line] = [line for line in lines if line.startswith("Server:")]
    assert server_line.startswith("Server:   away since 20"), server_line
    assert "Connection refused" in server_line
    data = olga.status()
    assert data["server_away_since"] is not None
    assert data["backlog"]["pending"] == waiting

    pg.start()
    back = olga.ok("tenants", "list")
    assert SELLER in back.stdout
    status = olga.ok("team", "status").stdout
    assert "Backlog:  0 change(s) to push; 0 refused" in status
    assert "Server:" not in status
    with _server(pg, team_database) as server:
        pushed = server.execute("SELECT id::text FROM stock_tracker.sync_runs").fetchall()
    assert (run["run_id"],) in pushed and len(pushed) == 2


# ----- revoking a member, leaving ------------------------------------------------------------


def test_revoke_rotates_the_key_for_the_others_and_leave_keeps_the_sellers(
    pg: PgCluster, team_database: str, tmp_path: Path
) -> None:
    desktops = team_of(tmp_path, pg.dsn(team_database), {"ivan": "user", "petr": "user"})
    olga, ivan, petr = desktops["olga"], desktops["ivan"], desktops["petr"]
    _add_seller(olga, "Acme", wb_token(days=180))
    before = petr.json("tenants", "show", "Acme")["token"]
    assert before["days_left"] >= 179
    assert _names(ivan) == ["Acme"]

    revoked = olga.ok("team", "revoke", "ivan").stdout
    assert "ivan is out of the team; the team key is now v2" in revoked
    assert {m["name"] for m in olga.json("team", "members")} == {"olga", "petr"}
    cut_off = ivan.run("tenants", "list")
    assert cut_off.returncode == 0, said(cut_off)
    assert "Acme" in cut_off.stdout  # the revoked desktop keeps its own copy
    assert cut_off.stderr.startswith(AWAY), said(cut_off)
    assert "it refused this desktop's login: you were removed from the team" in cut_off.stderr

    # A token changed after the rotation is sealed under v2 only: petr reads it only if the
    # new key reached him through his key grant.
    olga.ok("tenants", "edit", "Acme", "--token-env", "T", env={"T": wb_token(days=30)})
    after = petr.json("tenants", "show", "Acme")["token"]
    assert 28 <= after["days_left"] <= 30, after
    with _server(pg, team_database) as server:
        versions = server.execute(
            "SELECT DISTINCT key_version FROM stock_tracker.seller_secrets"
        ).fetchall()
        grants = server.execute(
            "SELECT member FROM stock_tracker.key_grants ORDER BY member"
        ).fetchall()
    assert versions == [(2,)]
    assert grants == [(f"{team_database}_m_olga",), (f"{team_database}_m_petr",)]

    left = petr.ok("team", "leave").stdout
    assert "this desktop left the team; its sellers and their history stay here" in left
    _no_team(petr)
    assert _names(petr) == ["Acme"]
