"""One sync's snapshot, written while the sync runs (the steps: ``snapshot_writer``).

The sync begins the snapshot once products and stock are in, adds order lines as their pages
arrive and publishes it at the end; a failed or cancelled run discards it. Every write goes
through the caller's database executor, so the event loop never blocks on one.

Beginning and discarding finish a database step they started whatever cancels the task
meanwhile (``run_to_end``): a pending snapshot the stream lost track of would stay in the
database until the next start-up, and a half-done step is worse than finishing one that takes
milliseconds. Publishing records the run's outcome with the snapshot, so its caller awaits it
shielded the same way and then reports the run as it was published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Engine

from stock_tracker_desktop.domain.figures import FiguresAggregator
from stock_tracker_desktop.domain.models import Product
from stock_tracker_desktop.storage import snapshot_writer, snapshots
from stock_tracker_desktop.storage.database import DbRunner
from stock_tracker_desktop.storage.snapshot_writer import SnapshotData, WrittenSnapshot
from stock_tracker_desktop.storage.sync_runs import RunOutcome, SyncRunRepository

log = logging.getLogger(__name__)
T = TypeVar("T")


async def run_to_end(awaitable: Awaitable[T]) -> tuple[T, bool]:
    """Await to the end even if cancelled meanwhile; say whether a cancel arrived."""
    task = asyncio.ensure_future(awaitable)
    try:
        return await asyncio.shield(task), False
    except asyncio.CancelledError:
        return await task, True


class SnapshotStream:
    """The snapshot of one run of one tenant, from ``begin`` to ``publish`` or ``discard``.

    ``run`` runs a database call on the database thread (``SyncEngine.in_db``); ``figures`` is
    the run's aggregator, fed by the caller on the event loop's thread: the stream reads from it
    what is new at each step.
    """

    def __init__(
        self,
        run: DbRunner,
        database: Engine,
        tenant_id: uuid.UUID,
        run_id: uuid.UUID,
        figures: FiguresAggregator,
    ) -> None:
        self._run = run
        self._database = database
        self._tenant_id = tenant_id
        self._run_id = run_id
        self._figures = figures
        self._pending: WrittenSnapshot | None = None
        self._lines_written = 0
        self._writing_lines: asyncio.Future[None] | None = None

    async def begin(self, products: Sequence[Product]) -> None:
        """Write the pending snapshot: the catalogue, the levels and the order lines so far.

        Once products and stock are in (the aggregator is compacted here). If the task is
        cancelled meanwhile, the write still ends, and CancelledError is raised after it: the
        snapshot is then pending, for ``discard``.
        """
        figures = self._figures
        figures.compact()
        lines_end = figures.kept_lines
        # The iterators are made here and read on the database thread: they cover what the
        # aggregator holds now, while order pages may still arrive.
        levels, lines = figures.levels(), figures.order_lines(0, lines_end)

        def begin() -> WrittenSnapshot:
            data = SnapshotData(
                tenant_id=self._tenant_id,
                sync_run_id=self._run_id,
                taken_at=datetime.now(UTC),
                window=figures.window,
                threshold_days=figures.threshold,
                products=products,
                levels=list(levels),
                order_lines=list(lines),
            )
            return snapshot_writer.write_snapshot(self._database, data, complete=False)

        pending, cancelled = await run_to_end(self._run(begin))
        self._pending, self._lines_written = pending, lines_end
        if cancelled:
            raise asyncio.CancelledError
        self.add_lines_soon()

    def add_lines_soon(self) -> None:
        """Queue a write of the order lines that arrived since the last one, without waiting
        for it: at most one write is queued at a time, and publishing writes what is left."""
        pending, lines_end = self._pending, self._figures.kept_lines
        busy = self._writing_lines is not None and not self._writing_lines.done()
        if pending is None or busy or lines_end == self._lines_written:
            return
        lines = self._figures.order_lines(self._lines_written, lines_end)
        self._lines_written = lines_end
        self._writing_lines = asyncio.ensure_future(
            self._run(snapshot_writer.add_order_lines, self._database, pending, lines)
        )

    async def publish(
        self, outcome: RunOutcome, *, keep_snapshots: int, keep_history_days: int
    ) -> int:
        """Complete the snapshot and make it the tenant's current one, recording the run's
        ``outcome`` in the same transaction; then prune old snapshots (keep ``keep_snapshots``)
        and the history older than ``keep_history_days``. Returns how many products are low now
        and were not in the previous snapshot.

        After every fetch has ended: the aggregator must no longer change. A failed queued
        write of order lines raises here, before anything is published.
        """
        if self._pending is None:
            raise RuntimeError("a snapshot is published only after it has begun")
        if self._writing_lines is not None:
            await self._writing_lines
        return await self._run(
            self._publish, self._pending, outcome, keep_snapshots, keep_history_days
        )

    def _publish(
        self,
        pending: WrittenSnapshot,
        outcome: RunOutcome,
        keep_snapshots: int,
        keep_history_days: int,
    ) -> int:
        database, figures = self._database, self._figures
        previous = snapshots.current_snapshot(database, self._tenant_id)
        was_low = snapshots.low_stock_products(database, previous.id) if previous else set()
        snapshot_writer.publish_snapshot(
            database,
            pending,
            taken_at=datetime.now(UTC),
            order_figures=figures.order_figures(pending.levels),
            new_levels=list(figures.levels(pending.levels)),
            order_lines=list(figures.order_lines(self._lines_written)),
            finished_run=(self._run_id, outcome),
        )
        snapshots.prune_snapshots(database, self._tenant_id, keep_snapshots)
        SyncRunRepository(database).prune(keep_history_days)
        return len(figures.low_products() - was_low)

    async def discard(self) -> None:
        """Remove the pending snapshot with its rows (the run failed or was cancelled); a
        snapshot never begun leaves nothing to do. Never raises: the run's own failure is what
        counts, and start-up removes what could not be removed here."""
        if self._writing_lines is not None:
            with contextlib.suppress(Exception):
                await run_to_end(self._writing_lines)
        if self._pending is not None:
            try:
                await run_to_end(
                    self._run(snapshot_writer.discard_snapshot, self._database, self._pending.id)
                )
            except Exception:
                log.exception("could not remove the unfinished snapshot of a failed run")
