"""The one-database-thread rule: while the engine's database thread works, a connection taken
on another thread fails loudly (the tests' conftest turns the check on), and the callers that
broke the rule (the connection check, the engine's first settings read) go through it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from stock_tracker_desktop.services.connection import check_tenant
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.database import DatabaseThreadViolation
from stock_tracker_desktop.storage.sync_runs import RunStatus, Trigger
from stock_tracker_desktop.sync.engine import SyncEngine
from tests.sync.conftest import add_wb


@pytest.fixture
async def engine(ctx: AppContext) -> AsyncIterator[SyncEngine]:
    sync_engine = SyncEngine(ctx)
    yield sync_engine
    await sync_engine.aclose()


@asynccontextmanager
async def database_thread_busy(engine: SyncEngine) -> AsyncIterator[None]:
    """The database thread inside a transaction (as while a sync writes) until the block ends."""
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with engine.ctx.database.connect():
            inside.set()
            leave.wait(timeout=20)

    held = asyncio.ensure_future(engine.in_db(hold))
    await asyncio.to_thread(inside.wait, 10)
    try:
        yield
    finally:
        leave.set()
        await held


async def test_a_query_off_the_database_thread_fails_loudly(
    ctx: AppContext, engine: SyncEngine
) -> None:
    async with database_thread_busy(engine):
        with pytest.raises(DatabaseThreadViolation, match=r"SyncEngine\.in_db"):
            TenantService(ctx).all()  # on the loop's thread, as the window did
    assert TenantService(ctx).all() == []  # the thread is idle again: nothing overlaps


async def test_the_connection_check_goes_through_the_database_thread(
    ctx: AppContext, engine: SyncEngine, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=3, sellers=1, products=5, time_factor=0.01)
    add_wb(ctx, sim.world.sellers[0], "Acme")
    async with database_thread_busy(engine):
        with pytest.raises(DatabaseThreadViolation):
            await check_tenant(engine.tenants, "Acme")  # the calls the window used to make
        checking = asyncio.ensure_future(check_tenant(engine.tenants, "Acme", in_db=engine.in_db))
        await asyncio.sleep(0.2)
        assert not checking.done()  # it waits its turn on the database thread
    report = await checking
    assert report.ok, report.problems
    assert TenantService(ctx).get("Acme").seller_name == sim.world.sellers[0].name


async def test_the_first_sync_reads_its_settings_on_the_database_thread(
    ctx: AppContext, engine: SyncEngine, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=4, sellers=1, products=5, time_factor=0.01)
    add_wb(ctx, sim.world.sellers[0], "Acme")
    tenant = TenantService(ctx).get("Acme")
    async with database_thread_busy(engine):
        task = engine.start(tenant, Trigger.MANUAL)  # the concurrency setting is not read here
        await asyncio.sleep(0.1)
    result = await task
    assert result.status is RunStatus.SUCCEEDED, result.message
