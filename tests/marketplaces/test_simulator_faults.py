"""The WB client meeting the simulator's bad days: retired methods, faults, tokens, sandbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
import pytest

from stock_tracker_desktop.domain.models import Marketplace, StockRow, WarehouseType
from stock_tracker_desktop.domain.problems import ProblemCode
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.errors import (
    AuthError,
    MalformedResponse,
    MarketplaceError,
    NetworkError,
)
from stock_tracker_desktop.marketplaces.retry import RetryPolicy
from stock_tracker_desktop.marketplaces.transport import new_http_client
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient
from stock_tracker_desktop.simulator import (
    Fault,
    RunningSimulator,
)
from tests.marketplaces.figures import all_products, all_stock, stock_totals, sync

TIME_FACTOR = 0.01
ORDERS = "/api/v1/supplier/orders"
WB_STOCKS = "/api/analytics/v1/stocks-report/wb-warehouses"


@pytest.fixture
def sim(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    """A spec-validating simulator (answers of injected faults are exempt)."""
    return make_simulator(seed=4, sellers=1, products=60, time_factor=TIME_FACTOR)


@pytest.fixture
def refusing_sim(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    """A spec-validating simulator for the tests that provoke 401s."""
    return make_simulator(seed=4, sellers=1, products=30, time_factor=TIME_FACTOR)


def wb_client(
    sim: RunningSimulator, token: str | None = None, **options: object
) -> WildberriesClient:
    token = token or sim.world.sellers[0].wb_token
    return WildberriesClient(token, base_url=sim.base_url, time_factor=TIME_FACTOR, **options)


async def test_retired_stock_method_falls_back_to_the_report(sim: RunningSimulator) -> None:
    sim.world.faults.add(Fault(kind="retired", path_prefix=WB_STOCKS))
    client = wb_client(sim)
    products = await all_products(client)
    rows = await all_stock(client, products)
    await client.aclose()
    seller = sim.world.sellers[0]
    expected = sim.world.expected(seller, Marketplace.WILDBERRIES, last_full_days(7)).stock
    totals = stock_totals(rows)
    # Quantities per real warehouse match exactly; no pseudo-warehouse became a warehouse.
    real = {key: figures[0] for key, figures in totals.items() if key[1]}
    assert real == {key: figures[0] for key, figures in expected.items()}
    # The report's in-transit figures exist per product only; they add up to the truth.
    for index in (1, 2):
        by_product: dict[str, int] = {}
        for (product_id, _, kind), figures in expected.items():
            if kind is WarehouseType.FBO:
                by_product[product_id] = by_product.get(product_id, 0) + figures[index]
        got: dict[str, int] = {}
        for (product_id, _, _), figures in totals.items():
            got[product_id] = got.get(product_id, 0) + figures[index]
        assert {k: v for k, v in got.items() if v} == {k: v for k, v in by_product.items() if v}
    assert all(row.size_id for row in rows)


async def test_server_errors_and_cut_bodies_are_survived(sim: RunningSimulator) -> None:
    sim.world.faults.add(Fault(kind="server_error", path_prefix=ORDERS, count=3))
    sim.world.faults.add(Fault(kind="truncated", path_prefix="/content/", count=1))
    client = wb_client(sim)
    seller = sim.world.sellers[0]
    window = last_full_days(7)
    figures = await sync(client, window)
    await client.aclose()
    expected = sim.world.expected(seller, Marketplace.WILDBERRIES, window)
    assert figures.orders == expected.orders
    assert figures.products == expected.products
    assert client.stats.retries == 4


async def test_malformed_answer_names_the_field(sim: RunningSimulator) -> None:
    sim.world.faults.add(Fault(kind="malformed", path_prefix=ORDERS))
    client = wb_client(sim)
    with pytest.raises(MalformedResponse) as caught:
        async for _ in client.order_lines(last_full_days(7)):
            pass
    await client.aclose()
    assert str(caught.value).startswith(f"GET {ORDERS}: unexpected answer: field ")
    problem = caught.value.problem
    assert problem.code is ProblemCode.ANSWER_MALFORMED
    assert problem.english() == caught.value.message
    assert set(problem.params) == {"field", "detail"}


async def test_a_hanging_marketplace_is_given_up_on(sim: RunningSimulator) -> None:
    sim.world.faults.add(Fault(kind="timeout", path_prefix=ORDERS, count=5, delay=1.0))
    http = new_http_client(httpx.Timeout(0.2, connect=1.0))
    retry = RetryPolicy(max_attempts=2, base_delay=0.01)
    client = wb_client(sim, http_client=http, retry=retry)
    with pytest.raises(NetworkError, match="did not answer in time") as caught:
        async for _ in client.order_lines(last_full_days(7)):
            pass
    await http.aclose()
    assert caught.value.problem.code is ProblemCode.NO_ANSWER
    assert caught.value.problem.params == {"attempts": 2}
    assert client.stats.requests == 2


async def test_connection_check_reads_the_token(refusing_sim: RunningSimulator) -> None:
    sim = refusing_sim
    seller = sim.world.sellers[0]
    client = wb_client(sim)
    report = await client.check_connection()
    await client.aclose()
    assert report.ok
    assert report.seller is not None
    assert report.seller.seller_id == seller.seller_id
    assert report.expires_at is not None

    lacking = sim.world.mint_wb_token(seller, categories=("Content", "Analytics", "Marketplace"))
    client = wb_client(sim, lacking)
    report = await client.check_connection()
    await client.aclose()
    assert report.missing == ("Statistics",)
    assert not report.ok

    expired = sim.world.mint_wb_token(seller, expired=True)
    client = wb_client(sim, expired)
    report = await client.check_connection()
    await client.aclose()
    # Every host refuses an expired token alike, each naming the date as a date.
    assert {p.code for p in report.problems} == {ProblemCode.TOKEN_EXPIRED}
    assert all(type(p.params["date"]) is date for p in report.problems)
    assert any("token expired on" in str(problem) for problem in report.problems)
    assert all(expired not in str(problem) for problem in report.problems)
    assert report.refusal is not None and report.refusal.code is ProblemCode.TOKEN_EXPIRED
    assert report.refused == str(report.refusal)
    assert report.refused.startswith("GET /api/v1/seller-info: ")


async def test_sandbox_tokens_and_hosts(refusing_sim: RunningSimulator) -> None:
    sim = refusing_sim
    seller = sim.world.sellers[0]
    sandbox_token = sim.world.mint_wb_token(seller, sandbox=True)
    on_production = wb_client(sim, sandbox_token)
    with pytest.raises(AuthError, match="sandbox token used on production") as refused:
        await all_products(on_production)
    assert refused.value.problem.code is ProblemCode.SANDBOX_TOKEN_ON_PRODUCTION
    await on_production.aclose()

    client = wb_client(sim, sandbox_token, sandbox=True)
    products = await all_products(client)
    assert products
    pages: list[list[StockRow]] = []

    async def read_stock() -> None:
        async for page in client.stock(products):
            pages.append(page)

    with pytest.raises(MarketplaceError, match="no sandbox for stock on WB warehouses") as gap:
        await read_stock()
    assert gap.value.problem.code is ProblemCode.NO_SANDBOX_FBO_STOCK
    # The hosts without a sandbox twin are gaps, not refusals, each naming what it lacks.
    report = await client.check_connection()
    assert [p.code for p in report.problems] == [
        ProblemCode.NO_SANDBOX_CATEGORY,
        ProblemCode.NO_SANDBOX_SELLER_NAME,
    ]
    assert report.problems[0].params == {"category": "Analytics"}
    assert report.refusal is None and report.refused == ""
    await client.aclose()
    assert pages
    assert {row.warehouse_type for page in pages for row in page} == {WarehouseType.FBS}
