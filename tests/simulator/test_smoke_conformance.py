"""Every served endpoint answers in the spec's shape (the fixture validates each exchange)."""

from __future__ import annotations

from datetime import timedelta

from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.simulator.timefmt import utc_z
from tests.simulator.helpers import ozon_client, wb_client


def test_every_wb_endpoint_conforms(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    with wb_client(simulator, seller) as wb:
        assert wb.get("/ping").json()["Status"] == "OK"
        assert wb.get("/api/v1/seller-info").json()["name"] == seller.name
        cards = wb.post(
            "/content/v2/get/cards/list",
            json={"settings": {"sort": {"ascending": True}, "cursor": {"limit": 5}}},
        )
        assert len(cards.json()["cards"]) == 5
        report = wb.post("/api/analytics/v1/stocks-report/wb-warehouses", json={"limit": 10})
        assert report.json()["data"]["items"]
        warehouses = wb.get("/api/v3/warehouses").json()
        chrt_ids = [s["chrtID"] for c in cards.json()["cards"] for s in c["sizes"]]
        stocks = wb.post(f"/api/v3/stocks/{warehouses[0]['id']}", json={"chrtIds": chrt_ids})
        assert stocks.status_code == 200
        orders = wb.get("/api/v1/supplier/orders", params={"dateFrom": "2020-01-01", "flag": 0})
        assert orders.json()
        task = wb.get("/api/v1/warehouse_remains").json()["data"]["taskId"]
        assert wb.get(f"/api/v1/warehouse_remains/tasks/{task}/status").status_code == 200


def test_every_ozon_endpoint_conforms(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[1]
    now = simulator.world.now
    period = {"since": utc_z(now - timedelta(days=30)), "to": utc_z(now)}
    with ozon_client(simulator, seller) as oz:
        products = oz.post("/v3/product/list", json={"limit": 10}).json()["result"]["items"]
        ids = [str(p["product_id"]) for p in products]
        info = oz.post("/v3/product/info/list", json={"product_id": ids}).json()["items"]
        skus = [str(i["sku"]) for i in info]
        assert oz.post("/v4/product/info/stocks", json={"filter": {}, "limit": 5}).json()["items"]
        fbs = oz.post("/v2/product/info/stocks-by-warehouse/fbs", json={"sku": skus, "limit": 50})
        assert "has_next" in fbs.json()
        retired = oz.post("/v1/product/info/stocks-by-warehouse/fbs", json={"sku": skus})
        assert retired.status_code == 404
        assert oz.post("/v1/analytics/stocks", json={"skus": skus}).status_code == 200
        fbo = oz.post("/v3/posting/fbo/list", json={"filter": period, "limit": 50})
        assert fbo.json()["postings"]
        fbs = oz.post("/v4/posting/fbs/list", json={"filter": period, "limit": 50})
        assert fbs.json()["postings"]
        assert oz.post("/v2/warehouse/list", json={"limit": 50}).json()["warehouses"]
        assert oz.post("/v1/roles", json={}).json()["expires_at"]
        assert oz.post("/v1/seller/info", json={}).json()["company"]["legal_name"] == seller.name
