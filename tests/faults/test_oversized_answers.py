"""Answers too large to hold: 200 MB of JSON, or 1 MiB that inflates to 1 GiB (a gzip bomb).

The client counts the decompressed bytes as they arrive and drops the answer past the method's
bound, so the process's memory stays bounded, and the seller's stage fails with a message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from stock_tracker_desktop.simulator import RunningSimulator
from tests.faults.test_endless_answers import (
    add_ozon_tenant,
    add_wb_tenant,
    failed_beside,
    nothing_running,
    sim_env,
    sync_all,
)
from tests.marketplaces import conftest as marketplace_fixtures
from tests.marketplaces.fake_api import MIB, FakeApi
from tests.marketplaces.tokens import wb_token
from tests.support.cli import REPO_ROOT

# The fake marketplace's fixtures, shared with tests/marketplaces.
fake_api = marketplace_fixtures.fake_api
fake_url = marketplace_fixtures.fake_url

# Reads a WB seller's products from the URL in argv[1] in a process of its own and prints what
# went wrong and how far its peak memory grew beyond what importing the app took.
READ_PRODUCTS = """
import asyncio, json, resource, sys
from stock_tracker_desktop.marketplaces.errors import MarketplaceError
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient

async def read(client):
    try:
        async for _ in client.products():
            pass
    except MarketplaceError as exc:
        return exc.message
    finally:
        await client.aclose()

client = WildberriesClient(sys.argv[2], base_url=sys.argv[1], time_factor=0.01)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
message = asyncio.run(read(client))
growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"message": message, "growth_mb": growth / 1024}))
"""
TOO_LARGE = (
    "Wildberries sent more than 64 MB for one page of products, more than any real page holds;"
    " the answer was dropped and the next sync will ask again"
)


def _read_products_apart(url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", READ_PRODUCTS, url, wb_token()],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("kind", "size"), [("huge_answer", 200 * 1024 * 1024), ("gzip_bomb", 1024 * MIB)]
)
def test_an_oversized_answer_is_dropped_in_bounded_memory(
    fake_api: FakeApi, fake_url: str, kind: str, size: int
) -> None:
    setattr(fake_api, kind, size)
    outcome = _read_products_apart(fake_url)
    assert outcome["growth_mb"] < 300
    assert outcome["message"] == TOO_LARGE
    assert fake_api.statuses() == [200]  # asking again would only get the same


@pytest.fixture
def sim(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    return make_simulator(seed=37, sellers=2, products=12, time_factor=0.01)


def test_a_bomb_fails_only_its_sellers_stage(
    fake_api: FakeApi, fake_url: str, sim: RunningSimulator
) -> None:
    fake_api.gzip_bomb = 1024 * MIB
    sellers = sim.world.sellers
    env = sim_env(sim, STOCK_TRACKER_OZON_BASE_URL=fake_url)
    add_wb_tenant("Calm", sellers[0].wb_token, env)
    add_ozon_tenant("Bomb", sellers[1].ozon_client_id, sellers[1].ozon_api_key, env)
    summary, _ = sync_all(env)
    assert failed_beside(summary, ("Calm",), "Bomb") == (
        "products (POST /v3/product/list): Ozon sent more than 64 MB for one page of products,"
        " more than any real page holds; the answer was dropped and the next sync will ask again"
    )
    nothing_running(env)
