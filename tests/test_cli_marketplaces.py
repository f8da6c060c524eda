"""`tenants check`, `tenants add --check` and `stock-tracker simulator`, end to end."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import pytest

from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.cli import REPO_ROOT, cli_json, run_cli


@pytest.fixture
def sim(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    return make_simulator(seed=3, sellers=1, products=10)


def _env(sim: RunningSimulator) -> dict[str, str]:
    return {
        "STOCK_TRACKER_WB_BASE_URL": sim.base_url,
        "STOCK_TRACKER_OZON_BASE_URL": sim.base_url,
        "STOCK_TRACKER_TIME_FACTOR": "0.01",
    }


def test_add_with_check_and_check_again(sim: RunningSimulator) -> None:
    seller = sim.world.sellers[0]
    env = {**_env(sim), "T": seller.wb_token}
    added = run_cli(
        "tenants",
        "add",
        "--name",
        "Sim WB",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        "--check",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    assert f"Seller:     {seller.name}" in added.stdout
    assert "Missing:    none" in added.stdout
    report = cli_json("tenants", "check", "Sim WB", env=env)
    assert report["ok"] is True
    assert set(report["granted"]) >= {"Content", "Analytics", "Marketplace", "Statistics"}
    assert cli_json("tenants", "show", "Sim WB", env=env)["seller_name"] == seller.name


def test_check_names_missing_categories_and_exits_1(sim: RunningSimulator) -> None:
    seller = sim.world.sellers[0]
    token = sim.world.mint_wb_token(seller, categories=("Content", "Statistics"))
    env = {**_env(sim), "T": token}
    run_cli(
        "tenants",
        "add",
        "--name",
        "Partial",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        env=env,
    )
    result = run_cli("tenants", "check", "Partial", "--json", env=env)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["missing"] == ["Analytics", "Marketplace"]
    assert token not in result.stdout + result.stderr


def test_check_an_ozon_tenant(sim: RunningSimulator) -> None:
    seller = sim.world.sellers[0]
    env = {**_env(sim), "K": seller.ozon_api_key}
    run_cli(
        "tenants",
        "add",
        "--name",
        "Sim Oz",
        "--marketplace",
        "ozon",
        "--client-id",
        seller.ozon_client_id,
        "--api-key-env",
        "K",
        env=env,
    )
    report = cli_json("tenants", "check", "Sim Oz", env=env)
    assert report["ok"] is True
    wrong = {**env, "K": "00000000-0000-4000-8000-000000000000"}
    run_cli("tenants", "edit", "Sim Oz", "--api-key-env", "K", env=wrong)
    refused = run_cli("tenants", "check", "Sim Oz", "--json", env=wrong)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["problems"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_simulator_command_serves_and_prints_credentials() -> None:
    port = _free_port()
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stock_tracker_desktop",
            "simulator",
            "--port",
            str(port),
            "--sellers",
            "1",
            "--products",
            "5",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    ) as process:
        try:
            assert process.stdout is not None
            assert f"http://127.0.0.1:{port}" in process.stdout.readline()
            token_line = ""
            while "WB token" not in token_line:
                token_line = process.stdout.readline()
            token = token_line.split(":", 1)[1].strip()
            deadline = time.monotonic() + 20
            while True:
                try:
                    answer = httpx.get(
                        f"http://127.0.0.1:{port}/api/v1/seller-info",
                        headers={"Authorization": token},
                    )
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the simulator never started listening"
                    time.sleep(0.1)
            assert answer.status_code == 200
            assert answer.json()["name"]
        finally:
            process.terminate()
            process.wait(timeout=10)
