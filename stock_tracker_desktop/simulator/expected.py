"""The figures a correct client must arrive at, computed from the generated data
(docs/domain.md section 4).

Stock keys are exactly the (product, warehouse, type) groups the marketplace returns rows for;
the simulator never returns an all-zero row, except Ozon FBS rows whose whole stock is reserved.
Ozon FBS stock is ``free_stock`` (available for sale: present minus reserved), never ``present``.
Ozon products: ``brand`` and ``subject`` are "" because /v3/product/info/list carries neither
(they need /v4/product/info/attributes and the category tree, which a stock sync does not call).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from stock_tracker_desktop.domain.models import Product, ProductSize, WarehouseType
from stock_tracker_desktop.domain.window import OrderWindow
from stock_tracker_desktop.simulator.ozon_data import CANCELLED, OzonSellerData
from stock_tracker_desktop.simulator.wb_data import WbSellerData

StockKey = tuple[str, str, WarehouseType]
StockFigures = tuple[int, int, int]
OrderKey = tuple[str, str]


@dataclass(frozen=True)
class ExpectedFigures:
    products: list[Product]
    stock: dict[StockKey, StockFigures]
    orders: dict[OrderKey, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "products": [
                {
                    "product_id": p.product_id,
                    "vendor_code": p.vendor_code,
                    "name": p.name,
                    "brand": p.brand,
                    "subject": p.subject,
                    "sizes": [
                        {"size_id": s.size_id, "name": s.name, "barcodes": list(s.barcodes)}
                        for s in p.sizes
                    ],
                }
                for p in self.products
            ],
            "stock": [
                {
                    "product_id": product_id,
                    "warehouse": warehouse,
                    "warehouse_type": str(kind),
                    "quantity": figures[0],
                    "in_transit_to_customers": figures[1],
                    "in_transit_returns": figures[2],
                }
                for (product_id, warehouse, kind), figures in self.stock.items()
            ],
            "orders": [
                {"product_id": product_id, "warehouse": warehouse, "units": units}
                for (product_id, warehouse), units in self.orders.items()
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | bytes) -> ExpectedFigures:
        raw = json.loads(data) if isinstance(data, str | bytes) else data
        products = [
            Product(
                product_id=p["product_id"],
                vendor_code=p["vendor_code"],
                name=p["name"],
                brand=p["brand"],
                subject=p["subject"],
                sizes=tuple(
                    ProductSize(s["size_id"], s["name"], tuple(s["barcodes"])) for s in p["sizes"]
                ),
            )
            for p in raw["products"]
        ]
        stock = {
            (row["product_id"], row["warehouse"], WarehouseType(row["warehouse_type"])): (
                row["quantity"],
                row["in_transit_to_customers"],
                row["in_transit_returns"],
            )
            for row in raw["stock"]
        }
        orders = {(row["product_id"], row["warehouse"]): row["units"] for row in raw["orders"]}
        return cls(products=products, stock=stock, orders=orders)


def _add(target: dict[StockKey, StockFigures], key: StockKey, figures: StockFigures) -> None:
    old = target.get(key, (0, 0, 0))
    target[key] = (old[0] + figures[0], old[1] + figures[1], old[2] + figures[2])


def wb_expected(data: WbSellerData, window: OrderWindow) -> ExpectedFigures:
    products = [
        Product(
            product_id=str(card.nm_id),
            vendor_code=card.vendor_code,
            name=card.title,
            brand=card.brand,
            subject=card.subject_name,
            sizes=tuple(ProductSize(str(s.chrt_id), s.tech_size, s.barcodes) for s in card.sizes),
        )
        for card in data.cards
    ]
    stock: dict[StockKey, StockFigures] = {}
    for row in data.fbo_stock:
        key = (str(row.card.nm_id), row.warehouse.name, WarehouseType.FBO)
        _add(stock, key, (row.quantity, row.in_way_to_client, row.in_way_from_client))
    names = {w.id: w.name for w in data.seller_warehouses}
    for warehouse_id, amounts in data.fbs_stock.items():
        for chrt_id, amount in amounts.items():
            key = (str(data.sizes[chrt_id].nm_id), names[warehouse_id], WarehouseType.FBS)
            _add(stock, key, (amount, 0, 0))
    orders: dict[OrderKey, int] = defaultdict(int)
    seen: set[str] = set()
    for order in data.orders:
        if order.srid in seen or order.is_cancel or not window.contains(order.date):
            continue
        seen.add(order.srid)
        orders[(str(order.card.nm_id), order.warehouse_name)] += 1
    return ExpectedFigures(products=products, stock=stock, orders=dict(orders))


def ozon_expected(data: OzonSellerData, window: OrderWindow) -> ExpectedFigures:
    products = [
        Product(
            product_id=str(p.product_id),
            vendor_code=p.offer_id,
            name=p.name,
            brand="",
            subject="",
            sizes=(ProductSize(str(p.sku), "", p.barcodes),),
        )
        for p in data.products
    ]
    stock: dict[StockKey, StockFigures] = {}
    for fbo in data.fbo_stock:
        key = (str(fbo.product.product_id), fbo.warehouse.name, WarehouseType.FBO)
        _add(stock, key, (fbo.available, 0, fbo.returns))
    for fbs in data.fbs_stock:
        key = (str(fbs.product.product_id), fbs.warehouse.name, WarehouseType.FBS)
        _add(stock, key, (fbs.free_stock, 0, 0))
    orders: dict[OrderKey, int] = defaultdict(int)
    for postings in data.postings.values():
        for posting in postings:
            if posting.status == CANCELLED or not window.contains(posting.in_process_at):
                continue
            for product, quantity in posting.lines:
                orders[(str(product.product_id), posting.warehouse.name)] += quantity
    return ExpectedFigures(products=products, stock=stock, orders=dict(orders))
