"""Two or three `sync --all` at once, and beside the daemon, over the same sellers: each seller
is synced once, no process crashes, every one prints its summary, and history and the
snapshots tell the same story."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.cli import cli_json, run_cli, start_cli
from tests.support.sellers import simulated_sellers, snapshots_by_run_status

REFUSED = ("already syncing in ", "synced by ")


def _syncs_at_once(count: int, env: dict[str, str]) -> list[subprocess.Popen[str]]:
    return [
        start_cli(
            "sync", "--all", "--json", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(count)
    ]


def _summaries(processes: list[subprocess.Popen[str]], names: list[str]) -> list[list[dict]]:
    """Each process's summary, after checking it ended cleanly and listed every seller."""
    summaries = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert "Traceback" not in err, err
        assert process.returncode in (0, 1), err  # 1: some sellers were another's to sync
        summary = json.loads(out)
        assert sorted(line["tenant"] for line in summary) == names
        for line in summary:
            if line["status"] == "refused":
                assert line["message"].split(": ", 1)[1].startswith(REFUSED), line
            else:
                assert line["status"] == "succeeded", line
        summaries.append(summary)
    return summaries


def _runs_since(since: datetime) -> list[dict]:
    runs = cli_json("history", "--limit", "1000")
    return [r for r in runs if datetime.fromisoformat(r["started_at"]) >= since]


def _each_synced_once(runs: list[dict], names: list[str]) -> None:
    assert Counter(r["tenant"] for r in runs) == Counter(names)
    assert {r["status"] for r in runs} == {"succeeded"}


def test_two_and_three_syncs_at_once_sync_each_seller_once(
    make_simulator: Callable[..., RunningSimulator], isolated_home: Path, tmp_path: Path
) -> None:
    _, env, names = simulated_sellers(make_simulator, tmp_path, seed=11, sellers=10, concurrency=4)
    for count in (2, 3):
        since = datetime.now(UTC).replace(microsecond=0)
        summaries = _summaries(_syncs_at_once(count, env), names)
        # Between them the processes synced every seller, and none twice.
        synced = Counter(
            line["tenant"] for s in summaries for line in s if line["status"] != "refused"
        )
        assert synced == Counter(names)
        runs = _runs_since(since)
        _each_synced_once(runs, names)
        assert {r["id"] for r in runs} == {
            line["run_id"] for s in summaries for line in s if line["run_id"]
        }
        assert snapshots_by_run_status(isolated_home) == {(1, "succeeded")}
        time.sleep(1)  # the next round's runs start in a later second than `since` names


def test_syncs_started_with_the_daemon_sync_each_seller_once(
    make_simulator: Callable[..., RunningSimulator], isolated_home: Path, tmp_path: Path
) -> None:
    _, env, names = simulated_sellers(make_simulator, tmp_path, seed=12, sellers=6, concurrency=4)
    assert run_cli("sync", "--all", env=env).returncode == 0
    _last_synced_yesterday(isolated_home)
    assert run_cli("settings", "set", "schedule", "4h").returncode == 0
    since = datetime.now(UTC).replace(microsecond=0)
    # Every seller's scheduled run is due: the daemon catches up one every two seconds.
    daemon = start_cli("daemon", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    syncs = _syncs_at_once(2, env)
    _summaries(syncs, names)
    time.sleep(2 * len(names) + 1)  # past the last catch-up
    daemon.send_signal(signal.SIGTERM)
    _, daemon_log = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, daemon_log
    assert "Traceback" not in daemon_log, daemon_log
    _each_synced_once(_runs_since(since), names)
    assert snapshots_by_run_status(isolated_home) == {(1, "succeeded")}


def _last_synced_yesterday(home: Path) -> None:
    """The sellers' last runs a day old: the daemon finds each one's scheduled run missed."""
    ctx = AppContext.open(lambda: None, home, migrate=False)
    try:
        with ctx.database.begin() as conn:
            started = conn.execute(text("SELECT id, started_at FROM sync_runs")).all()
            for run_id, moment in started:
                earlier = datetime.fromisoformat(moment) - timedelta(days=1)
                conn.execute(
                    text("UPDATE sync_runs SET started_at = :t WHERE id = :id"),
                    {"t": earlier.isoformat(timespec="microseconds"), "id": run_id},
                )
    finally:
        ctx.close()
