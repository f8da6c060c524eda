"""Paging behaves as the specs describe, including the awkward parts."""

from __future__ import annotations

from datetime import timedelta

import httpx

from stock_tracker_desktop.simulator import LimitSpec, RunningSimulator
from stock_tracker_desktop.simulator.timefmt import utc_z
from tests.simulator.helpers import ozon_client, wb_client

FBS_STOCK_V1 = "/v1/product/info/stocks-by-warehouse/fbs"
FBS_STOCK_V2 = "/v2/product/info/stocks-by-warehouse/fbs"


def test_cards_cursor_walks_every_card_once(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    seen: list[int] = []
    cursor: dict = {"limit": 7}
    with wb_client(simulator, seller) as wb:
        while True:
            body = {"settings": {"sort": {"ascending": True}, "cursor": cursor}}
            page = wb.post("/content/v2/get/cards/list", json=body).json()
            seen += [card["nmID"] for card in page["cards"]]
            if page["cursor"]["total"] < 7:
                break
            cursor = {"limit": 7, **{k: page["cursor"][k] for k in ("updatedAt", "nmID")}}
        too_big = wb.post(
            "/content/v2/get/cards/list", json={"settings": {"cursor": {"limit": 101}}}
        )
    assert sorted(seen) == sorted(card.nm_id for card in seller.wb.cards)
    assert len(seen) == len(set(seen))
    assert too_big.status_code == 400
    assert too_big.json()["error"] is True


def test_stocks_report_offset_paging(make_simulator) -> None:
    # The real limit is one call per 20 s; a wide bucket lets the test page quickly.
    wide = LimitSpec(period=1, limit=100, interval=0.01, burst=100)
    sim = make_simulator(limit_overrides={"wb.analytics.stocks_report": wide})
    seller = sim.world.sellers[0]
    url = "/api/analytics/v1/stocks-report/wb-warehouses"
    paged: list[dict] = []
    with wb_client(sim, seller) as wb:
        whole = wb.post(url, json={}).json()["data"]["items"]
        while True:
            page = wb.post(url, json={"limit": 10, "offset": len(paged)}).json()["data"]["items"]
            paged += page
            if len(page) < 10:
                break
        too_big = wb.post(url, json={"limit": 250001})
    assert paged == whole
    assert len(whole) == len(seller.wb.fbo_stock)
    assert {"nmId", "chrtId", "warehouseName", "quantity", "inWayToClient"} <= whole[0].keys()
    assert too_big.status_code == 400


def test_orders_pages_repeat_the_boundary_timestamp(make_simulator) -> None:
    wide = LimitSpec(period=1, limit=100, interval=0.01, burst=100)
    sim = make_simulator(
        orders_row_cap=25, products=40, limit_overrides={"wb.statistics.orders": wide}
    )
    seller = sim.world.sellers[0]
    date_from = "2000-01-01"
    pages: list[list[dict]] = []
    with wb_client(sim, seller) as wb:
        for _ in range(200):
            page = wb.get("/api/v1/supplier/orders", params={"dateFrom": date_from}).json()
            new = {r["srid"] for r in page} - {r["srid"] for p in pages for r in p}
            pages.append(page)
            if not page or not new:
                break
            date_from = page[-1]["lastChangeDate"]
    rows = [row for page in pages for row in page]
    srids = {row["srid"] for row in rows}
    assert srids == {order.srid for order in seller.wb.orders}
    assert len(rows) > len(srids), "consecutive pages must overlap on the boundary timestamp"
    assert all(len(page) <= 25 or len({r["lastChangeDate"] for r in page}) == 1 for page in pages)
    stamps = [row["lastChangeDate"] for row in pages[0]]
    assert stamps == sorted(stamps)


def test_ozon_postings_cursor_with_short_pages(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    now = simulator.world.now
    flt = {"since": utc_z(now - timedelta(days=40)), "to": utc_z(now)}
    numbers: list[str] = []
    short_page_with_more = False
    cursor = ""
    with ozon_client(simulator, seller) as oz:
        while True:
            body = {"filter": flt, "limit": 100, "cursor": cursor}
            page = oz.post("/v3/posting/fbo/list", json=body).json()
            numbers += [p["posting_number"] for p in page["postings"]]
            short_page_with_more |= page["has_next"] and len(page["postings"]) < 100
            if not page["has_next"]:
                break
            cursor = page["cursor"]
        too_long = oz.post(
            "/v4/posting/fbs/list",
            json={"filter": {"since": "2020-01-01T00:00:00Z", "to": utc_z(now)}, "limit": 10},
        )
    assert numbers == [p.posting_number for p in seller.ozon.postings["fbo"]]
    assert short_page_with_more
    assert too_long.status_code == 400
    assert "PERIOD_IS_TOO_LONG" in too_long.json()["message"]


def test_ozon_product_list_last_id(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[1]
    ids: list[int] = []
    last_id = ""
    with ozon_client(simulator, seller) as oz:
        while True:
            result = oz.post("/v3/product/list", json={"limit": 8, "last_id": last_id}).json()
            items = result["result"]["items"]
            ids += [item["product_id"] for item in items]
            if len(items) < 8:
                break
            last_id = result["result"]["last_id"]
        stocks = oz.post("/v4/product/info/stocks", json={"filter": {}, "limit": 1000}).json()
    assert ids == [p.product_id for p in seller.ozon.products]
    assert stocks["cursor"] == ""
    # Ozon drops `total` from both answers on 2026-11-23: a client must never need it.
    assert "total" not in result["result"]
    assert "total" not in stocks


def _fbs_pages(oz: httpx.Client, skus: list[str], limit: int) -> list[dict]:
    pages: list[dict] = []
    cursor = ""
    while True:
        body = {"sku": skus, "limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = oz.post(FBS_STOCK_V2, json=body)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        if not pages[-1]["has_next"]:
            return pages
        cursor = pages[-1]["cursor"]


def test_ozon_fbs_stock_pages_end_only_with_has_next(make_simulator) -> None:
    sim = make_simulator(products=40, ozon_fbs_page_skus=1)
    data = sim.world.sellers[0].ozon
    skus = [str(p.sku) for p in data.products]
    with ozon_client(sim, sim.world.sellers[0]) as oz:
        pages = _fbs_pages(oz, skus, limit=5)
    rows = [row for page in pages for row in page["products"]]
    expected = [(s.product.sku, s.warehouse.id) for s in data.fbs_stock]
    assert sorted((row["sku"], row["warehouse_id"]) for row in rows) == sorted(expected)
    assert all(len(page["products"]) <= 5 for page in pages)
    more = [page for page in pages if page["has_next"]]
    assert any(0 < len(page["products"]) < 5 for page in more), "a short page with more to come"
    assert any(not page["products"] for page in more), "an empty page with more to come"
    assert all(row["free_stock"] == row["present"] - row["reserved"] for row in rows)
    assert any(row["present"] != row["free_stock"] for row in rows), "some stock is reserved"


def test_ozon_fbs_stock_v2_refuses_what_the_spec_forbids(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    skus = [str(p.sku) for p in seller.ozon.products[:3]]
    offers = [p.offer_id for p in seller.ozon.products[:3]]
    with ozon_client(simulator, seller) as oz:
        no_limit = oz.post(FBS_STOCK_V2, json={"sku": skus})
        too_big = oz.post(FBS_STOCK_V2, json={"sku": skus, "limit": 1001})
        both = oz.post(FBS_STOCK_V2, json={"sku": skus, "offer_id": offers, "limit": 10})
        too_many = oz.post(FBS_STOCK_V2, json={"sku": ["1"] * 1001, "limit": 10})
        by_offer = oz.post(FBS_STOCK_V2, json={"offer_id": offers, "limit": 10})
    assert [a.status_code for a in (no_limit, too_big, both, too_many)] == [400] * 4
    assert all(a.json()["message"] for a in (no_limit, too_big, both, too_many))
    assert {row["offer_id"] for row in by_offer.json()["products"]} <= set(offers)
    assert by_offer.json()["products"]


def test_ozon_fbs_stock_v1_is_switched_off(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    with ozon_client(simulator, seller) as oz:
        answer = oz.post(FBS_STOCK_V1, json={"sku": [str(seller.ozon.products[0].sku)]})
    body = answer.json()
    assert answer.status_code == 404
    assert (sorted(body), body["code"], body["details"]) == (["code", "details", "message"], 5, [])
    assert body["message"]
