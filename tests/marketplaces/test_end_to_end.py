"""Both clients against the simulator: the figures a sync arrives at equal the world's truth."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.ozon import OzonClient
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient
from stock_tracker_desktop.simulator import RunningSimulator
from tests.marketplaces.figures import sync

TIME_FACTOR = 0.01


@pytest.fixture(params=[1, 2, 3], ids=lambda seed: f"seed{seed}")
def seeded(
    request: pytest.FixtureRequest, make_simulator: Callable[..., RunningSimulator]
) -> RunningSimulator:
    """A spec-validating simulator. 110 products: two pages of cards; a small row cap:
    several pages of orders with repeated boundary rows; Ozon FBS stock pages of 7 SKUs."""
    return make_simulator(
        seed=request.param,
        sellers=1,
        products=110,
        time_factor=TIME_FACTOR,
        orders_days=10,
        orders_row_cap=150,
        ozon_fbs_page_skus=7,
    )


async def test_wildberries_figures_match_the_world(seeded: RunningSimulator) -> None:
    window = last_full_days(7)
    for seller in seeded.world.sellers:
        client = WildberriesClient(
            seller.wb_token, base_url=seeded.base_url, time_factor=TIME_FACTOR
        )
        figures = await sync(client, window)
        await client.aclose()
        expected = seeded.world.expected(seller, Marketplace.WILDBERRIES, window)
        assert figures.products == expected.products
        assert figures.stock == expected.stock
        assert figures.orders == expected.orders
        assert client.stats.rate_limited == 0


async def test_ozon_figures_match_the_world(seeded: RunningSimulator) -> None:
    window = last_full_days(7)
    for seller in seeded.world.sellers:
        client = OzonClient(
            seller.ozon_client_id,
            seller.ozon_api_key,
            base_url=seeded.base_url,
            time_factor=TIME_FACTOR,
        )
        figures = await sync(client, window)
        await client.aclose()
        expected = seeded.world.expected(seller, Marketplace.OZON, window)
        assert figures.products == expected.products
        assert figures.stock == expected.stock
        assert figures.orders == expected.orders
        assert client.stats.rate_limited == 0


async def test_ozon_orders_alone_fetch_the_product_ids(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    seeded = make_simulator(seed=5, sellers=1, products=20, orders_days=10)
    seller = seeded.world.sellers[0]
    window = last_full_days(14)
    client = OzonClient(
        seller.ozon_client_id, seller.ozon_api_key, base_url=seeded.base_url, time_factor=0.01
    )
    lines = [line async for page in client.order_lines(window) for line in page]
    await client.aclose()
    expected = seeded.world.expected(seller, Marketplace.OZON, window)
    assert {line.product_id for line in lines if not line.cancelled} == {
        product_id for product_id, _ in expected.orders
    }
    assert len({line.line_id for line in lines}) == len(lines)
