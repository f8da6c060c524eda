"""Leases on a real PostgreSQL: one desktop syncs a seller at a time, whoever asks.

``make_team`` (a team with an owner, two users and a viewer, each a login of their own) is used
by the other team tests too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from stock_tracker_desktop.team import leases, roles
from stock_tracker_desktop.team.names import TeamRole
from tests.support.pg_cluster import PgCluster


@dataclass(frozen=True)
class Team:
    pg: PgCluster
    database: str
    owner: roles.MemberLogin
    anna: roles.MemberLogin
    boris: roles.MemberLogin
    vera: roles.MemberLogin  # a viewer

    def connect(self, member: roles.MemberLogin) -> psycopg.Connection:
        dsn = self.pg.dsn(self.database, member.login, member.password)
        return psycopg.connect(dsn, autocommit=True)

    @contextmanager
    def superuser(self) -> Iterator[psycopg.Connection]:
        """Bypasses row-level security: for moving the clock of a row."""
        with psycopg.connect(self.pg.dsn(self.database), autocommit=True) as conn:
            yield conn

    def add_seller(self, seller_id: uuid.UUID, name: str = "Shop") -> None:
        with self.connect(self.owner) as conn:
            conn.execute(
                "INSERT INTO stock_tracker.sellers (id, name, name_key, marketplace) "
                "VALUES (%s, %s, %s, 'wildberries')",
                (seller_id, name, name.lower()),
            )

    def expire(self, seller_id: uuid.UUID) -> None:
        with self.superuser() as conn:
            conn.execute(
                "UPDATE stock_tracker.leases SET expires_at = now() - interval '1 second' "
                "WHERE seller_id = %s",
                (seller_id,),
            )


def make_team(pg: PgCluster, database: str) -> Team:
    with psycopg.connect(pg.dsn(database)) as conn:
        owner = roles.init_team(conn, "Agency", "olga")
    assert owner is not None
    with psycopg.connect(pg.dsn(database, owner.login, owner.password)) as conn:
        names = roles.names_of(conn)
        members = [
            roles.create_member(conn, names, name, role)
            for name, role in (("anna", TeamRole.USER), ("boris", TeamRole.USER),
                               ("vera", TeamRole.VIEWER))
        ]  # fmt: skip
    return Team(pg, database, owner, *members)


@pytest.fixture
def team(pg: PgCluster, team_database: str) -> Team:
    return make_team(pg, team_database)


@pytest.fixture
def seller(team: Team) -> uuid.UUID:
    seller_id = uuid.uuid4()
    team.add_seller(seller_id)
    return seller_id


ANNAS_LAPTOP = uuid.uuid4()
ANNAS_DESKTOP = uuid.uuid4()
BORIS_DESKTOP = uuid.uuid4()


def test_a_lease_is_claimed_renewed_and_released(team: Team, seller: uuid.UUID) -> None:
    with team.connect(team.anna) as anna, team.connect(team.vera) as viewer:
        before = datetime.now(UTC)
        expires = leases.claim(anna, seller, ANNAS_LAPTOP, "Anna's laptop", 30)
        assert timedelta(seconds=29) < expires - before < timedelta(seconds=31)
        # Anyone in the team sees who syncs what, a viewer too.
        [lease] = leases.holders(viewer).values()
        assert (lease.seller_id, lease.holder, lease.member) == (seller, team.anna.login, "anna")
        assert (lease.desktop_id, lease.desktop_name) == (ANNAS_LAPTOP, "Anna's laptop")
        assert lease.expires_at == expires

        assert leases.renew(anna, seller, ANNAS_LAPTOP, 120)
        assert leases.holders(anna)[seller].expires_at - expires > timedelta(seconds=85)
        # The same desktop claiming again (its last run died) gets it back at once.
        leases.claim(anna, seller, ANNAS_LAPTOP, "Anna's laptop", 30)

        leases.release(anna, seller, ANNAS_LAPTOP)
        assert leases.holders(viewer) == {}
        assert not leases.renew(anna, seller, ANNAS_LAPTOP, 30)  # gone, not brought back


def test_another_members_desktop_is_told_who_holds_it(team: Team, seller: uuid.UUID) -> None:
    with team.connect(team.anna) as anna, team.connect(team.boris) as boris:
        expires = leases.claim(anna, seller, ANNAS_LAPTOP, "Anna's laptop", 30)
        with pytest.raises(leases.LeaseHeld) as held:
            leases.claim(boris, seller, BORIS_DESKTOP, "Boris's desktop", 30)
        assert (held.value.holder, held.value.member) == (team.anna.login, "anna")
        assert (held.value.desktop_name, held.value.expires_at) == ("Anna's laptop", expires)
        assert "Anna's laptop (anna)" in str(held.value)
        # Nor can Boris renew or give back Anna's lease.
        assert not leases.renew(boris, seller, BORIS_DESKTOP, 30)
        leases.release(boris, seller, BORIS_DESKTOP)
        leases.release(boris, seller, ANNAS_LAPTOP)
        assert leases.holders(boris)[seller].desktop_id == ANNAS_LAPTOP


def test_the_same_member_on_another_desktop_is_refused_too(team: Team, seller: uuid.UUID) -> None:
    with team.connect(team.anna) as laptop, team.connect(team.anna) as desktop:
        leases.claim(laptop, seller, ANNAS_LAPTOP, "Anna's laptop", 30)
        with pytest.raises(leases.LeaseHeld) as held:
            leases.claim(desktop, seller, ANNAS_DESKTOP, "Anna's desktop", 30)
        assert held.value.desktop_name == "Anna's laptop"
        assert not leases.renew(desktop, seller, ANNAS_DESKTOP, 30)
        leases.release(desktop, seller, ANNAS_DESKTOP)
        assert leases.holders(laptop)[seller].desktop_id == ANNAS_LAPTOP


def test_an_expired_lease_is_taken_over_and_its_old_holder_learns_it(
    team: Team, seller: uuid.UUID
) -> None:
    with team.connect(team.anna) as anna, team.connect(team.boris) as boris:
        leases.claim(anna, seller, ANNAS_LAPTOP, "Anna's laptop", 30)
        team.expire(seller)  # Anna's desktop died mid-sync
        assert leases.holders(boris) == {}  # an expired lease is nobody's
        leases.claim(boris, seller, BORIS_DESKTOP, "Boris's desktop", 30)
        assert not leases.renew(anna, seller, ANNAS_LAPTOP, 30)
        leases.release(anna, seller, ANNAS_LAPTOP)  # gives back nothing of Boris's
        lease = leases.holders(anna)[seller]
        assert (lease.member, lease.desktop_name) == ("boris", "Boris's desktop")


def test_an_expired_lease_nobody_took_is_still_renewed(team: Team, seller: uuid.UUID) -> None:
    with team.connect(team.anna) as anna:
        leases.claim(anna, seller, ANNAS_LAPTOP, "Anna's laptop", 30)
        team.expire(seller)  # a renewal came late: the server was away for a while
        assert leases.renew(anna, seller, ANNAS_LAPTOP, 30)
        assert seller in leases.holders(anna)


def test_a_viewer_may_not_claim(team: Team, seller: uuid.UUID) -> None:
    with team.connect(team.vera) as vera, pytest.raises(psycopg.errors.InsufficientPrivilege):
        leases.claim(vera, seller, uuid.uuid4(), "Vera's desktop", 30)


def test_leases_are_claimed_outside_transactions(team: Team, seller: uuid.UUID) -> None:
    dsn = team.pg.dsn(team.database, team.anna.login, team.anna.password)
    with psycopg.connect(dsn) as conn, pytest.raises(ValueError, match="autocommit"):
        leases.claim(conn, seller, ANNAS_LAPTOP, "Anna's laptop", 30)


def test_a_sync_asked_before_another_desktops_ended_is_not_run_again(
    team: Team, seller: uuid.UUID
) -> None:
    """Asked at the same moment, Boris's desktop waited for a place while Anna's synced: the
    lease says her sync ended since he asked, on the server's clock, and gives his claim back."""
    with team.connect(team.anna) as anna, team.connect(team.boris) as boris:
        leases.claim(anna, seller, ANNAS_LAPTOP, "Anna's laptop", 30)
        leases.release(anna, seller, ANNAS_LAPTOP)
        with pytest.raises(leases.SyncedMeanwhile) as synced:
            leases.claim(boris, seller, BORIS_DESKTOP, "Boris's desktop", 30, asked_seconds_ago=60)
        assert (synced.value.member, synced.value.desktop_name) == ("anna", "Anna's laptop")
        assert leases.holders(boris) == {}  # his claim was given back at once
        # Asked after her sync ended (or without a moment: a lease alone): it is his.
        leases.claim(boris, seller, BORIS_DESKTOP, "Boris's desktop", 30, asked_seconds_ago=0)
        leases.release(boris, seller, BORIS_DESKTOP)
        # Her own next sync is hers to judge (this desktop's history knows its runs).
        leases.claim(anna, seller, ANNAS_LAPTOP, "Anna's laptop", 30, asked_seconds_ago=0)
        leases.release(anna, seller, ANNAS_LAPTOP)
        leases.claim(boris, seller, BORIS_DESKTOP, "Boris's desktop", 30)
