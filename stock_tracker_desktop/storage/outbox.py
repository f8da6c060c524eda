"""The transactional outbox: the local changes the team's server is still to learn of
(docs/team.md, "Moving data").

A row names an entity that changed (a seller, a run, a snapshot), not the change: the pusher
reads the entity as it is when it pushes, so an entity gone since means a deletion to push (a
seller) or nothing left to push (a pruned run or snapshot, those of a deleted seller). A row is
added in the transaction of the local write it stands for, so a crash never keeps one without
the other, and only while the desktop belongs to a team (a ``team_link`` row): one
``INSERT ... SELECT ... WHERE EXISTS (SELECT 1 FROM team_link)``, which on a solo desktop adds
nothing and costs a look at an empty table.

What enqueues, and nothing else does:

- ``snapshot_writer.publish_snapshot``, and ``write_snapshot`` of a complete snapshot unless
  told ``share=False``: SNAPSHOT;
- ``sync_runs.finish_run`` (so ``SyncRunRepository.finish`` and publishing), and a run marked
  interrupted (``SyncRunRepository.start`` and ``mark_interrupted``): RUN;
- ``services.tenants.TenantService`` ``add``, ``edit``, ``set_archived`` and ``remove``: SELLER.
  What a sync learns of a seller (``record_seller_name``, ``record_credentials_expiry``)
  travels with its snapshot instead;
- ``enqueue_everything``, once, at join (``team_link.join``).

The puller writes other desktops' changes without enqueueing (storage.team_mirror: its own
statements, and ``write_snapshot(..., share=False)``), so they do not come back as this
desktop's own; the models and ``TenantRepository`` never enqueue either.

A run has at most one row (the unique index ``ix_outbox_run``): recording it again replaces its
row with a new one at the end of the queue. A sync that succeeds records its run twice, at
publishing and after its exports (which may still change the status); the pusher then reads the
final state, and a pusher that pushed the older state meanwhile deletes nothing when it marks
the old ``seq`` done, so the newer state is not lost. Other kinds keep one row per change: a
seller's first row must stay ahead of the rows of its runs and snapshots.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, Engine, Uuid, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from stock_tracker_desktop.domain.runs import RunStatus
from stock_tracker_desktop.storage.database import write_transaction
from stock_tracker_desktop.storage.models import OutboxRow, Tenant, UtcDateTime, utcnow


class OutboxKind(StrEnum):
    SELLER = "seller"
    RUN = "run"
    SNAPSHOT = "snapshot"


_IN_A_TEAM = "EXISTS (SELECT 1 FROM team_link)"
# OR REPLACE: only a run's second row conflicts (ix_outbox_run), and replaces the first.
_ADD = "INSERT OR REPLACE INTO outbox (kind, tenant_id, entity_id, created_at)"
_AT = bindparam("at", type_=UtcDateTime())
_ENQUEUE = text(f"{_ADD} SELECT :kind, :tenant, :entity, :at WHERE {_IN_A_TEAM}").bindparams(
    bindparam("tenant", type_=Uuid()), bindparam("entity", type_=Uuid()), _AT
)
_ENQUEUE_RUN = text(
    f"{_ADD} SELECT :kind, tenant_id, id, :at FROM sync_runs"  # noqa: S608 (constants only)
    f" WHERE id = :run AND {_IN_A_TEAM}"
).bindparams(bindparam("run", type_=Uuid()), _AT)
_ENQUEUE_SELLERS = text(
    f"{_ADD} SELECT :kind, id, id, :at FROM tenants WHERE {_IN_A_TEAM} ORDER BY id"  # noqa: S608
).bindparams(_AT)
# Per tenant, its finished runs as they started, then its current snapshot (the newest complete
# one, as snapshots.current_snapshot reads it).
_ENQUEUE_HISTORIES = text(
    f"{_ADD} SELECT kind, tenant_id, entity_id, :at FROM ("  # noqa: S608 (constants only)
    " SELECT :run_kind AS kind, tenant_id, id AS entity_id, 0 AS part, started_at AS moment"
    " FROM sync_runs WHERE status != :running"
    " UNION ALL SELECT :snapshot_kind, t.id, s.id, 1, s.taken_at FROM tenants t"
    " JOIN snapshots s ON s.id = (SELECT c.id FROM snapshots c WHERE c.tenant_id = t.id"
    " AND c.complete = 1 ORDER BY c.taken_at DESC LIMIT 1)"
    f") WHERE {_IN_A_TEAM} ORDER BY tenant_id, part, moment"
).bindparams(_AT)


def enqueue(
    conn: Connection | Session, kind: OutboxKind, tenant_id: uuid.UUID, entity_id: uuid.UUID
) -> None:
    """Add a row inside the caller's write transaction (a Connection, or the ORM Session that
    holds one); nothing on a solo desktop."""
    conn.execute(
        _ENQUEUE, {"kind": kind.value, "tenant": tenant_id, "entity": entity_id, "at": utcnow()}
    )


def enqueue_run(conn: Connection, run_id: uuid.UUID) -> None:
    """``enqueue`` of a run's RUN row, its tenant read from ``sync_runs`` by the same statement."""
    conn.execute(_ENQUEUE_RUN, {"kind": OutboxKind.RUN.value, "run": run_id, "at": utcnow()})


def enqueue_everything(conn: Connection) -> int:
    """The full first push, inside the caller's transaction (the one that saves the team link):
    a SELLER row per tenant, archived ones too, then per tenant a RUN row per finished run and
    a SNAPSHOT row for its current snapshot. Returns how many rows were added."""
    at = utcnow()
    sellers = conn.execute(_ENQUEUE_SELLERS, {"kind": OutboxKind.SELLER.value, "at": at})
    histories = conn.execute(
        _ENQUEUE_HISTORIES,
        {
            "run_kind": OutboxKind.RUN.value,
            "snapshot_kind": OutboxKind.SNAPSHOT.value,
            "running": RunStatus.RUNNING.value,
            "at": at,
        },
    )
    return sellers.rowcount + histories.rowcount


# ----- the pusher's side -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    seq: int
    kind: OutboxKind
    tenant_id: uuid.UUID
    entity_id: uuid.UUID
    created_at: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class Backlog:
    """What is left to push: ``pending`` rows, the oldest added at ``oldest``, and ``failed``
    ones that wait for a retry."""

    pending: int
    failed: int
    oldest: datetime | None = None


def waiting_sellers(conn: Connection) -> set[uuid.UUID]:
    """Sellers with a change of this desktop's still to push, inside the caller's transaction:
    the puller leaves them as they are here (the change is the newer one, and goes out soon). A
    refused change (failed) does not hold back the team's version."""
    query = select(OutboxRow.tenant_id).where(
        OutboxRow.kind == OutboxKind.SELLER.value, OutboxRow.failed_at.is_(None)
    )
    return set(conn.scalars(query))


def pending(engine: Engine, limit: int) -> list[OutboxEntry]:
    """The next rows to push, oldest first; failed ones are left out until ``retry_failed``."""
    query = (
        select(
            OutboxRow.seq,
            OutboxRow.kind,
            OutboxRow.tenant_id,
            OutboxRow.entity_id,
            OutboxRow.created_at,
            OutboxRow.attempts,
        )
        .where(OutboxRow.failed_at.is_(None))
        .order_by(OutboxRow.seq)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [
            OutboxEntry(seq, OutboxKind(kind), tenant_id, entity_id, created_at, attempts)
            for seq, kind, tenant_id, entity_id, created_at, attempts in conn.execute(query)
        ]


def mark_done(engine: Engine, seqs: Sequence[int]) -> None:
    """The server holds these rows' changes: they go. A seq no longer there (a run's row
    replaced meanwhile) is skipped."""
    if not seqs:
        return
    with write_transaction(engine) as conn:
        conn.execute(delete(OutboxRow).where(OutboxRow.seq.in_(seqs)))


def mark_failed(engine: Engine, seq: int, error: str) -> None:
    """A failure that retrying will not cure (a constraint, a permission): the row waits, with
    its error shown, and holds up no other seller."""
    with write_transaction(engine) as conn:
        conn.execute(
            update(OutboxRow)
            .where(OutboxRow.seq == seq)
            .values(failed_at=utcnow(), error=error, attempts=OutboxRow.attempts + 1)
        )


def record_attempt(engine: Engine, seqs: Sequence[int], error: str) -> None:
    """A try that did not get through (the server away): the rows stay pending."""
    if not seqs:
        return
    with write_transaction(engine) as conn:
        conn.execute(
            update(OutboxRow)
            .where(OutboxRow.seq.in_(seqs))
            .values(attempts=OutboxRow.attempts + 1, error=error)
        )


def backlog(engine: Engine) -> Backlog:
    is_pending = OutboxRow.failed_at.is_(None)
    query = select(
        func.count().filter(is_pending),
        func.count().filter(~is_pending),
        func.min(OutboxRow.created_at).filter(is_pending),
    )
    with engine.connect() as conn:
        waiting, failed, oldest = conn.execute(query).one()
    return Backlog(pending=waiting, failed=failed, oldest=oldest)


@dataclass(frozen=True, slots=True)
class FailedEntry:
    """A row the server refused for good, as the window and ``team status`` show it."""

    seq: int
    kind: OutboxKind
    tenant: str  # "" for a seller deleted here since
    failed_at: datetime
    error: str


def failed(engine: Engine) -> list[FailedEntry]:
    query = (
        select(OutboxRow.seq, OutboxRow.kind, Tenant.name, OutboxRow.failed_at, OutboxRow.error)
        .outerjoin(Tenant, Tenant.id == OutboxRow.tenant_id)
        .where(OutboxRow.failed_at.is_not(None))
        .order_by(OutboxRow.seq)
    )
    with engine.connect() as conn:
        return [
            FailedEntry(seq, OutboxKind(kind), name or "", at or utcnow(), error)
            for seq, kind, name, at, error in conn.execute(query)
        ]


def retry_failed(engine: Engine) -> int:
    """Every failed row is pending again (the window's "retry"); returns how many."""
    with write_transaction(engine) as conn:
        result = conn.execute(
            update(OutboxRow).where(OutboxRow.failed_at.is_not(None)).values(failed_at=None)
        )
    return result.rowcount or 0


def clear(engine: Engine) -> None:
    """Empty the outbox: the desktop left its team (after ``team_link.remove``, so that no
    write adds a row behind it)."""
    with write_transaction(engine) as conn:
        conn.execute(delete(OutboxRow))
