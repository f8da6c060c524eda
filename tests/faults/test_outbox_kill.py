"""kill -9 of a sync on a desktop in a team: a snapshot and its outbox rows are one commit, so a
kill after publishing leaves both and a kill before leaves neither."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from stock_tracker_desktop.marketplaces.settings import REQUEST_DEADLINE_ENV
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import Fault, RunningSimulator
from stock_tracker_desktop.storage import team_link
from stock_tracker_desktop.storage.team_link import TeamLinkRecord
from tests.fake_sheets import RunningGoogle
from tests.faults.test_kill_truth import _export_to_a_sheet
from tests.marketplaces.servers import serve_trickling_headers
from tests.support.cli import start_cli
from tests.support.sellers import count_snapshots, simulated_sellers

Pairs = set[tuple[str, str]]


def _join(home: Path) -> None:
    ctx = AppContext.open(lambda: None, home)
    try:
        team_link.join(
            ctx.database,
            TeamLinkRecord(
                team="Agency",
                host="db.agency.example",
                port=5432,
                database="stock",
                login="anna",
                role="user",
                desktop_id=uuid.uuid4(),
                joined_at=datetime.now(UTC),
            ),
        )
    finally:
        ctx.close()


def _sync_killed_once(env: dict[str, str], home: Path, *, complete: bool, snapshots: int) -> None:
    """Start `sync --all` and kill -9 it once ``snapshots`` snapshots are complete, or pending."""
    process = start_cli(
        "sync", "--all", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while count_snapshots(home, complete=complete) < snapshots and time.monotonic() < deadline:
            time.sleep(0.1)
        assert count_snapshots(home, complete=complete) == snapshots
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _left_behind(home: Path, *, start_up: bool = False) -> tuple[Pairs, Pairs, set[str]]:
    """(snapshot, run) of every published snapshot, (kind, entity) of every outbox row but the
    sellers' (which joining added), and every run: as the kill left them, or as ``start_up``
    tidies them."""
    ctx = AppContext.open(lambda: None, home, migrate=start_up)
    try:
        with ctx.database.connect() as conn:
            published = conn.execute(
                text("SELECT id, sync_run_id FROM snapshots WHERE complete = 1")
            ).all()
            rows = conn.execute(
                text("SELECT kind, entity_id FROM outbox WHERE kind != 'seller'")
            ).all()
            runs = conn.execute(text("SELECT id FROM sync_runs")).scalars().all()
    finally:
        ctx.close()
    return {(s, r) for s, r in published}, {(k, e) for k, e in rows}, set(runs)


def test_a_kill_after_publishing_keeps_the_snapshots_and_their_rows(
    make_simulator: Callable[..., RunningSimulator],
    make_google: Callable[..., RunningGoogle],
    isolated_home: Path,
    tmp_path: Path,
) -> None:
    """Killed while exporting to a Google that never answers, after every seller's publish."""
    _, env, names = simulated_sellers(make_simulator, tmp_path, seed=23, sellers=3, concurrency=3)
    _export_to_a_sheet(isolated_home, names, make_google(time_factor=0.01))
    _join(isolated_home)
    with serve_trickling_headers(interval=5) as silent_google:
        google = {**env, "STOCK_TRACKER_GOOGLE_BASE_URL": silent_google}
        _sync_killed_once(google, isolated_home, complete=True, snapshots=len(names))

    published, rows, _ = _left_behind(isolated_home)
    assert len(published) == len(names)
    assert rows == {("snapshot", s) for s, _ in published} | {("run", r) for _, r in published}


def test_a_kill_before_publishing_leaves_neither(
    make_simulator: Callable[..., RunningSimulator], isolated_home: Path, tmp_path: Path
) -> None:
    """Killed while every seller's orders hang, their snapshots begun but not published."""
    sim, env, names = simulated_sellers(make_simulator, tmp_path, seed=24, sellers=3, concurrency=3)
    for seller in sim.world.sellers:
        sim.world.faults.add(
            Fault(
                kind="slow",
                path_prefix="/api/v1/supplier/orders",
                seller_id=seller.seller_id,
                count=1,
                delay=60,
            )
        )
    _join(isolated_home)
    # The hanging orders must outlast the killing: no request deadline cuts them first.
    slow = {**env, REQUEST_DEADLINE_ENV: "9000"}
    _sync_killed_once(slow, isolated_home, complete=False, snapshots=len(names))

    published, rows, runs = _left_behind(isolated_home)
    assert (published, rows) == (set(), set())
    assert len(runs) == len(names)
    # Start-up calls the runs interrupted: finished runs, enqueued; their snapshots are gone.
    published, rows, _ = _left_behind(isolated_home, start_up=True)
    assert (published, rows) == (set(), {("run", r) for r in runs})
