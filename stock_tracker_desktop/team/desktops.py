"""Desktops' heartbeats, and which desktop runs a seller's scheduled syncs.

Each seller has a home desktop (``sellers.home_desktop``) that runs its schedule. A home that
has been silent past the takeover time hands the schedule to the live desktop ranking first for
that seller by rendezvous hashing, until it is heard again (docs/team.md, "Sharing out the
syncs"). Leases still guard every single sync: the schedule only decides who tries.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

from stock_tracker_desktop.team.names import SCHEMA, RoleNames, role_prefix

_HEARTBEAT = f"""
INSERT INTO {SCHEMA}.desktops AS d (id, name, platform) VALUES (%s, %s, %s)
ON CONFLICT (id) DO UPDATE
SET name = excluded.name, platform = excluded.platform, last_seen_at = now()
"""  # noqa: S608 - only the schema's name is put in; every value is a parameter
_DESKTOPS = f"""
SELECT id, member, name, platform, started_at, last_seen_at, now() - last_seen_at,
       current_database()
FROM {SCHEMA}.desktops ORDER BY name, id
"""  # noqa: S608


@dataclass(frozen=True, slots=True)
class DesktopInfo:
    id: uuid.UUID
    member: str  # the member's login
    member_name: str  # the person's name ("" for a login that is not a member's)
    name: str
    platform: str
    started_at: datetime
    last_seen_at: datetime
    # On the server's clock when read: a desktop's own clock may be off by minutes.
    silent_for: timedelta


def heartbeat(conn: psycopg.Connection, desktop_id: uuid.UUID, name: str, platform: str) -> None:
    """Say this desktop is alive (its row is added the first time); the caller commits, or
    passes a connection in autocommit. Only the member's own desktops may be heartbeaten."""
    conn.execute(_HEARTBEAT, (desktop_id, name, platform))


def desktops(conn: psycopg.Connection) -> list[DesktopInfo]:
    """Every desktop of the team, by name."""
    found = []
    for row in conn.execute(_DESKTOPS).fetchall():
        desktop_id, member, name, platform, started_at, last_seen_at, silent_for, database = row
        found.append(
            DesktopInfo(
                id=desktop_id,
                member=member,
                member_name=RoleNames(role_prefix(database)).member_name(member),
                name=name,
                platform=platform,
                started_at=started_at,
                last_seen_at=last_seen_at,
                silent_for=silent_for,
            )
        )
    return found


def live_desktops(found: Iterable[DesktopInfo], takeover_after: timedelta) -> list[uuid.UUID]:
    """The desktops heard within ``takeover_after``: those a seller's schedule may run on."""
    return [desktop.id for desktop in found if desktop.silent_for <= takeover_after]


def runs_schedule_here(
    seller_id: uuid.UUID,
    home_desktop: uuid.UUID | None,
    me: uuid.UUID,
    live: Sequence[uuid.UUID],
) -> bool:
    """Whether desktop ``me`` runs the seller's scheduled syncs now.

    The home desktop runs them while it is live; a silent home's sellers (and a seller without
    a home) go to the live desktop whose id ranks first by rendezvous hashing: the highest
    sha256 of the seller's id and the desktop's id. Every desktop computes the same answer from
    the same data, so exactly one of them takes a silent home's seller over, and the home takes
    it back as soon as it is heard again; a desktop joining or leaving moves only the sellers
    it wins or held, not everyone's.

    ``me`` counts as live whatever ``live`` says: a desktop that runs this is alive, and its
    own heartbeat may simply not have reached the server. A home desktop cut off from the
    server thus keeps its sellers' schedule going (the server is never a dependency of a sync),
    and at worst two desktops try the same seller; its lease lets one through when the server
    can be reached.
    """
    candidates = {*live, me}
    if home_desktop is not None and home_desktop in candidates:
        return home_desktop == me
    return max(candidates, key=lambda desktop: _rank(seller_id, desktop)) == me


def _rank(seller_id: uuid.UUID, desktop_id: uuid.UUID) -> bytes:
    return hashlib.sha256(seller_id.bytes + desktop_id.bytes).digest()
