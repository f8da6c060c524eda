"""Leases: which desktop syncs a seller now, so that no seller is synced by two at once.

A lease is one row per seller, claimed in one short statement, renewed while the sync runs and
given back when it ends, noting when that sync ended (docs/team.md, "Sharing out the syncs"):
a desktop asked to sync a seller before another desktop's sync of it ended does not sync it
again; no transaction, row lock or
advisory lock outlives a statement, so a desktop that dies loses its leases when they expire.
A lease belongs to a desktop, not only to a login: the same person on two desktops holds one
lease at most, so every statement compares the desktop's id beside ``current_user`` (the rows
a login may change at all are the row-level security's business).

Synchronous psycopg, on a connection in autocommit (the caller runs these off the event loop):
a lease claimed inside an open transaction would be invisible to the other desktops until
that transaction commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from stock_tracker_desktop.team.names import SCHEMA, RoleNames, role_prefix

# S608: the statements put in only the schema's name, a constant; every value is a parameter.
_CLAIM = f"""
INSERT INTO {SCHEMA}.leases AS leases (seller_id, desktop_id, desktop_name, expires_at)
VALUES (%(seller)s, %(desktop)s, %(name)s, now() + make_interval(secs => %(ttl)s))
ON CONFLICT (seller_id) DO UPDATE
SET holder = current_user, desktop_id = excluded.desktop_id,
    desktop_name = excluded.desktop_name, claimed_at = now(), expires_at = excluded.expires_at
WHERE leases.expires_at < now()
   OR (leases.holder = current_user AND leases.desktop_id = excluded.desktop_id)
RETURNING expires_at, synced_at >= now() - make_interval(secs => %(asked_ago)s)
          AND synced_desktop_id IS DISTINCT FROM %(desktop)s,
          synced_at, synced_by, synced_desktop, current_database()
"""  # noqa: S608
_LIVE = f"""
SELECT seller_id, holder, desktop_id, desktop_name, claimed_at, expires_at, current_database()
FROM {SCHEMA}.leases WHERE expires_at >= now()
"""  # noqa: S608
_HELD = _LIVE + " AND seller_id = %s"
_RENEW = f"""
UPDATE {SCHEMA}.leases SET expires_at = now() + make_interval(secs => %(ttl)s)
WHERE seller_id = %(seller)s AND holder = current_user AND desktop_id = %(desktop)s
  AND expires_at <> '-infinity'
"""  # noqa: S608
# Given back: expired for good ('-infinity': renewing does not bring it back, unlike a lease
# that only ran out), and the end of this desktop's sync noted (unless it only gives back a
# claim it will not use).
_RELEASE = f"""
UPDATE {SCHEMA}.leases SET expires_at = '-infinity', synced_at = CASE WHEN %(synced)s THEN now()
    ELSE synced_at END, synced_by = CASE WHEN %(synced)s THEN current_user ELSE synced_by END,
    synced_desktop = CASE WHEN %(synced)s THEN desktop_name ELSE synced_desktop END,
    synced_desktop_id = CASE WHEN %(synced)s THEN desktop_id ELSE synced_desktop_id END
WHERE seller_id = %(seller)s AND holder = current_user AND desktop_id = %(desktop)s
"""  # noqa: S608


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    """A live lease, as the window shows it: "being synced by Anna's laptop (anna)"."""

    seller_id: uuid.UUID
    holder: str  # the member's login
    member: str  # the person's name ("" for a login that is not a member's)
    desktop_id: uuid.UUID
    desktop_name: str
    claimed_at: datetime
    expires_at: datetime


class LeaseHeld(Exception):
    """Another desktop (perhaps of the same person) holds the seller's lease."""

    def __init__(self, lease: LeaseInfo) -> None:
        super().__init__(
            f"seller {lease.seller_id} is being synced by {lease.desktop_name or 'a desktop'} "
            f"({lease.member or lease.holder}) until {lease.expires_at.astimezone():%H:%M:%S}"
        )
        self.lease = lease
        self.holder = lease.holder
        self.member = lease.member
        self.desktop_name = lease.desktop_name
        self.expires_at = lease.expires_at


class SyncedMeanwhile(Exception):
    """Another desktop's sync of the seller ended after this sync was asked for."""

    def __init__(self, synced_at: datetime, member: str, desktop_name: str) -> None:
        super().__init__(f"synced by {desktop_name} ({member}) at {synced_at.astimezone():%H:%M}")
        self.synced_at, self.member, self.desktop_name = synced_at, member, desktop_name


def claim(
    conn: psycopg.Connection,
    seller_id: uuid.UUID,
    desktop_id: uuid.UUID,
    desktop_name: str,
    ttl: float,
    *,
    asked_seconds_ago: float | None = None,
) -> datetime:
    """Take the seller's lease for ``ttl`` seconds; returns when it expires.

    Free, expired, or already this desktop's: it is this desktop's now. Held live by another
    desktop: raises ``LeaseHeld`` saying whose. Another desktop's sync of it ended within the
    last ``asked_seconds_ago`` seconds (on the server's clock, so that the desktops' clocks
    need not agree): the lease is given back and ``SyncedMeanwhile`` raised. A login that may
    not claim (a viewer) gets psycopg's ``InsufficientPrivilege`` (SQLSTATE 42501).
    """
    _check_autocommit(conn)
    _check_ttl(ttl)
    params = {
        "seller": seller_id,
        "desktop": desktop_id,
        "name": desktop_name,
        "ttl": float(ttl),
        "asked_ago": -1.0 if asked_seconds_ago is None else max(asked_seconds_ago, 0.0),
    }
    while True:
        row = conn.execute(_CLAIM, params).fetchone()
        if row is not None:
            expires_at, meanwhile, synced_at, synced_by, synced_desktop, database = row
            if asked_seconds_ago is not None and meanwhile:
                conn.execute(_RELEASE, {**params, "synced": False})
                member = RoleNames(role_prefix(database)).member_name(synced_by)
                raise SyncedMeanwhile(synced_at, member or synced_by, synced_desktop)
            return expires_at
        held = conn.execute(_HELD, (seller_id,)).fetchone()
        if held is not None:
            raise LeaseHeld(_lease(held))
        # Released or expired between the two statements: it is free now, so claim again.


def renew(
    conn: psycopg.Connection, seller_id: uuid.UUID, desktop_id: uuid.UUID, ttl: float
) -> bool:
    """Extend this desktop's lease to ``ttl`` seconds from now.

    False: the lease is lost (it expired and another desktop took it over, or it is gone).
    A lease that expired while nobody else took it is still this desktop's and is renewed.
    """
    _check_autocommit(conn)
    _check_ttl(ttl)
    params = {"seller": seller_id, "desktop": desktop_id, "ttl": float(ttl)}
    return conn.execute(_RENEW, params).rowcount == 1


def release(conn: psycopg.Connection, seller_id: uuid.UUID, desktop_id: uuid.UUID) -> None:
    """Give the lease back at the end of a sync; one this desktop lost already stays with its
    new holder."""
    _check_autocommit(conn)
    conn.execute(_RELEASE, {"seller": seller_id, "desktop": desktop_id, "synced": True})


def holders(conn: psycopg.Connection) -> dict[uuid.UUID, LeaseInfo]:
    """Every live lease by seller id: the sellers other desktops (or this one) sync now."""
    return {lease.seller_id: lease for lease in map(_lease, conn.execute(_LIVE).fetchall())}


def _lease(row: tuple[Any, ...]) -> LeaseInfo:
    seller_id, holder, desktop_id, desktop_name, claimed_at, expires_at, database = row
    # The role prefix comes from the server's name for its database: a pooler in front may
    # give the database another name on the client's side.
    names = RoleNames(role_prefix(database))
    return LeaseInfo(
        seller_id=seller_id,
        holder=holder,
        member=names.member_name(holder),
        desktop_id=desktop_id,
        desktop_name=desktop_name,
        claimed_at=claimed_at,
        expires_at=expires_at,
    )


def _check_autocommit(conn: psycopg.Connection) -> None:
    if not conn.autocommit:
        raise ValueError("leases need a connection in autocommit: the others must see them now")


def _check_ttl(ttl: float) -> None:
    if not ttl > 0:
        raise ValueError(f"a lease must last a while, not {ttl} seconds")
