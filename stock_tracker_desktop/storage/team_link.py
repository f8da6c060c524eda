"""This desktop's membership of a team: the one ``team_link`` row (docs/team.md).

While the row exists, local writes add outbox rows (storage.outbox). Joining saves it and
enqueues everything the desktop holds in one transaction (``join``); leaving removes it, then
empties the outbox (``remove``, then ``outbox.clear``: once the link is gone no write adds a row
behind the clearing). Every updater is a no-op on a solo desktop.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, literal, select, update

from stock_tracker_desktop.storage import outbox
from stock_tracker_desktop.storage.database import write_transaction
from stock_tracker_desktop.storage.models import TeamLink, UtcDateTime

_ONLY_ROW = 1  # the table's CHECK (id = 1)


@dataclass(frozen=True, slots=True)
class TeamLinkRecord:
    """The ``team_link`` row: where the team's server is, who this desktop is in it, and how
    far pushing and pulling have got."""

    team: str
    host: str
    port: int
    database: str
    login: str
    role: str  # viewer | user | admin | owner
    desktop_id: uuid.UUID
    joined_at: datetime
    key_version: int | None = None
    pull_cursor: str = ""  # a PostgreSQL xid8 as text; "" before the first pull
    last_push_at: datetime | None = None
    last_pull_at: datetime | None = None
    server_away_since: datetime | None = None
    last_error: str = ""


_COLUMNS = tuple(getattr(TeamLink, spec.name) for spec in fields(TeamLinkRecord))


def get(engine: Engine) -> TeamLinkRecord | None:
    """The link, or None on a solo desktop."""
    with engine.connect() as conn:
        row = conn.execute(select(*_COLUMNS)).first()
    return TeamLinkRecord(*row) if row else None


def save(engine: Engine, record: TeamLinkRecord) -> None:
    """Write the link, replacing the one there was."""
    with write_transaction(engine) as conn:
        _write(conn, record)


def join(engine: Engine, record: TeamLinkRecord) -> int:
    """Save the link and enqueue everything the desktop holds (the full first push) in one
    transaction, so that no snapshot or run a sync records meanwhile lands in the queue ahead
    of its seller's row. Returns how many rows were enqueued."""
    with write_transaction(engine) as conn:
        _write(conn, record)
        return outbox.enqueue_everything(conn)


def _write(conn: Connection, record: TeamLinkRecord) -> None:
    conn.execute(insert(TeamLink).prefix_with("OR REPLACE").values(id=_ONLY_ROW, **asdict(record)))


def remove(engine: Engine) -> None:
    """The desktop is in no team any more: writes stop adding outbox rows."""
    with write_transaction(engine) as conn:
        conn.execute(delete(TeamLink))


def note_cycle(engine: Engine, cursor: str, at: datetime, *, pushed: bool) -> None:
    """A cycle with the server ended at ``at``: the next pull reads from ``cursor``, the server
    answered (it is not away, its error is past), and it took a push if ``pushed``."""
    values: dict[str, Any] = {"pull_cursor": cursor, "last_pull_at": at,
                              "server_away_since": None, "last_error": ""}  # fmt: skip
    if pushed:
        values["last_push_at"] = at
    _update(engine, **values)


def note_server_away(engine: Engine, since: datetime, error: str) -> None:
    """The server did not answer; ``since`` counts only if it was answering until now, so that
    the window says how long it has been away, not when it last failed."""
    first = func.coalesce(TeamLink.server_away_since, literal(since, UtcDateTime()))
    _update(engine, server_away_since=first, last_error=error)


def set_role(engine: Engine, role: str) -> None:
    """The server says this member's group changed."""
    _update(engine, role=role)


def set_key_version(engine: Engine, version: int) -> None:
    _update(engine, key_version=version)


def _update(engine: Engine, **values: Any) -> None:
    with write_transaction(engine) as conn:
        conn.execute(update(TeamLink).values(**values))
