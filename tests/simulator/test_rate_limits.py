"""Token buckets per seller and group: WB's headers, Ozon's bare 429, the /api/v3 4xx penalty."""

from __future__ import annotations

import time

from stock_tracker_desktop.simulator.limits import WB_LIMITS, LimitSpec, TokenBucket, format_seconds
from tests.simulator.helpers import ozon_client, wb_client

CARDS = "/content/v2/get/cards/list"
BODY = {"settings": {"cursor": {"limit": 1}}}


def test_burst_then_429_with_headers(make_simulator) -> None:
    sim = make_simulator(time_factor=1.0)
    seller, other = sim.world.sellers
    burst = WB_LIMITS["wb.content.cards"].burst
    with wb_client(sim, seller) as wb:
        answers = [wb.post(CARDS, json=BODY) for _ in range(burst + 1)]
    assert [a.status_code for a in answers[:burst]] == [200] * burst
    assert answers[0].headers["X-Ratelimit-Remaining"] == str(burst - 1)
    throttled = answers[-1]
    assert throttled.status_code == 429
    assert throttled.headers["content-type"].startswith("application/problem+json")
    assert 0 < float(throttled.headers["X-Ratelimit-Retry"]) <= 0.6
    assert throttled.headers["X-Ratelimit-Limit"] == str(burst)
    assert float(throttled.headers["X-Ratelimit-Reset"]) > 0
    # Buckets are per seller: another seller is untouched.
    with wb_client(sim, other) as wb:
        assert wb.post(CARDS, json=BODY).status_code == 200
    stats = sim.world.stats.get(seller.seller_id, "wb.content.cards")
    assert (stats.requests, stats.throttled) == (burst + 1, 1)


def test_ozon_429_gives_no_retry_advice(make_simulator) -> None:
    strict = LimitSpec(period=1, limit=1, interval=1, burst=1)
    sim = make_simulator(time_factor=1.0, limit_overrides={"ozon": strict})
    with ozon_client(sim, sim.world.sellers[0]) as oz:
        answers = [oz.post("/v1/roles", json={}) for _ in range(2)]
    throttled = answers[-1]
    assert [a.status_code for a in answers] == [200, 429]
    assert throttled.json()["code"] == 8
    # Ozon says nothing about when to come back: its limits are per second.
    assert not {"retry-after", "x-ratelimit-retry", "x-ratelimit-reset"} & set(throttled.headers)


def test_scaled_bucket_refills(make_simulator) -> None:
    sim = make_simulator(time_factor=0.01)
    seller = sim.world.sellers[0]
    with wb_client(sim, seller) as wb:
        first = [
            wb.get("/api/v1/supplier/orders", params={"dateFrom": "2030-01-01"}) for _ in range(11)
        ]
        assert first[-1].status_code == 429
        time.sleep(float(first[-1].headers["X-Ratelimit-Retry"]) + 0.05)
        assert (
            wb.get("/api/v1/supplier/orders", params={"dateFrom": "2030-01-01"}).status_code == 200
        )


def test_marketplace_4xx_costs_ten(make_simulator) -> None:
    sim = make_simulator(time_factor=1.0)
    seller = sim.world.sellers[0]
    warehouse = seller.wb.seller_warehouses[0].id
    with wb_client(sim, seller) as wb:
        bad = [wb.post(f"/api/v3/stocks/{warehouse}", json={"skus": ["1"]}) for _ in range(2)]
        after = wb.post(f"/api/v3/stocks/{warehouse}", json={"chrtIds": [1]})
    assert [b.status_code for b in bad] == [400, 400]
    assert bad[0].json()["code"] == "SKUUploadDisabled"
    # Burst 20: two 4xx answers spent 20 tokens.
    assert after.status_code == 429


def test_bucket_arithmetic() -> None:
    bucket = TokenBucket(LimitSpec(period=60, limit=3, interval=20, burst=1), time_factor=0.5)
    assert bucket.take().allowed
    refused = bucket.take()
    assert not refused.allowed
    assert 9.9 < refused.retry_after <= 10
    assert format_seconds(10) == "10"
    assert format_seconds(0.0061) == "0.007"
