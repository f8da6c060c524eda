"""`sync`, `history`, `stock`, `demo --headless` and `daemon` from the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.cli import REPO_ROOT, cli_json, run_cli


def _sim_env(sim: RunningSimulator) -> dict[str, str]:
    return {
        "STOCK_TRACKER_WB_BASE_URL": sim.base_url,
        "STOCK_TRACKER_OZON_BASE_URL": sim.base_url,
        "STOCK_TRACKER_TIME_FACTOR": "0.01",
    }


def _add_tenants(sim: RunningSimulator) -> dict[str, str]:
    sellers = sim.world.sellers
    env = {
        **_sim_env(sim),
        "GOOD": sellers[0].wb_token,
        "OLD": sim.world.mint_wb_token(sellers[1], expired=True),
        "OZ": sellers[2].ozon_api_key,
    }
    for args in (
        ("--name", "Good", "--marketplace", "wildberries", "--token-env", "GOOD"),
        ("--name", "Old", "--marketplace", "wildberries", "--token-env", "OLD"),
        (
            "--name",
            "Oz",
            "--marketplace",
            "ozon",
            "--client-id",
            sellers[2].ozon_client_id,
            "--api-key-env",
            "OZ",
        ),
    ):
        assert run_cli("tenants", "add", *args, env=env).returncode == 0
    return env


def test_sync_history_and_stock(sim: RunningSimulator) -> None:
    env = _add_tenants(sim)
    result = run_cli("sync", "--all", "--json", env=env)
    assert result.returncode == 1  # one tenant failed
    summary = {row["tenant"]: row for row in json.loads(result.stdout)}
    assert summary["Good"]["status"] == "succeeded"
    assert summary["Oz"]["status"] == "succeeded"
    assert summary["Old"]["status"] == "failed"
    assert "token expired on" in summary["Old"]["message"]
    assert "Good: succeeded" in result.stderr  # progress on stderr
    one = run_cli("sync", "--tenant", "Good", env=env)
    assert one.returncode == 0
    assert "Good" in one.stdout
    assert "succeeded" in one.stdout
    runs = cli_json("history", "--tenant", "Good", env=env)
    assert [r["status"] for r in runs] == ["succeeded", "succeeded"]
    assert runs[0]["trigger"] == "cli"
    assert runs[0]["requests"] > 0
    failed = cli_json("history", "--status", "failed", env=env)
    assert [r["tenant"] for r in failed] == ["Old"]
    # Products and orders start together on WB: whichever answer comes first names the stage.
    assert failed[0]["error"]["stage"] in ("products", "orders")
    stock = cli_json("stock", "--tenant", "Good", env=env)
    assert stock["window_days"] == 7
    assert stock["rows"]
    low = cli_json("stock", "--tenant", "Good", "--low", env=env)
    assert all(row["low_stock"] for row in low["rows"])
    assert len(low["rows"]) < len(stock["rows"])
    none = run_cli("stock", "--tenant", "Old", env=env)
    assert none.returncode == 1
    assert "no snapshot yet" in none.stderr


def test_sync_needs_a_choice() -> None:
    result = run_cli("sync")
    assert result.returncode == 2
    assert "--tenant" in result.stderr


def test_demo_headless(isolated_home: Path, no_keyring: None) -> None:
    result = run_cli("demo", "--headless", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "behaved as intended" in result.stderr
    assert "token expired" in result.stdout
    demo_env = {"STOCK_TRACKER_HOME": str(isolated_home / "demo")}
    runs = cli_json("history", env=demo_env)
    assert {r["tenant"] for r in runs} == {"Demo WB", "Demo Ozon", "Demo WB (expired token)"}
    assert not (isolated_home / "stock-tracker.db").exists()  # never mixed with real tenants


def test_daemon_runs_catch_up_and_stops_cleanly(sim: RunningSimulator, isolated_home: Path) -> None:
    env = _add_tenants(sim)
    run_cli("tenants", "edit", "Old", "--disable", env=env)
    run_cli("tenants", "edit", "Oz", "--disable", env=env)
    assert run_cli("sync", "--tenant", "Good", env=env).returncode == 0
    # Pretend the last run was long ago, so the daemon owes one catch-up run.
    from stock_tracker_desktop.services.context import AppContext

    ctx = AppContext.open(lambda: None, isolated_home)
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sync_runs SET started_at = '2026-01-01T00:00:00.000000+00:00'")
    ctx.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "stock_tracker_desktop", "daemon"],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 40
        while True:
            runs = cli_json("history", "--tenant", "Good", env=env)
            if any(r["trigger"] == "schedule" and r["status"] == "succeeded" for r in runs):
                break
            assert time.monotonic() < deadline, "the daemon never ran the catch-up"
            time.sleep(0.3)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "next sync of Good" in stderr
    assert "start-up objects kept out of garbage collection" in stderr
    assert "stopped" in stderr
    assert (isolated_home / "logs" / "stock-tracker.log").read_text().count("stopped") == 1
