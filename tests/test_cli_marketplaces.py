"""`tenants check`, `tenants add --check` and `stock-tracker simulator`, end to end."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from subprocess import CompletedProcess

import httpx
import pytest

from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.cli import REPO_ROOT, cli_json, run_cli
from tests.support.tokens import wb_token


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


def _add_checked(sim: RunningSimulator, *options: str, **secrets: str) -> CompletedProcess[str]:
    """`tenants add --check` against the simulator: a WB tenant when ``T`` is given, else an
    Ozon one (``K``, the seller's Client-Id)."""
    if "T" in secrets:
        who = ["--marketplace", "wildberries", "--token-env", "T"]
    else:
        client_id = sim.world.sellers[0].ozon_client_id
        who = ["--marketplace", "ozon", "--client-id", client_id, "--api-key-env", "K"]
    return run_cli(
        "tenants", "add", "--name", "Shop", *who, "--check", *options, env={**_env(sim), **secrets}
    )


@pytest.mark.parametrize(
    ("secrets", "said"),
    [
        (
            {"T": wb_token()},
            "GET /api/v1/seller-info: the marketplace refused the token (HTTP 401)",
        ),
        (
            {"K": "00000000-0000-4000-8000-000000000000"},
            "POST /v1/roles: Ozon refused the Client-Id and API key (HTTP 403)",
        ),
    ],
    ids=["wb-token-rejected", "ozon-wrong-api-key"],
)
def test_add_check_refuses_credentials_the_marketplace_rejects(
    sim: RunningSimulator, secrets: dict[str, str], said: str
) -> None:
    refused = _add_checked(sim, **secrets)
    assert refused.returncode == 2, refused.stderr
    first = refused.stderr.splitlines()[0]
    assert first.startswith(f"stock-tracker: {said}"), refused.stderr
    assert first.endswith("the tenant was not added (--force adds it anyway)")
    assert "categor" not in refused.stderr  # the marketplace's words, not a guess at categories
    assert "Traceback" not in refused.stderr
    assert cli_json("tenants", "list", "--all", env=_env(sim)) == []

    forced = _add_checked(sim, "--force", **secrets)
    assert forced.returncode == 1, forced.stderr  # added, and the check's failure is reported
    assert "added Shop" in forced.stdout
    assert said in forced.stderr
    assert [t["name"] for t in cli_json("tenants", "list", env=_env(sim))] == ["Shop"]


def test_add_check_with_json_keeps_stdout_json(sim: RunningSimulator) -> None:
    added = _add_checked(sim, "--json", T=sim.world.sellers[0].wb_token)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["seller_name"] == sim.world.sellers[0].name
    assert "Missing:    none" in added.stderr


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
