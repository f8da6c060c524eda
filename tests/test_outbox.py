"""The outbox: rows only in a team, in the same transaction as the write they stand for, read
by the pusher in order; and the team link they depend on."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantChanges, TenantDraft, TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage import outbox, snapshot_writer, snapshots, sync_runs, team_link
from stock_tracker_desktop.storage.database import write_transaction
from stock_tracker_desktop.storage.ids import new_id
from stock_tracker_desktop.storage.outbox import Backlog, OutboxKind
from stock_tracker_desktop.storage.snapshot_writer import SnapshotData, WrittenSnapshot
from stock_tracker_desktop.storage.sync_runs import RunOutcome, RunStatus, SyncRunRepository
from stock_tracker_desktop.storage.team_link import TeamLinkRecord
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.events import SyncResult
from tests.support.tokens import wb_token
from tests.sync.conftest import add_wb

SELLER, RUN, SNAPSHOT = OutboxKind.SELLER, OutboxKind.RUN, OutboxKind.SNAPSHOT
Row = tuple[OutboxKind, uuid.UUID, uuid.UUID]


def _link() -> TeamLinkRecord:
    return TeamLinkRecord(
        team="Agency",
        host="db.agency.example",
        port=5432,
        database="stock",
        login="anna",
        role="admin",
        desktop_id=uuid.uuid4(),
        joined_at=datetime.now(UTC),
    )


def _join(ctx: AppContext) -> None:
    team_link.save(ctx.database, _link())


def _queue(ctx: AppContext) -> list[Row]:
    return [(e.kind, e.tenant_id, e.entity_id) for e in outbox.pending(ctx.database, 10_000)]


def _seller(tenant_id: uuid.UUID) -> Row:
    return (SELLER, tenant_id, tenant_id)


def _wb(name: str) -> TenantDraft:
    return TenantDraft(name=name, marketplace=Marketplace.WILDBERRIES, token=wb_token())


def _refuse(ctx: AppContext, when: str) -> None:
    """A trigger that makes the write ``when`` names fail, as a full disk or a bug would."""
    name = f"refuse_{uuid.uuid4().hex}"
    with write_transaction(ctx.database) as conn:
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )


async def _sync(ctx: AppContext) -> dict[str, SyncResult]:
    engine = SyncEngine(ctx)
    try:
        return {result.tenant: result for result in await engine.sync()}
    finally:
        await engine.aclose()


def _healthy_and_expired(ctx: AppContext, sim: RunningSimulator) -> None:
    sellers = sim.world.sellers
    add_wb(ctx, sellers[0], "Healthy")
    add_wb(ctx, sellers[1], "Expired", token=sim.world.mint_wb_token(sellers[1], expired=True))


# ----- where rows come from ----------------------------------------------------------------------


async def test_a_solo_desktop_never_writes_to_its_outbox(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=11, sellers=2, products=10, time_factor=0.01)
    # Any row the outbox were given would fail the write that gave it.
    _refuse(ctx, "BEFORE INSERT ON outbox")
    _healthy_and_expired(ctx, sim)
    service = TenantService(ctx)
    service.edit("Healthy", TenantChanges(notes="a note"))
    service.set_archived("Expired", True)
    service.set_archived("Expired", False)
    results = await _sync(ctx)
    assert results["Healthy"].status is RunStatus.SUCCEEDED
    assert results["Expired"].status is RunStatus.FAILED
    service.remove("Expired")
    assert outbox.backlog(ctx.database) == Backlog(pending=0, failed=0, oldest=None)


def test_each_change_of_a_seller_by_the_user_adds_one_row_in_order(ctx: AppContext) -> None:
    _join(ctx)
    service = TenantService(ctx)
    acme = service.add(_wb("Acme")).tenant.id
    service.edit("Acme", TenantChanges(name="Acme Ltd", tags=("vip",)))
    service.set_archived("Acme Ltd", True)
    service.set_archived("Acme Ltd", False)
    beta = service.add(_wb("Beta")).tenant.id
    # What a sync learns, and what writes nothing, adds nothing.
    service.record_seller_name("Beta", "ООО Бета")
    service.record_credentials_expiry("Beta", datetime.now(UTC) + timedelta(days=30))
    service.check_draft(_wb("Gamma"))
    service.remove("Acme Ltd")
    assert _queue(ctx) == [*[_seller(acme)] * 4, _seller(beta), _seller(acme)]


async def test_a_sync_adds_its_snapshot_and_run_and_a_failed_one_its_run(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=11, sellers=2, products=10, time_factor=0.01)
    _join(ctx)
    _healthy_and_expired(ctx, sim)
    outbox.clear(ctx.database)
    results = await _sync(ctx)
    service = TenantService(ctx)
    healthy, expired = service.get("Healthy").id, service.get("Expired").id
    current = snapshots.current_snapshot(ctx.database, healthy)
    assert current is not None
    assert results["Healthy"].run_id and results["Expired"].run_id
    queue = _queue(ctx)
    # The successful run is recorded at publishing and again after its exports: one row.
    assert [row for row in queue if row[1] == healthy] == [
        (SNAPSHOT, healthy, current.id),
        (RUN, healthy, results["Healthy"].run_id),
    ]
    assert [row for row in queue if row[1] == expired] == [
        (RUN, expired, results["Expired"].run_id)
    ]
    assert len(queue) == 3

    # The cascade takes the seller's runs and snapshots, not its rows: none is a foreign key.
    service.remove("Healthy")
    assert _queue(ctx) == [*queue, _seller(healthy)]
    assert snapshots.current_snapshot(ctx.database, healthy) is None


def test_a_run_recorded_again_replaces_its_row_at_the_end(ctx: AppContext) -> None:
    _join(ctx)
    service = TenantService(ctx)
    acme = service.add(_wb("Acme")).tenant.id
    runs = SyncRunRepository(ctx.database)
    run_id = new_id()
    runs.start(acme, "Acme", sync_runs.Trigger.CLI, run_id)
    assert _queue(ctx) == [_seller(acme)]  # a running run is not finished
    runs.finish(run_id, RunOutcome(RunStatus.SUCCEEDED))
    first = outbox.pending(ctx.database, 10)[-1]
    beta = service.add(_wb("Beta")).tenant.id
    runs.finish(run_id, RunOutcome(RunStatus.PARTLY_SUCCEEDED))
    queue = [_seller(acme), _seller(beta), (RUN, acme, run_id)]
    assert _queue(ctx) == queue
    # A pusher that pushed the run as it first ended loses nothing of its second ending.
    outbox.mark_done(ctx.database, [first.seq])
    assert _queue(ctx) == queue


def test_runs_interrupted_at_start_up_are_finished_runs(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _join(ctx)
    acme = TenantService(ctx).add(_wb("Acme")).tenant.id
    runs = SyncRunRepository(ctx.database)
    first, second, third = new_id(), new_id(), new_id()
    runs.start(acme, "Acme", sync_runs.Trigger.CLI, first)
    monkeypatch.setattr(sync_runs, "_pid_alive", lambda pid: False)  # their process died
    runs.start(acme, "Acme", sync_runs.Trigger.CLI, second)  # finds the first one dead
    assert runs.mark_interrupted() == 1  # the second
    runs.start(acme, "Acme", sync_runs.Trigger.CLI, third)
    assert _queue(ctx) == [_seller(acme), (RUN, acme, first), (RUN, acme, second)]


# ----- one transaction ---------------------------------------------------------------------------


def _pending_snapshot(ctx: AppContext) -> tuple[uuid.UUID, uuid.UUID, WrittenSnapshot]:
    """A tenant, its running run and the snapshot that run has begun."""
    tenant = TenantService(ctx).add(_wb("Acme")).tenant.id
    run_id = new_id()
    SyncRunRepository(ctx.database).start(tenant, "Acme", sync_runs.Trigger.CLI, run_id)
    data = SnapshotData(
        tenant_id=tenant,
        sync_run_id=run_id,
        taken_at=datetime.now(UTC),
        window=last_full_days(7),
        threshold_days=14.0,
        products=[],
        levels=[],
        order_lines=[],
    )
    return tenant, run_id, snapshot_writer.write_snapshot(ctx.database, data, complete=False)


def _publish(ctx: AppContext, pending: WrittenSnapshot, run_id: uuid.UUID) -> None:
    snapshot_writer.publish_snapshot(
        ctx.database,
        pending,
        taken_at=datetime.now(UTC),
        order_figures=[],
        new_levels=[],
        order_lines=[],
        finished_run=(run_id, RunOutcome(RunStatus.SUCCEEDED)),
    )


def _run_status(ctx: AppContext, run_id: uuid.UUID) -> RunStatus:
    run = SyncRunRepository(ctx.database).get(run_id)
    assert run is not None
    return run.status


@pytest.mark.parametrize(
    "refused",
    [
        "BEFORE INSERT ON outbox",
        # After the snapshot and its row are written: both go back.
        "BEFORE UPDATE OF status ON sync_runs",
    ],
    ids=["the outbox row", "recording the run"],
)
def test_a_publish_that_fails_leaves_neither_snapshot_nor_rows(
    ctx: AppContext, refused: str
) -> None:
    _join(ctx)
    tenant, run_id, pending = _pending_snapshot(ctx)
    _refuse(ctx, refused)
    with pytest.raises(IntegrityError, match="refused by the test"):
        _publish(ctx, pending, run_id)
    assert snapshots.current_snapshot(ctx.database, tenant) is None
    assert _run_status(ctx, run_id) is RunStatus.RUNNING
    assert _queue(ctx) == [_seller(tenant)]


def test_a_publish_writes_its_snapshot_and_rows_together(ctx: AppContext) -> None:
    _join(ctx)
    tenant, run_id, pending = _pending_snapshot(ctx)
    _publish(ctx, pending, run_id)
    current = snapshots.current_snapshot(ctx.database, tenant)
    assert current is not None and current.id == pending.id
    assert _run_status(ctx, run_id) is RunStatus.SUCCEEDED
    assert _queue(ctx) == [_seller(tenant), (SNAPSHOT, tenant, pending.id), (RUN, tenant, run_id)]


def test_a_change_whose_outbox_row_fails_is_undone(ctx: AppContext) -> None:
    _join(ctx)
    service = TenantService(ctx)
    acme = service.add(_wb("Acme")).tenant
    _refuse(ctx, "BEFORE INSERT ON outbox")
    with pytest.raises(IntegrityError):
        service.add(_wb("Beta"))
    with pytest.raises(IntegrityError):
        service.edit("Acme", TenantChanges(notes="changed"))
    with pytest.raises(IntegrityError):
        service.set_archived("Acme", True)
    with pytest.raises(IntegrityError):
        service.remove("Acme")
    assert [t.name for t in service.all(include_archived=True)] == ["Acme"]
    assert service.get("Acme") == acme
    assert _queue(ctx) == [_seller(acme.id)]


def test_a_run_end_whose_outbox_row_fails_is_undone(ctx: AppContext) -> None:
    _join(ctx)
    tenant, run_id, _ = _pending_snapshot(ctx)
    _refuse(ctx, "BEFORE INSERT ON outbox")
    with pytest.raises(IntegrityError):
        SyncRunRepository(ctx.database).finish(run_id, RunOutcome(RunStatus.FAILED))
    assert _run_status(ctx, run_id) is RunStatus.RUNNING
    assert _queue(ctx) == [_seller(tenant)]


# ----- joining: the full first push --------------------------------------------------------------


async def test_joining_enqueues_every_seller_then_each_ones_history(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator]
) -> None:
    sim = point_clients_at(seed=11, sellers=3, products=10, time_factor=0.01)
    _healthy_and_expired(ctx, sim)
    add_wb(ctx, sim.world.sellers[2], "Archived")
    await _sync(ctx)
    await _sync(ctx)
    service = TenantService(ctx)
    service.set_archived("Archived", True)
    tenants = sorted(t.id for t in service.all(include_archived=True))
    runs = SyncRunRepository(ctx.database)
    runs.start(tenants[0], "any", sync_runs.Trigger.CLI, new_id())  # still running: not yet
    assert _queue(ctx) == []  # a solo desktop until now

    expected: list[Row] = [_seller(t) for t in tenants]
    for tenant in tenants:
        history = reversed(runs.history(tenant_id=tenant, limit=None))
        expected += [(RUN, tenant, r.id) for r in history if r.status is not RunStatus.RUNNING]
        current = snapshots.current_snapshot(ctx.database, tenant)
        expected += [(SNAPSHOT, tenant, current.id)] if current else []
    assert len([row for row in expected if row[0] is RUN]) == 6
    assert len([row for row in expected if row[0] is SNAPSHOT]) == 2

    assert team_link.join(ctx.database, _link()) == len(expected)
    assert _queue(ctx) == expected


def test_enqueue_everything_adds_nothing_outside_a_team(ctx: AppContext) -> None:
    TenantService(ctx).add(_wb("Acme"))
    with write_transaction(ctx.database) as conn:
        assert outbox.enqueue_everything(conn) == 0
    assert _queue(ctx) == []


# ----- the pusher's side -------------------------------------------------------------------------


def test_backlog_failures_retries_and_clearing(ctx: AppContext) -> None:
    _join(ctx)
    service = TenantService(ctx)
    for name in ("A", "B", "C"):
        service.add(_wb(name))
    first, second, third = outbox.pending(ctx.database, 10)
    assert outbox.pending(ctx.database, 2) == [first, second]
    assert outbox.backlog(ctx.database) == Backlog(pending=3, failed=0, oldest=first.created_at)

    outbox.mark_failed(ctx.database, first.seq, "permission denied for table sellers")
    outbox.record_attempt(ctx.database, [second.seq], "the server does not answer")
    assert [e.seq for e in outbox.pending(ctx.database, 10)] == [second.seq, third.seq]
    assert outbox.pending(ctx.database, 10)[0].attempts == 1
    assert outbox.backlog(ctx.database) == Backlog(pending=2, failed=1, oldest=second.created_at)
    with ctx.database.connect() as conn:
        error = conn.execute(text("SELECT error FROM outbox WHERE seq = :s"), {"s": first.seq})
        assert error.scalar_one() == "permission denied for table sellers"

    outbox.mark_done(ctx.database, [second.seq, third.seq])
    assert outbox.backlog(ctx.database) == Backlog(pending=0, failed=1, oldest=None)
    assert outbox.retry_failed(ctx.database) == 1
    assert [e.seq for e in outbox.pending(ctx.database, 10)] == [first.seq]

    outbox.clear(ctx.database)
    assert outbox.backlog(ctx.database) == Backlog(pending=0, failed=0, oldest=None)
    service.add(_wb("D"))
    assert outbox.pending(ctx.database, 10)[0].seq > third.seq  # seqs are never reused


# ----- the team link -----------------------------------------------------------------------------


def test_the_team_link_is_kept_and_updated(ctx: AppContext) -> None:
    engine = ctx.database
    assert team_link.get(engine) is None
    team_link.set_key_version(engine, 2)  # a solo desktop: nothing to update
    assert team_link.get(engine) is None

    link = _link()
    team_link.save(engine, link)
    assert team_link.get(engine) == link
    link = dataclasses.replace(link, role="owner", key_version=2)
    team_link.save(engine, link)  # replaces the one row
    assert team_link.get(engine) == link

    pulled, pushed = link.joined_at + timedelta(minutes=1), link.joined_at + timedelta(minutes=2)
    team_link.note_cycle(engine, "7400", pushed, pushed=True)
    team_link.note_cycle(engine, "7410", pulled, pushed=False)
    team_link.set_key_version(engine, 3)
    away, later = link.joined_at + timedelta(minutes=3), link.joined_at + timedelta(minutes=4)
    team_link.note_server_away(engine, away, "connection refused")
    team_link.note_server_away(engine, later, "timeout")
    expected = dataclasses.replace(
        link,
        pull_cursor="7410",
        last_pull_at=pulled,
        last_push_at=pushed,
        key_version=3,
        server_away_since=away,
        last_error="timeout",
    )
    assert team_link.get(engine) == expected
    team_link.note_cycle(engine, "7420", later, pushed=False)
    back = dataclasses.replace(
        expected, pull_cursor="7420", last_pull_at=later, server_away_since=None, last_error=""
    )
    assert team_link.get(engine) == back

    team_link.remove(engine)
    assert team_link.get(engine) is None


def test_figures_from_the_team_and_pending_snapshots_are_not_enqueued(ctx: AppContext) -> None:
    _join(ctx)
    tenant = TenantService(ctx).add(_wb("Acme")).tenant.id
    data = SnapshotData(tenant, None, datetime.now(UTC), last_full_days(7), 14.0, [], [], [])
    shared_id = new_id()
    pulled = snapshot_writer.write_snapshot(ctx.database, data, snapshot_id=shared_id, share=False)
    assert pulled.id == shared_id
    snapshot_writer.write_snapshot(ctx.database, data, complete=False)
    whole = snapshot_writer.write_snapshot(ctx.database, data)
    assert _queue(ctx) == [_seller(tenant), (SNAPSHOT, tenant, whole.id)]


def test_sellers_waiting_to_be_pushed(ctx: AppContext) -> None:
    _join(ctx)
    service = TenantService(ctx)
    acme, beta = service.add(_wb("Acme")).tenant.id, service.add(_wb("Beta")).tenant.id
    refused = outbox.pending(ctx.database, 10)[1]
    outbox.mark_failed(ctx.database, refused.seq, "permission denied for table sellers")
    with ctx.database.connect() as conn:
        assert outbox.waiting_sellers(conn) == {acme}
    assert refused.tenant_id == beta
