"""Ozon API keys: each seller's expiry is seeded and counted from the world's now, a few expire
within two weeks, and /v1/roles tells it as Ozon's spec says (the fixture validates each
exchange)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from stock_tracker_desktop.simulator import RunningSimulator, SimulatorConfig, World
from tests.simulator.helpers import ozon_client

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
SOON = timedelta(days=14)
OZON_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def expiries(world: World) -> list[datetime]:
    return [seller.ozon_key_expires_at for seller in world.sellers]


def test_key_expiry_is_seeded_and_counts_from_the_worlds_now() -> None:
    config = SimulatorConfig(seed=5, sellers=4, products=1, now=NOW)
    first = expiries(World.build(config))
    assert first == expiries(World.build(config))
    assert len(set(first)) == len(first)
    other = expiries(World.build(SimulatorConfig(seed=6, sellers=4, products=1, now=NOW)))
    assert other != first
    later = SimulatorConfig(seed=5, sellers=4, products=1, now=NOW + timedelta(days=1))
    assert expiries(World.build(later)) == [moment + timedelta(days=1) for moment in first]


def test_most_keys_have_months_left_and_a_few_expire_soon() -> None:
    for seed in (1, 2, 3, 2026):
        world = World.build(SimulatorConfig(seed=seed, sellers=10, products=1, now=NOW))
        soon = [i for i, moment in enumerate(expiries(world)) if moment - NOW <= SOON]
        # Seller 1 is the demo's Ozon seller (services/demo.py): its key is the one to renew.
        assert soon == [1, 6]
        for index, moment in enumerate(expiries(world)):
            assert NOW < moment <= NOW + timedelta(days=180)  # keys are valid for six months
            assert index in soon or moment - NOW >= timedelta(days=45)  # months ahead
            assert moment.utcoffset() == timedelta(0)
            assert moment.microsecond % 1000 == 0  # whole milliseconds, as Ozon writes them


def test_roles_tells_the_keys_expiry(simulator: RunningSimulator) -> None:
    for seller in simulator.world.sellers:
        with ozon_client(simulator, seller) as oz:
            # The spec declares no request body: none, or an empty object, is the same request.
            bare, with_body = oz.post("/v1/roles"), oz.post("/v1/roles", json={})
        assert bare.status_code == with_body.status_code == 200
        assert bare.json() == with_body.json()
        answer = bare.json()
        assert OZON_MILLIS.match(answer["expires_at"])
        stamp = datetime.fromisoformat(answer["expires_at"])
        assert stamp == seller.ozon_key_expires_at
        assert answer["roles"] and all(role["methods"] for role in answer["roles"])


def test_roles_checks_the_key_like_every_ozon_method(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    url = f"{simulator.base_url}/v1/roles"
    missing = httpx.post(url, headers={"Client-Id": seller.ozon_client_id})
    other_sellers_key = {
        "Client-Id": seller.ozon_client_id,
        "Api-Key": simulator.world.sellers[1].ozon_api_key,
    }
    wrong = httpx.post(url, headers=other_sellers_key, json={})
    for refused in (missing, wrong):
        assert refused.status_code == 403
        assert set(refused.json()) == {"code", "message", "details"}
