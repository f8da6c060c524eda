"""SnapshotStream on its own, over a real database and the engine's database thread."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from stock_tracker_desktop.domain.figures import FiguresAggregator
from stock_tracker_desktop.domain.models import OrderLine, Product, StockRow, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantView
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.ids import new_id
from stock_tracker_desktop.storage.snapshot_stream import SnapshotStream
from stock_tracker_desktop.storage.sync_runs import (
    RunOutcome,
    RunStatus,
    SyncRunRepository,
    Trigger,
)
from stock_tracker_desktop.sync.engine import SyncEngine
from tests.exporters.conftest import add_tenant

FBO = WarehouseType.FBO
WINDOW = last_full_days(7)
PRODUCTS = [Product(p, f"A-{p}", f"Shirt {p}", "Brand", "Shirts") for p in ("1", "2")]


def _lines(
    first: int, count: int, product: str = "1", warehouse: str = "Коледино"
) -> list[OrderLine]:
    ordered = WINDOW.start + timedelta(days=1)
    return [
        OrderLine(f"line-{n}", product, warehouse, FBO, ordered)
        for n in range(first, first + count)
    ]


def _figures() -> FiguresAggregator:
    figures = FiguresAggregator(WINDOW, threshold=14.0)
    figures.add_stock(
        [StockRow("1", "1a", "Коледино", FBO, 100), StockRow("2", "2a", "Тула", FBO, 0)]
    )
    return figures


def _counts(database: Engine) -> dict[str, int]:
    queries = {
        "pending": "SELECT count(*) FROM snapshots WHERE complete = 0",
        "complete": "SELECT count(*) FROM snapshots WHERE complete = 1",
        "levels": "SELECT count(*) FROM stock_levels",
        "lines": "SELECT count(*) FROM order_lines",
    }
    with database.connect() as conn:
        return {name: conn.execute(text(sql)).scalar_one() for name, sql in queries.items()}


@pytest.fixture
async def engine(ctx: AppContext) -> AsyncIterator[SyncEngine]:
    sync_engine = SyncEngine(ctx)
    yield sync_engine
    await sync_engine.aclose()


@pytest.fixture
def tenant(ctx: AppContext) -> TenantView:
    return add_tenant(ctx, "Acme")


async def _stream(
    ctx: AppContext, engine: SyncEngine, tenant: TenantView
) -> tuple[SnapshotStream, FiguresAggregator, uuid.UUID]:
    """A stream for a new run of ``tenant``, and the aggregator the "sync" feeds."""
    run_id = new_id()
    runs = SyncRunRepository(ctx.database)
    await engine.in_db(runs.start, tenant.id, tenant.name, Trigger.MANUAL, run_id)
    figures = _figures()
    return SnapshotStream(engine.in_db, ctx.database, tenant.id, run_id, figures), figures, run_id


def _hold(engine: SyncEngine) -> tuple[threading.Event, asyncio.Future[bool]]:
    """Keep the database thread busy until the event is set: what is queued meanwhile waits."""
    gate = threading.Event()
    return gate, asyncio.ensure_future(engine.in_db(gate.wait, 10))


async def test_lines_go_one_write_at_a_time_and_publishing_records_the_run(
    ctx: AppContext, engine: SyncEngine, tenant: TenantView
) -> None:
    stream, figures, run_id = await _stream(ctx, engine, tenant)
    figures.add_orders(_lines(0, 3))
    await stream.begin(PRODUCTS)
    assert await engine.in_db(_counts, ctx.database) == {
        "pending": 1,
        "complete": 0,
        "levels": 2,
        "lines": 3,
    }
    assert await engine.in_db(snapshots.current_snapshot, ctx.database, tenant.id) is None

    gate, held = _hold(engine)
    figures.add_orders(_lines(3, 2))
    stream.add_lines_soon()  # queued behind the held thread
    figures.add_orders(_lines(5, 4))
    stream.add_lines_soon()  # one write is queued already: nothing more
    gate.set()
    await held
    # Queued after the lines' write: it sees that write, and no second one.
    assert (await engine.in_db(_counts, ctx.database))["lines"] == 5

    # Orders on a warehouse without stock make a level of their own; stock 0 with orders is low.
    figures.add_orders([*_lines(9, 1, "3", "Казань"), *_lines(10, 1, "2", "Тула")])
    outcome = RunOutcome(status=RunStatus.SUCCEEDED, products=len(PRODUCTS))
    new_low = await stream.publish(outcome, keep_snapshots=1, keep_history_days=30)
    assert new_low == 2  # products 2 and 3, low for the first time
    assert await engine.in_db(_counts, ctx.database) == {
        "pending": 0,
        "complete": 1,
        "levels": 3,
        "lines": 11,
    }
    run = await engine.in_db(SyncRunRepository(ctx.database).get, run_id)
    assert run is not None and run.status is RunStatus.SUCCEEDED

    # The next run: the same products low again are not new, and keep 1 prunes the first.
    first = await engine.in_db(snapshots.current_snapshot, ctx.database, tenant.id)
    again, again_figures, _ = await _stream(ctx, engine, tenant)
    await again.begin(PRODUCTS)
    again_figures.add_orders(_lines(20, 1, "2", "Тула"))
    assert await again.publish(outcome, keep_snapshots=1, keep_history_days=30) == 0
    kept = await engine.in_db(snapshots.snapshots_of, ctx.database, tenant.id)
    assert len(kept) == 1 and first is not None and kept[0].id != first.id


async def test_a_cancel_during_begin_lets_the_write_end_and_discard_removes_it(
    ctx: AppContext, engine: SyncEngine, tenant: TenantView
) -> None:
    stream, _, _ = await _stream(ctx, engine, tenant)
    gate, held = _hold(engine)
    beginning = asyncio.ensure_future(stream.begin(PRODUCTS))
    await asyncio.sleep(0.05)  # its write is queued behind the held thread
    beginning.cancel()
    gate.set()
    await held
    with pytest.raises(asyncio.CancelledError):
        await beginning
    # The write the cancel found started has ended, and the stream knows of its snapshot.
    assert (await engine.in_db(_counts, ctx.database))["pending"] == 1
    await stream.discard()
    assert await engine.in_db(_counts, ctx.database) == {
        "pending": 0,
        "complete": 0,
        "levels": 0,
        "lines": 0,
    }


async def test_discard_waits_for_the_queued_lines_then_leaves_nothing(
    ctx: AppContext, engine: SyncEngine, tenant: TenantView
) -> None:
    stream, figures, _ = await _stream(ctx, engine, tenant)
    await stream.begin(PRODUCTS)
    gate, held = _hold(engine)
    figures.add_orders(_lines(0, 5))
    stream.add_lines_soon()
    discarding = asyncio.ensure_future(stream.discard())
    gate.set()
    await held
    await discarding
    assert await engine.in_db(_counts, ctx.database) == {
        "pending": 0,
        "complete": 0,
        "levels": 0,
        "lines": 0,
    }
