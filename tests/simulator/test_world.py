"""Determinism, scale and the expected figures a correct client must reproduce."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx

from stock_tracker_desktop.domain.models import Marketplace, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.simulator import (
    ExpectedFigures,
    RunningSimulator,
    SimulatorConfig,
    World,
)

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def test_same_seed_same_data() -> None:
    config = SimulatorConfig(seed=5, sellers=2, products=40, now=NOW)
    first, second = World.build(config), World.build(config)
    window = last_full_days(7, NOW)
    for a, b in zip(first.sellers, second.sellers, strict=True):
        assert (a.seller_id, a.ozon_client_id, a.ozon_api_key) == (
            b.seller_id,
            b.ozon_client_id,
            b.ozon_api_key,
        )
        for marketplace in Marketplace:
            assert first.expected(a, marketplace, window) == second.expected(b, marketplace, window)
    other = World.build(SimulatorConfig(seed=6, sellers=1, products=40, now=NOW))
    assert other.sellers[0].wb.order_rows != first.sellers[0].wb.order_rows


def test_a_large_seller_builds_fast() -> None:
    world = World.build(SimulatorConfig(seed=1, sellers=1, products=2000, now=NOW))
    started = time.perf_counter()
    assert len(world.sellers[0].wb.cards) == 2000
    assert len(world.sellers[0].ozon.products) == 2000
    assert time.perf_counter() - started < 2.0


def test_wb_expected_figures_follow_the_rules() -> None:
    world = World.build(SimulatorConfig(seed=3, sellers=1, products=60, now=NOW))
    seller = world.sellers[0]
    window = last_full_days(7, NOW)
    figures = world.expected(seller, Marketplace.WILDBERRIES, window)
    data = seller.wb
    fbs_only = {pid for pid, _w, kind in figures.stock if kind is WarehouseType.FBS} - {
        pid for pid, _w, kind in figures.stock if kind is WarehouseType.FBO
    }
    assert fbs_only, "some products are stocked on the seller's warehouses only"
    live = [o for o in data.orders if not o.is_cancel and window.contains(o.date)]
    assert sum(figures.orders.values()) == len(live)
    assert any(o.is_cancel for o in data.orders)
    old_but_recently_changed = [
        o for o in data.orders if not window.contains(o.date) and window.contains(o.last_change)
    ]
    assert old_but_recently_changed
    orders_only = data.orders_only_warehouse.name
    assert any(w == orders_only for _p, w in figures.orders)
    assert not any(w == orders_only for _p, w, _k in figures.stock)
    baskets = {o.g_number for o in data.orders}
    assert len(baskets) < len(data.orders), "some baskets hold several units"


def test_ozon_expected_excludes_cancelled() -> None:
    world = World.build(SimulatorConfig(seed=3, sellers=1, products=60, now=NOW))
    seller = world.sellers[0]
    window = last_full_days(7, NOW)
    figures = world.expected(seller, Marketplace.OZON, window)
    postings = [p for ps in seller.ozon.postings.values() for p in ps]
    live = sum(
        q
        for p in postings
        if p.status != "cancelled" and window.contains(p.in_process_at)
        for _product, q in p.lines
    )
    assert sum(figures.orders.values()) == live
    assert any(p.status == "cancelled" for p in postings)
    assert all(product.brand == "" for product in figures.products)


def test_ozon_fbs_truth_is_free_stock() -> None:
    world = World.build(SimulatorConfig(seed=3, sellers=1, products=60, now=NOW))
    seller = world.sellers[0]
    figures = world.expected(seller, Marketplace.OZON, last_full_days(7, NOW))
    rows = seller.ozon.fbs_stock
    assert any(row.reserved for row in rows), "some FBS stock is reserved for orders"
    free: dict[tuple[str, str], int] = {}
    for row in rows:
        place = (str(row.product.product_id), row.warehouse.name)
        free[place] = free.get(place, 0) + row.free_stock
    fbs = {(p, w): f[0] for (p, w, kind), f in figures.stock.items() if kind is WarehouseType.FBS}
    assert fbs == free


def test_expected_json_round_trip(simulator: RunningSimulator) -> None:
    world = simulator.world
    seller = world.sellers[1]
    window = last_full_days(7, world.now)
    for marketplace in Marketplace:
        answer = httpx.get(
            f"{simulator.base_url}/__sim__/expected/{seller.seller_id}",
            params={
                "marketplace": str(marketplace),
                "start": window.start.isoformat(),
                "end": window.end.isoformat(),
            },
        )
        assert answer.status_code == 200
        expected = world.expected(seller, marketplace, window)
        assert ExpectedFigures.from_json(answer.text) == expected
        assert ExpectedFigures.from_json(expected.to_json()) == expected
