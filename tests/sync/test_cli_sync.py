"""`sync`, `history`, `stock`, `demo --headless` and `daemon` from the command line."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

from stock_tracker_desktop.simulator import Fault, RunningSimulator
from tests.support.cli import cli_json, run_cli, start_cli


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


def _table(stdout: str) -> list[dict[str, str]]:
    """The rows of a table the CLI printed, by header: a column starts where its header does."""
    header, *lines = stdout.splitlines()
    columns = [(m.group(), m.start()) for m in re.finditer(r"\S+(?: \S+)*", header)]
    ends = [start for _, start in columns[1:]] + [None]
    return [
        {name: line[start:end].strip() for (name, start), end in zip(columns, ends, strict=True)}
        for line in lines
    ]


def test_summary_stock_lines_are_the_rows_stock_lists(sim: RunningSimulator) -> None:
    env = _add_tenants(sim)
    synced = run_cli("sync", "--all", "--json", env=env)
    summary = {row["tenant"]: row for row in json.loads(synced.stdout)}
    for name in ("Good", "Oz"):
        rows = cli_json("stock", "--tenant", name, env=env)["rows"]
        assert summary[name]["stock_lines"] == len(rows) > 0
    assert summary["Old"]["stock_lines"] is None  # failed: it saved no snapshot
    table = {row["TENANT"]: row for row in _table(run_cli("sync", "--all", env=env).stdout)}
    for name in ("Good", "Oz"):
        listed = _table(run_cli("stock", "--tenant", name, env=env).stdout)
        assert table[name]["STOCK LINES"] == str(len(listed))
    assert table["Old"]["STOCK LINES"] == ""


def test_summary_time_is_the_time_history_shows(sim: RunningSimulator) -> None:
    env = _add_tenants(sim)
    summary = json.loads(run_cli("sync", "--all", "--json", env=env).stdout)
    history = {run["id"]: run for run in cli_json("history", env=env)}
    for row in summary:
        assert row["duration_seconds"] == history[row["run_id"]]["duration_seconds"] > 0
    table = {row["TENANT"]: row["TIME"] for row in _table(run_cli("sync", "--all", env=env).stdout)}
    # History is newest first: a tenant's first row there is the run the table reported.
    shown: dict[str, str] = {}
    for row in _table(run_cli("history", env=env).stdout):
        shown.setdefault(row["TENANT"], row["TIME"])
    assert table == shown
    newest = {run["tenant"]: run for run in reversed(cli_json("history", env=env))}
    assert table == {name: f"{run['duration_seconds']:.1f}s" for name, run in newest.items()}


def test_an_ozon_tenant_is_named_as_history_and_the_tenant_list_name_it(
    sim: RunningSimulator,
) -> None:
    env = _add_tenants(sim)
    client_id = sim.world.sellers[2].ozon_client_id
    accounts = {t["NAME"]: t["ACCOUNT"] for t in _table(run_cli("tenants", "list", env=env).stdout)}
    # Added without --check: nothing asked the marketplace yet, and the number says what it is.
    assert accounts["Oz"] == f"Client-Id {client_id}" and accounts["Good"] == ""
    synced = run_cli("sync", "--tenant", "Oz", "--tenant", "Good", env=env)
    assert synced.returncode == 0, synced.stderr
    rows = {row["TENANT"]: row for row in _table(synced.stdout)}
    runs = {run["TENANT"] for run in _table(run_cli("history", env=env).stdout)}
    assert set(rows) == runs == {"Oz", "Good"}
    # The first sync learnt the sellers' names, which the tenant list shows from then on.
    accounts = {t["NAME"]: t["ACCOUNT"] for t in _table(run_cli("tenants", "list", env=env).stdout)}
    assert accounts["Oz"] == sim.world.sellers[2].trade_mark  # Ozon's company.name: the shop
    assert accounts["Good"] == sim.world.sellers[0].name
    assert client_id not in synced.stdout
    [as_json] = json.loads(run_cli("sync", "--tenant", "Oz", "--json", env=env).stdout)
    assert as_json["tenant"] == "Oz"
    assert client_id not in json.dumps(as_json)


def test_progress_counts_the_tenants_that_finished(sim: RunningSimulator) -> None:
    env = _add_tenants(sim)
    assert run_cli("tenants", "edit", "Old", "--disable", env=env).returncode == 0
    result = run_cli("sync", "--all", env=env)
    assert result.returncode == 0, result.stderr
    finished = [line for line in result.stderr.splitlines() if not line.endswith(": started")]
    # In the order they end; the disabled tenant is not synced, so not counted either.
    assert [line.split(" ", 1)[0] for line in finished] == ["[1/2]", "[2/2]"]
    assert sorted(line.split(" ", 1)[1] for line in finished) == [
        "Good: succeeded",
        "Oz: succeeded",
    ]


def test_ctrl_c_during_sync_all_reports_and_records_the_cancel(sim: RunningSimulator) -> None:
    env = _add_tenants(sim)
    oz = sim.world.sellers[2]
    # The Ozon tenant hangs in its product list; the other two end quickly (one fails).
    sim.world.faults.add(
        Fault(kind="slow", path_prefix="/v3/product/list", seller_id=oz.seller_id, delay=50)
    )
    process = start_cli(
        "sync",
        "--all",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell starts background jobs with SIGINT ignored; Ctrl-C needs its default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()
    stderr: list[str] = []
    assert process.stderr is not None and process.stdout is not None
    reader = threading.Thread(
        target=lambda: [(stderr.append(x), lines.put(x)) for x in process.stderr], daemon=True
    )
    reader.start()
    try:
        ended: set[str] = set()
        while not {"Good: succeeded", "Old: failed"} <= ended:
            ended.add(lines.get(timeout=30).split("] ", 1)[-1].strip())
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout = process.stdout.read()
        assert process.wait(timeout=20) == 130
        reader.join(timeout=10)
    finally:
        process.kill()
    assert time.monotonic() - started < 10  # the cancel did not wait for the slow answer
    err = "".join(stderr)
    assert "Traceback" not in err
    assert "interrupted: finished Good (succeeded), Old (failed); cancelled Oz" in err
    summary = {row["TENANT"]: row["STATUS"] for row in _table(stdout)}
    assert summary == {"Good": "succeeded", "Old": "failed", "Oz": "cancelled"}
    runs = cli_json("history", env=env)
    assert {run["tenant"]: run["status"] for run in runs} == summary
    assert "running" not in {run["status"] for run in runs}


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
    with ctx.database.begin() as conn:
        conn.exec_driver_sql("UPDATE sync_runs SET started_at = '2026-01-01T00:00:00.000000+00:00'")
    ctx.close()
    process = start_cli("daemon", env=env, stderr=subprocess.PIPE)
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
