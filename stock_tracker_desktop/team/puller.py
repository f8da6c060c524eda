"""Bringing the other desktops' changes into the local store (docs/team.md, "Moving data").

One pull reads, in one REPEATABLE READ transaction, what changed since the last pull's cursor
(``changed_xid >= cursor``) and the transaction's ``pg_snapshot_xmin`` as the next cursor: a
transaction still open while this one reads has an xid at or above that xmin, so its rows come
in the next pull; a row may come twice, and applying it again changes nothing.

What arrives is written to the local store without entering the outbox (it came from the server):
sellers (their secrets opened with the team key and sealed again under this desktop's vault;
a viewer gets none), each seller's current figures as a local snapshot with the server's
snapshot id, and the runs other desktops recorded. A seller this desktop has changed and not yet
pushed keeps the local change until it is pushed.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from stock_tracker_desktop.storage import team_mirror, team_rows
from stock_tracker_desktop.storage.snapshots import SnapshotInfo
from stock_tracker_desktop.storage.team_mirror import MirroredSeller, MirroredSnapshot
from stock_tracker_desktop.storage.team_rows import SharedState
from stock_tracker_desktop.team.member_keys import MemberKeyPair, unwrap_team_key
from stock_tracker_desktop.team.team_key import TeamKey, TeamKeyError, blob_version, open_secrets

log = logging.getLogger(__name__)
LocalRunner = Callable[[Callable[[], Any]], Any]

_SELLERS = f"SELECT id, {', '.join(team_rows.SELLER_FIELDS)}, deleted_at FROM sellers"  # noqa: S608
# In the order of SnapshotInfo's fields, then what the state carries beside the snapshot.
_STATES = (
    "SELECT snapshot_id, seller_id, taken_at, window_start, window_end, window_days, "
    "threshold_days, seller_name, token_expires_at FROM seller_state"
)
_RUNS = f"SELECT id, seller_id, {', '.join(team_rows.RUN_FIELDS)} FROM sync_runs"  # noqa: S608


@dataclass
class PullReport:
    cursor: str
    sellers: int = 0
    snapshots: int = 0
    runs: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.sellers or self.snapshots or self.runs)


class Puller:
    """Pulls for one member's desktop.

    ``seal`` seals secrets under this desktop's vault; ``team_key`` opens the server's
    ciphertexts (None for a viewer); ``member_key`` unwraps a rotated team key from the grants.
    ``on_new_key`` is told of a team key this pull learned (to keep in the vault).
    """

    def __init__(
        self,
        database: Any,
        seal: Callable[[dict[str, str]], bytes],
        team_key: TeamKey | None,
        member_key: MemberKeyPair | None,
        desktop_id: uuid.UUID,
        *,
        keep_snapshots: Callable[[], int],
        on_new_key: Callable[[TeamKey], None] = lambda _key: None,
        local: LocalRunner = lambda call: call(),
    ) -> None:
        self.database = database
        self.seal = seal
        self.team_key = team_key
        self.member_key = member_key
        self.desktop_id = desktop_id
        self.keep_snapshots = keep_snapshots
        self.on_new_key = on_new_key
        self._local = local

    def pull(self, conn: psycopg.Connection, cursor: str) -> PullReport:
        since, params = ("", ()) if not cursor else (" WHERE changed_xid >= %s::xid8", (cursor,))
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            xmin = conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()
            sellers = conn.execute(_SELLERS + since, params).fetchall()
            secrets = self._secrets(conn, since, params)
            states = conn.execute(_STATES + since, params).fetchall()
            snapshots = [self._snapshot(conn, row) for row in states if self._is_new(row)]
            runs = conn.execute(
                _RUNS + (since + " AND" if since else " WHERE") + " desktop_id IS DISTINCT FROM %s",
                (*params, self.desktop_id),
            ).fetchall()
        assert xmin is not None
        report = PullReport(str(xmin[0]))
        mirrored = [self._seller(row, secrets, report) for row in sellers]
        placeholder = self.seal({}) if mirrored else b""
        clashes: list[str] = []
        report.sellers = self._local(
            lambda: team_mirror.apply_sellers(self.database, mirrored, placeholder, clashes)
        )
        report.problems += [
            f"{name}: a seller of this desktop has the team seller's name; rename one of them"
            for name in clashes
        ]
        keep = self.keep_snapshots()
        for snapshot in snapshots:
            self._local(
                functools.partial(team_mirror.apply_snapshot, self.database, snapshot, keep)
            )
        report.snapshots = len(snapshots)
        report.runs = self._local(lambda: team_mirror.apply_runs(self.database, runs))
        for problem in report.problems:
            log.warning("a change of the team's was not applied here: %s", problem)
        return report

    def _secrets(
        self, conn: psycopg.Connection, since: str, params: tuple[str, ...]
    ) -> dict[uuid.UUID, bytes]:
        if self.team_key is None:
            return {}
        rows = conn.execute(
            "SELECT seller_id, ciphertext FROM seller_secrets" + since,  # noqa: S608 (a constant)
            params,
        ).fetchall()
        found = {row[0]: bytes(row[1]) for row in rows}
        newest = max((blob_version(blob) for blob in found.values()), default=0)
        if newest > self.team_key.version:
            self._learn_key(conn, newest)
        return found

    def _learn_key(self, conn: psycopg.Connection, version: int) -> None:
        """The owner rotated the team key: this member's grant of it, unwrapped."""
        row = conn.execute(
            "SELECT wrapped FROM key_grants WHERE member = current_user AND key_version = %s",
            (version,),
        ).fetchone()
        if row is None or self.member_key is None:
            log.warning("team key v%s is in use but not granted to this member yet", version)
            return
        self.team_key = unwrap_team_key(self.member_key, conn.info.user, bytes(row[0]))
        self.on_new_key(self.team_key)

    def _is_new(self, state: tuple[Any, ...]) -> bool:
        return not self._local(lambda: team_mirror.has_snapshot(self.database, state[0]))

    @staticmethod
    def _snapshot(conn: psycopg.Connection, state: tuple[Any, ...]) -> MirroredSnapshot:
        seller = state[1]

        def rows(table: str, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
            return conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE seller_id = %s",  # noqa: S608
                (seller,),
            ).fetchall()

        *info, seller_name, expires = state
        return MirroredSnapshot(
            state=SharedState(SnapshotInfo(*info), seller_name, expires),
            products=rows("products", team_rows.PRODUCT_FIELDS),
            levels=rows("stock", team_rows.LEVEL_FIELDS),
            order_days=rows("order_days", team_rows.ORDER_DAY_FIELDS),
        )

    def _seller(
        self, row: tuple[Any, ...], secrets: dict[uuid.UUID, bytes], report: PullReport
    ) -> MirroredSeller:
        seller_id = row[0]
        fields = dict(zip(team_rows.SELLER_FIELDS, row[1:-1], strict=True))
        credentials = None
        blob = secrets.get(seller_id)
        if blob is not None and self.team_key is not None:
            try:
                credentials = self.seal(open_secrets(self.team_key, seller_id, blob))
            except TeamKeyError as exc:
                report.problems.append(f"{fields['name']}: {exc}")
        return MirroredSeller(
            seller_id, fields, deleted=row[-1] is not None, credentials=credentials
        )
