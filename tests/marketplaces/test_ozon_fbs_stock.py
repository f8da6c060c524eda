"""Ozon FBS stock on /v2/product/info/stocks-by-warehouse/fbs: every page, free_stock, v1 gone."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from stock_tracker_desktop.domain.models import Marketplace, Product, ProductSize, WarehouseType
from stock_tracker_desktop.domain.problems import ProblemCode
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces import ozon_api
from stock_tracker_desktop.marketplaces.endpoints import Endpoint
from stock_tracker_desktop.marketplaces.errors import EndpointRetired, MarketplaceError
from stock_tracker_desktop.marketplaces.ozon import OzonClient
from stock_tracker_desktop.marketplaces.pacing import credential_key
from stock_tracker_desktop.marketplaces.transport import ApiTransport, Credential
from stock_tracker_desktop.simulator import RunningSimulator
from tests.marketplaces.fake_api import FakeApi
from tests.marketplaces.figures import all_products, all_stock, stock_totals
from tests.marketplaces.test_transport import refused

TIME_FACTOR = 0.01
FBS_STAGE = f"stock:{ozon_api.FBS_STOCK.path}"


async def test_every_page_is_read_and_free_stock_counts(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    # Server pages of one SKU each: many pages per request, short ones, and empty ones (SKUs
    # stocked on Ozon's warehouses only) with more to come.
    sim = make_simulator(seed=2, sellers=1, products=80, ozon_fbs_page_skus=1)
    seller = sim.world.sellers[0]
    progress: list[tuple[str, int, int]] = []
    client = OzonClient(
        seller.ozon_client_id,
        seller.ozon_api_key,
        base_url=sim.base_url,
        time_factor=TIME_FACTOR,
        progress=lambda stage, pages, rows: progress.append((stage, pages, rows)),
    )
    rows = await all_stock(client, await all_products(client))
    await client.aclose()
    fbs = {k: v for k, v in stock_totals(rows).items() if k[2] is WarehouseType.FBS}
    truth = sim.world.expected(seller, Marketplace.OZON, last_full_days(7)).stock
    assert fbs == {k: v for k, v in truth.items() if k[2] is WarehouseType.FBS}
    assert any(row.reserved for row in seller.ozon.fbs_stock), "present differs from free_stock"
    fbs_progress = [(pages, count) for stage, pages, count in progress if stage == FBS_STAGE]
    assert fbs_progress[-1][0] == len(seller.ozon.products)  # every page, not the first
    # The last page is the one with has_next false: an empty one before it had more to come.
    empty_pages = [b for a, b in itertools.pairwise(fbs_progress[:-1]) if a[1] == b[1]]
    assert empty_pages, "an empty page with has_next true was met and passed"


async def test_has_next_without_a_new_cursor_is_an_error(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.answer = {"products": [], "has_next": True, "cursor": ""}
    product = Product("10", "A-1", "", "", "", (ProductSize("1", "", ()),))
    client = OzonClient("7301956", "key", base_url=fake_url)
    with pytest.raises(MarketplaceError, match="has_next without a new cursor") as caught:
        await all_stock(client, [product])
    await client.aclose()
    assert caught.value.problem.code is ProblemCode.CURSOR_STUCK
    assert len(fake_api.log) == 1


async def test_the_retired_v1_method_is_reported_as_retired(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    transport = ApiTransport(
        credential=Credential(
            key=credential_key("ozon", seller.ozon_client_id),
            headers={"Client-Id": seller.ozon_client_id, "Api-Key": seller.ozon_api_key},
            secrets=(seller.ozon_api_key,),
        ),
        hosts={ozon_api.SELLER_API: simulator.base_url},
        limits=ozon_api.LIMITS,
        describe_auth=refused,
        time_factor=TIME_FACTOR,
    )
    v1 = Endpoint(
        "POST", "/v1/product/info/stocks-by-warehouse/fbs", ozon_api.SELLER_API, ozon_api.GROUP
    )
    with pytest.raises(EndpointRetired) as caught:
        await transport.call(v1, json_body={"sku": [str(seller.ozon.products[0].sku)]})
    await transport.aclose()
    assert str(caught.value) == (
        "POST /v1/product/info/stocks-by-warehouse/fbs: endpoint retired by the marketplace"
    )
