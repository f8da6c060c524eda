"""Draining the outbox into the shared schema (docs/team.md, "Moving data").

Entries go in ``seq`` order, one seller at a time, each seller's entries in one PostgreSQL
transaction with a savepoint per entry. Every write is an idempotent upsert or a replacement
keyed by the UUIDs and the natural keys, so an entry pushed twice (the desktop died after the
server committed and before the outbox forgot the entry) has the effect of one push.

- A seller's entries in one batch collapse: its current state is pushed once, and only its
  newest snapshot (the server keeps the current figures, not each snapshot).
- A refusal (a permission, a constraint) is recorded on that entry and shown; the seller's
  other entries and the other sellers go on. A failure of the connection ends the drain: the
  server is away, and the same entries are tried again when it is back.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Engine

from stock_tracker_desktop.storage import outbox, team_rows
from stock_tracker_desktop.storage.outbox import OutboxEntry, OutboxKind
from stock_tracker_desktop.team.connection import (
    Failure,
    failure_of,
    is_permission_denied,
)
from stock_tracker_desktop.team.names import RoleNeeded, TeamAction, TeamRole
from stock_tracker_desktop.team.team_key import TeamKey, seal_secrets

log = logging.getLogger(__name__)
T = TypeVar("T")
# Runs a call on the local database's thread and returns its result (the team's thread waits).
LocalRunner = Callable[[Callable[[], Any]], Any]
# Starts such a call and returns at once (None: the store is read only when needed).
LocalStarter = Callable[[Callable[[], Any]], "Future[Any]"]
BATCH = 500
_ACTION_OF_KIND = {
    OutboxKind.SELLER: TeamAction.CHANGE_SELLERS,
    OutboxKind.RUN: TeamAction.SYNC,
    OutboxKind.SNAPSHOT: TeamAction.SYNC,
}
_FIGURE_TABLES = (*team_rows.FIGURE_TABLES, "seller_state")


def _columns(names: Iterable[str]) -> str:
    return ", ".join(names)


_UPSERT_SELLER = (
    f"INSERT INTO sellers (id, {_columns(team_rows.SELLER_FIELDS)}, home_desktop) "  # noqa: S608
    f"VALUES (%s, {', '.join(['%s'] * len(team_rows.SELLER_FIELDS))}, %s) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{name} = EXCLUDED.{name}" for name in team_rows.SELLER_FIELDS)
    + ", deleted_at = NULL, updated_at = now(), updated_by = current_user"
)
_UPSERT_SECRETS = (
    "INSERT INTO seller_secrets (seller_id, key_version, ciphertext) VALUES (%s, %s, %s) "
    "ON CONFLICT (seller_id) DO UPDATE SET key_version = EXCLUDED.key_version, "
    "ciphertext = EXCLUDED.ciphertext, updated_by = current_user"
)
_UPSERT_RUN = (
    f"INSERT INTO sync_runs (id, seller_id, desktop_id, {_columns(team_rows.RUN_FIELDS)}) "  # noqa: S608
    f"VALUES (%s, %s, %s, {', '.join(['%s'] * len(team_rows.RUN_FIELDS))}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{name} = EXCLUDED.{name}" for name in team_rows.RUN_FIELDS)
)
_UPSERT_STATE = (
    "INSERT INTO seller_state (seller_id, snapshot_id, taken_at, window_start, window_end, "
    "window_days, threshold_days, seller_name, token_expires_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (seller_id) DO UPDATE SET "
    "snapshot_id = EXCLUDED.snapshot_id, taken_at = EXCLUDED.taken_at, "
    "window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, "
    "window_days = EXCLUDED.window_days, threshold_days = EXCLUDED.threshold_days, "
    "seller_name = EXCLUDED.seller_name, token_expires_at = EXCLUDED.token_expires_at, "
    "pushed_by = current_user, pushed_at = now()"
)


@dataclass(frozen=True, slots=True)
class PushReport:
    pushed: int = 0  # entries whose effect is on the server now (collapsed ones included)
    refused: int = 0  # entries the server refused for good (recorded on the entry)

    def __add__(self, other: PushReport) -> PushReport:
        return PushReport(self.pushed + other.pushed, self.refused + other.refused)


def _plan(entries: Sequence[OutboxEntry]) -> dict[uuid.UUID, tuple[list[OutboxEntry], list[int]]]:
    """Per seller, in order of first appearance: the entries to push and the ones a later
    entry of the batch makes moot (an older state of the seller, an older snapshot)."""
    plans: dict[uuid.UUID, tuple[list[OutboxEntry], list[int]]] = {}
    last: dict[tuple[uuid.UUID, OutboxKind], int] = {}
    for entry in entries:
        if entry.kind is not OutboxKind.RUN:
            last[(entry.tenant_id, entry.kind)] = entry.seq
    for entry in entries:
        push, moot = plans.setdefault(entry.tenant_id, ([], []))
        if entry.kind is OutboxKind.SELLER and any(e.kind is OutboxKind.SELLER for e in push):
            moot.append(entry.seq)  # the seller's state is read when pushed: once is enough
        elif entry.kind is OutboxKind.SNAPSHOT and last[(entry.tenant_id, entry.kind)] != entry.seq:
            moot.append(entry.seq)
        else:
            push.append(entry)
    return plans


class Pusher:
    """Pushes this desktop's outbox with one member's connection.

    ``decrypt`` opens a local credentials blob (the vault's); ``team_key`` seals it for the
    server (None for a viewer, who pushes nothing but is refused by the server anyway).
    ``local`` runs each read and write of the local store on its database thread; the rows a
    seller's push needs are read whole first (a seller's figures are thousands of rows, never
    the whole store), and the connection to the server is this thread's alone. ``local_soon``
    starts such a call without waiting, for reading the next seller ahead.
    """

    def __init__(
        self,
        database: Engine,
        decrypt: Callable[[bytes], dict[str, str]],
        team_key: TeamKey | None,
        desktop_id: uuid.UUID,
        role: TeamRole,
        *,
        local: LocalRunner = lambda call: call(),
        local_soon: LocalStarter | None = None,
        batch: int = BATCH,
    ) -> None:
        self.database = database
        self.decrypt = decrypt
        self.team_key = team_key
        self.desktop_id = desktop_id
        self.role = role
        self.batch = batch
        self._local = local
        self._local_soon = local_soon
        self._ahead: dict[uuid.UUID, Future[Any]] = {}

    def _read(self, fn: Callable[..., T], *args: Any) -> T:
        result: T = self._local(lambda: fn(self.database, *args))
        return result

    def drain(self, conn: psycopg.Connection) -> PushReport:
        """Push until the outbox holds only refused entries. A connection failure raises
        (psycopg.Error), leaving the entries not yet committed in the outbox."""
        report = PushReport()
        try:
            while entries := self._read(outbox.pending, self.batch):
                plans = list(_plan(entries).items())
                for index, (tenant_id, (push, moot)) in enumerate(plans):
                    if index + 1 < len(plans):
                        self._read_ahead(plans[index + 1][1][0])
                    report += self._push_seller_entries(conn, tenant_id, push, moot)
        finally:
            self._ahead.clear()
        return report

    def _push_seller_entries(
        self,
        conn: psycopg.Connection,
        tenant_id: uuid.UUID,
        push: list[OutboxEntry],
        moot: list[int],
    ) -> PushReport:
        done, refused = list(moot), []
        with conn.transaction():
            # Two desktops pushing the same seller's figures take turns: each replaces them
            # whole. A lock for this transaction only: a pooler in transaction mode keeps it.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (str(tenant_id),))
            for entry in push:
                try:
                    with conn.transaction():
                        self._push(conn, entry)
                except psycopg.Error as exc:
                    if failure_of(exc) is not Failure.REFUSED:
                        self._read(outbox.record_attempt, [e.seq for e in push], str(exc))
                        raise
                    refused.append((entry.seq, self._refusal(entry, exc)))
                    log.warning(
                        "the team's server refused %s of %s: %s",
                        entry.kind.value,
                        tenant_id,
                        refused[-1][1],
                    )
                else:
                    done.append(entry.seq)
        self._read(outbox.mark_done, done)
        for seq, error in refused:
            self._read(outbox.mark_failed, seq, error)
        return PushReport(len(done), len(refused))

    def _refusal(self, entry: OutboxEntry, exc: psycopg.Error) -> str:
        if is_permission_denied(exc):
            return str(RoleNeeded(_ACTION_OF_KIND[entry.kind], self.role))
        if exc.sqlstate == "23505" and entry.kind is OutboxKind.SELLER:
            return "the team has another seller of this name: rename one of them"
        if exc.sqlstate == "23503":
            return "the team does not have this seller: an admin adds it first"
        return exc.diag.message_primary or type(exc).__name__

    def _push(self, conn: psycopg.Connection, entry: OutboxEntry) -> None:
        if entry.kind is OutboxKind.SELLER:
            self._push_seller(conn, entry.tenant_id)
        elif entry.kind is OutboxKind.RUN:
            self._push_run(conn, entry.tenant_id, entry.entity_id)
        else:
            self._push_snapshot(conn, entry.entity_id)

    def _push_seller(self, conn: psycopg.Connection, tenant_id: uuid.UUID) -> None:
        row = self._read(team_rows.seller_row, tenant_id)
        if row is None:
            self._push_deletion(conn, tenant_id)
            return
        conn.execute(_UPSERT_SELLER, (tenant_id, *row.fields.values(), self.desktop_id))
        if self.team_key is not None:
            sealed = seal_secrets(self.team_key, tenant_id, self.decrypt(row.credentials))
            conn.execute(_UPSERT_SECRETS, (tenant_id, self.team_key.version, sealed))

    @staticmethod
    def _push_deletion(conn: psycopg.Connection, tenant_id: uuid.UUID) -> None:
        """A tombstone, so every desktop learns of it; the figures and the secret go."""
        conn.execute(
            "UPDATE sellers SET deleted_at = now(), updated_at = now(), "
            "updated_by = current_user WHERE id = %s AND deleted_at IS NULL",
            (tenant_id,),
        )
        conn.execute("DELETE FROM seller_secrets WHERE seller_id = %s", (tenant_id,))
        for table in _FIGURE_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE seller_id = %s", (tenant_id,))  # noqa: S608

    def _push_run(self, conn: psycopg.Connection, tenant_id: uuid.UUID, run_id: uuid.UUID) -> None:
        values = self._read(team_rows.run_row, run_id)
        if values is not None:  # pruned here meanwhile, or running again (pushed at its end)
            conn.execute(_UPSERT_RUN, (run_id, tenant_id, self.desktop_id, *values.values()))

    def _push_snapshot(self, conn: psycopg.Connection, snapshot_id: uuid.UUID) -> None:
        figures = self._figures(snapshot_id)
        if figures is None:
            return  # pruned: a newer snapshot's entry follows
        state = figures.state
        header = state.snapshot
        seller = header.tenant_id
        current = conn.execute(
            "SELECT snapshot_id, taken_at FROM seller_state WHERE seller_id = %s", (seller,)
        ).fetchone()
        if current is not None and (current[0] == snapshot_id or current[1] >= header.taken_at):
            return  # the server has it, or newer figures from another desktop
        for table, columns in team_rows.FIGURE_TABLES.items():
            conn.execute(f"DELETE FROM {table} WHERE seller_id = %s", (seller,))  # noqa: S608
            _copy(conn, table, columns, seller, figures.rows[table])
        conn.execute(
            _UPSERT_STATE,
            (
                seller,
                snapshot_id,
                header.taken_at,
                header.window_start,
                header.window_end,
                header.window_days,
                header.threshold_days,
                state.seller_name,
                state.token_expires_at,
            ),
        )

    def _figures(self, snapshot_id: uuid.UUID) -> team_rows.SnapshotFigures | None:
        """The snapshot's rows: read ahead while the seller before it was pushed, if it was."""
        ahead = self._ahead.pop(snapshot_id, None)
        if ahead is not None:
            figures: team_rows.SnapshotFigures | None = ahead.result()
            return figures
        return self._read(team_rows.snapshot_figures, snapshot_id)

    def _read_ahead(self, push: list[OutboxEntry]) -> None:
        """Start reading the next seller's snapshot on the local database's thread, so that it
        is read while this seller's rows go to the server (a first push of a hundred sellers
        spends a third of its time reading the local store)."""
        if self._local_soon is None:
            return
        for entry in push:
            if entry.kind is OutboxKind.SNAPSHOT and entry.entity_id not in self._ahead:
                read = functools.partial(team_rows.snapshot_figures, self.database, entry.entity_id)
                self._ahead[entry.entity_id] = self._local_soon(read)


def _copy(
    conn: psycopg.Connection,
    table: str,
    columns: Sequence[str],
    seller: uuid.UUID,
    rows: Iterable[Sequence[Any]],
) -> None:
    """Rows into ``table`` at COPY speed. PostgreSQL refuses COPY FROM into a table under
    row-level security, so the rows are copied into a temporary table of this session first
    (no policies there) and inserted from it in one statement, which the policies check."""
    staging = f"push_{table}"
    listed = f"seller_id, {_columns(columns)}"
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table}) ON COMMIT DELETE ROWS")
    types = _column_types(conn, table)
    statement = f"COPY {staging} ({listed}) FROM STDIN (FORMAT BINARY)"
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(["uuid", *(types[name] for name in columns)])
        for row in rows:
            copy.write_row((seller, *row))
    # The staging rows go at commit (ON COMMIT DELETE ROWS), or with the savepoint of an entry
    # that failed: each transaction pushes one snapshot per seller, so nothing is left over.
    conn.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {staging}")  # noqa: S608


_TYPES: dict[str, dict[str, str]] = {}


def _column_types(conn: psycopg.Connection, table: str) -> dict[str, str]:
    """The table's column types as the shared schema defines them (read once per process)."""
    if table not in _TYPES:
        rows = conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            (table,),
        ).fetchall()
        _TYPES[table] = {str(name): str(kind) for name, kind in rows}
    return _TYPES[table]
