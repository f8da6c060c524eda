"""WB tokens: refused with problem+json when expired, malformed, in the wrong environment,
lacking the method's category, or signed by someone else; Ozon keys likewise."""

from __future__ import annotations

import pytest

from stock_tracker_desktop.simulator import RunningSimulator, SimulatorConfig, World
from tests.simulator.helpers import wb_client

PROBLEM_FIELDS = {
    "title",
    "detail",
    "code",
    "requestId",
    "origin",
    "status",
    "statusText",
    "timestamp",
}


def _refused(sim: RunningSimulator, token: str, path: str = "/api/v3/warehouses", **headers: str):
    with wb_client(sim, sim.world.sellers[0], token) as wb:
        answer = wb.get(path, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert token not in answer.text or not token
    return body["detail"]


def test_valid_token_is_accepted(simulator: RunningSimulator) -> None:
    with wb_client(simulator, simulator.world.sellers[0]) as wb:
        assert wb.get("/api/v3/warehouses").status_code == 200
    bearer = f"Bearer {simulator.world.sellers[0].wb_token}"
    with wb_client(simulator, simulator.world.sellers[0], bearer) as wb:
        assert wb.get("/api/v1/seller-info").status_code == 200


def test_expired_token(simulator: RunningSimulator) -> None:
    world = simulator.world
    assert "expired" in _refused(simulator, world.mint_wb_token(world.sellers[0], expired=True))


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c"])
def test_malformed_token(simulator: RunningSimulator, token: str) -> None:
    detail = _refused(simulator, token)
    assert "malformed" in detail or "empty" in detail


def test_token_signed_by_another_key(simulator: RunningSimulator) -> None:
    stranger = World.build(SimulatorConfig(seed=999, sellers=1, products=1))
    assert "signature" in _refused(simulator, stranger.sellers[0].wb_token)


def test_sandbox_rules(simulator: RunningSimulator) -> None:
    world = simulator.world
    sandbox = world.mint_wb_token(world.sellers[0], sandbox=True)
    assert "sandbox" in _refused(simulator, sandbox)
    host = {"Host": "marketplace-api-sandbox.wildberries.ru"}
    with wb_client(simulator, world.sellers[0], sandbox) as wb:
        assert wb.get("/api/v3/warehouses", headers=host).status_code == 200
    assert "production" in _refused(simulator, world.sellers[0].wb_token, **host)


def test_missing_category(simulator: RunningSimulator) -> None:
    world = simulator.world
    token = world.mint_wb_token(world.sellers[0], categories=("Content", "Statistics"))
    assert "Marketplace" in _refused(simulator, token)
    # /ping checks the category of the host it is asked on.
    assert "Analytics" in _refused(
        simulator, token, "/ping", Host="seller-analytics-api.wildberries.ru"
    )
    with wb_client(simulator, world.sellers[0], token) as wb:
        assert wb.get("/ping", headers={"Host": "content-api.wildberries.ru"}).status_code == 200


def test_ozon_wrong_key(simulator: RunningSimulator) -> None:
    import httpx

    seller = simulator.world.sellers[0]
    headers = {
        "Client-Id": seller.ozon_client_id,
        "Api-Key": "00000000-0000-0000-0000-000000000000",
    }
    answer = httpx.post(f"{simulator.base_url}/v1/roles", headers=headers, json={})
    assert answer.status_code == 403
    assert set(answer.json()) == {"code", "message", "details"}
