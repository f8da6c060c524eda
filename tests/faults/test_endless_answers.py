"""Marketplaces that would keep a sync going for ever: wait advice of days or of ``inf``, servers
that trickle their headers or body a byte at a time, a seller whose sync never ends.

Each case is bounded in time and ends with words a person can act on; in a ``sync --all`` the
other sellers succeed and the misbehaving seller's run ends failed, never left "running".
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from stock_tracker_desktop.marketplaces.endpoints import Endpoint
from stock_tracker_desktop.marketplaces.errors import NetworkError, RateLimitExhausted
from stock_tracker_desktop.marketplaces.retry import RetryPolicy
from stock_tracker_desktop.simulator import Fault, RunningSimulator, SellerAccount
from tests.marketplaces import conftest as marketplace_fixtures
from tests.marketplaces.fake_api import FakeApi
from tests.marketplaces.servers import serve_trickling_headers
from tests.marketplaces.test_transport import make_transport
from tests.support.cli import cli_json, run_cli

# The fake marketplace's fixtures, shared with tests/marketplaces.
fake_api = marketplace_fixtures.fake_api
fake_url = marketplace_fixtures.fake_url

ORDERS = Endpoint(
    "GET", "/v1/thing/orders", "api", "things", marketplace="Wildberries", subject="orders"
)
WB_ORDERS = "/api/v1/supplier/orders"
TIME_FACTOR = 0.01  # the cap on a rate-limit wait is then 3 s
PATIENT = RetryPolicy(
    max_attempts=2, base_delay=1.0, max_delay=1.0, max_total=1000.0, max_rate_limited=3
)
# Far past anything a test waits for: only a wrong reading of the advice would hang.
BOUND = 20.0


def _in_three_hours() -> str:
    return format_datetime(datetime.now(UTC) + timedelta(hours=3, seconds=30), usegmt=True)


async def _call_orders(fake_url: str) -> tuple[Exception, float]:
    transport = make_transport(fake_url, retry=PATIENT, time_factor=TIME_FACTOR)
    started = time.monotonic()
    try:
        with pytest.raises((RateLimitExhausted, NetworkError)) as caught:
            await asyncio.wait_for(transport.call(ORDERS), BOUND)
    finally:
        await transport.aclose()
    return caught.value, time.monotonic() - started


@pytest.mark.parametrize(
    ("advice", "asked"),
    [
        ({"Retry-After": "999999"}, "12 days"),
        ({"Retry-After": "1e308", "X-Ratelimit-Retry": "1e308"}, "more than a year"),
        ({"X-Ratelimit-Retry": "999999"}, "12 days"),
        ({"X-Ratelimit-Retry": "inf", "Retry-After": "999999"}, "12 days"),
        # An HTTP date, as RFC 9110 allows: made when the test runs, not when it is collected.
        (lambda: {"Retry-After": _in_three_hours()}, "3 h"),
    ],
)
async def test_advice_past_the_cap_fails_at_once(
    fake_api: FakeApi,
    fake_url: str,
    advice: dict[str, str] | Callable[[], dict[str, str]],
    asked: str,
) -> None:
    fake_api.limited_advice = advice() if callable(advice) else advice
    error, elapsed = await _call_orders(fake_url)
    assert isinstance(error, RateLimitExhausted)
    assert (
        error.message
        == f"Wildberries asks to wait {asked} for orders; the next sync will try again"
    )
    assert fake_api.statuses() == [429]  # nothing waited for, nothing asked again
    assert elapsed < 2


@pytest.mark.parametrize(
    "advice",
    [
        {"Retry-After": "inf"},
        {"Retry-After": "inf", "X-Ratelimit-Retry": "inf"},
        {"Retry-After": "nan"},
        {"X-Ratelimit-Retry": "-5"},
        {"Retry-After": "soon"},
    ],
)
async def test_invalid_advice_is_no_advice(
    fake_api: FakeApi, fake_url: str, advice: dict[str, str]
) -> None:
    """``inf``, ``nan``, negative or unreadable advice is treated as none: the short wait of a
    429 without advice, within the bound on 429s of one request."""
    fake_api.limited_advice = advice
    error, elapsed = await _call_orders(fake_url)
    assert isinstance(error, RateLimitExhausted)
    assert error.message == (
        "Wildberries refused orders with 429 (too many requests) 4 times in a row;"
        " the next sync will try again"
    )
    assert fake_api.statuses() == [429] * 4
    assert elapsed < 2


async def test_a_trickling_body_is_cut_at_the_deadline(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.trickle = 2.0  # {"ok": true} would take 22 s
    error, elapsed = await _call_orders(fake_url)
    assert isinstance(error, NetworkError)
    assert error.message == (
        "the marketplace did not finish its answer within 5 s (gave up after 2 attempts)"
    )
    assert len(fake_api.log) == 2  # retried once, as any network failure
    assert 10 <= elapsed < 13


async def test_trickling_headers_are_cut_at_the_deadline() -> None:
    with serve_trickling_headers(1.0) as url:
        transport = make_transport(url, retry=RetryPolicy(max_attempts=1), time_factor=TIME_FACTOR)
        started = time.monotonic()
        with pytest.raises(NetworkError, match="did not finish its answer within 5 s"):
            await asyncio.wait_for(transport.call(ORDERS), BOUND)
        await transport.aclose()
    assert 5 <= time.monotonic() - started < 7


def add_wb_tenant(name: str, token: str, env: dict[str, str]) -> None:
    added = run_cli(
        "tenants", "add", "--name", name, "--marketplace", "wildberries", "--token-env", "T",
        env={**env, "T": token},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


def add_ozon_tenant(name: str, client_id: str, api_key: str, env: dict[str, str]) -> None:
    added = run_cli(
        "tenants", "add", "--name", name, "--marketplace", "ozon", "--client-id", client_id,
        "--api-key-env", "K", env={**env, "K": api_key},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


def sim_env(sim: RunningSimulator, **more: str) -> dict[str, str]:
    """The environment of a command whose WB sellers are on ``sim``, plus ``more``."""
    return {
        "STOCK_TRACKER_WB_BASE_URL": sim.base_url,
        "STOCK_TRACKER_TIME_FACTOR": str(sim.world.config.time_factor),
        **more,
    }


def sync_all(env: dict[str, str]) -> tuple[dict[str, dict], float]:
    started = time.monotonic()
    result = run_cli("sync", "--all", "--json", env=env)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr  # some work failed, none crashed
    assert "Traceback" not in result.stderr
    return {row["tenant"]: row for row in json.loads(result.stdout)}, elapsed


def failed_beside(summary: dict[str, dict], bystanders: tuple[str, ...], failed: str) -> str:
    """The message of ``failed``'s run, once it failed and every bystander succeeded."""
    assert [summary[name]["status"] for name in bystanders] == ["succeeded"] * len(bystanders)
    assert summary[failed]["status"] == "failed"
    return summary[failed]["message"]


def nothing_running(env: dict[str, str]) -> None:
    runs = cli_json("history", env=env)
    assert runs and all(run["status"] != "running" for run in runs)


def limit_orders(sim: RunningSimulator, seller: SellerAccount, **advice: object) -> None:
    """The seller's WB order calls answer 429 with the given advice (``count`` times)."""
    sim.world.faults.add(
        Fault(kind="rate_limited", path_prefix=WB_ORDERS, seller_id=seller.seller_id, **advice)
    )


@pytest.fixture
def sim(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    return make_simulator(seed=31, sellers=3, products=12, time_factor=TIME_FACTOR)


def test_sync_all_with_endless_servers(sim: RunningSimulator) -> None:
    """One WB seller told to wait twelve days, one Ozon seller whose server trickles: both
    fail in seconds with their reasons; the seller beside them succeeds."""
    sellers = sim.world.sellers
    limit_orders(sim, sellers[1], count=50, retry_after="999999", ratelimit_retry="999999")
    with serve_trickling_headers(1.0) as trickling:
        env = sim_env(sim, STOCK_TRACKER_OZON_BASE_URL=trickling)
        add_wb_tenant("Calm", sellers[0].wb_token, env)
        add_wb_tenant("Limited", sellers[1].wb_token, env)
        add_ozon_tenant("Trickle", sellers[2].ozon_client_id, sellers[2].ozon_api_key, env)
        summary, elapsed = sync_all(env)
    assert failed_beside(summary, ("Calm",), "Limited") == (
        "orders (GET /api/v1/supplier/orders): Wildberries asks to wait 12 days for orders;"
        " the next sync will try again"
    )
    assert "did not finish its answer within 5 s" in failed_beside(summary, ("Calm",), "Trickle")
    assert elapsed < 30
    nothing_running(env)


def test_a_seller_past_its_deadline_fails_alone(sim: RunningSimulator) -> None:
    """Every request within its own deadline, but the seller's sync as a whole too long."""
    sellers = sim.world.sellers
    sim.world.faults.add(
        Fault(kind="slow", path_prefix=WB_ORDERS, seller_id=sellers[1].seller_id, delay=40.0)
    )
    env = sim_env(
        sim,
        STOCK_TRACKER_SELLER_DEADLINE="800",  # 8 s at this time factor
        STOCK_TRACKER_REQUEST_DEADLINE="100000",
    )
    add_wb_tenant("Calm", sellers[0].wb_token, env)
    add_wb_tenant("Stuck", sellers[1].wb_token, env)
    summary, elapsed = sync_all(env)
    assert failed_beside(summary, ("Calm",), "Stuck") == (
        "sync: did not finish within 8 s and was stopped; the previous snapshot was kept"
        " and the next sync will try again"
    )
    assert 8 <= elapsed < 20
    nothing_running(env)


def test_the_longest_rate_limit_wait_is_the_users_setting(sim: RunningSimulator) -> None:
    """The same advice (wait 5 s, past the default cap of 300 s x 0.01) fails at once by default
    and is waited out once the setting allows 1000 s (10 s here); nonsense is refused."""
    sellers = sim.world.sellers
    limit_orders(sim, sellers[0], count=1, retry_after="5")
    env = sim_env(sim)
    add_wb_tenant("Patient", sellers[0].wb_token, env)
    for nonsense in ("inf", "nan", "0", "100000"):
        refused = run_cli("settings", "set", "max_rate_limit_wait", nonsense, env=env)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
    failing = run_cli("sync", "--tenant", "Patient", "--json", env=env)
    assert failing.returncode == 1, failing.stderr
    [first] = json.loads(failing.stdout)
    assert first["status"] == "failed"
    assert "Wildberries asks to wait 5 s for orders" in first["message"]
    assert run_cli("settings", "set", "max_rate_limit_wait", "1000", env=env).returncode == 0
    limit_orders(sim, sellers[0], count=1, retry_after="5")
    passing = run_cli("sync", "--tenant", "Patient", "--json", env=env)
    [second] = json.loads(passing.stdout)
    assert second["status"] == "succeeded", second["message"]
