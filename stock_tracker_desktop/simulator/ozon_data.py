"""One seller's Ozon cabinet, generated from a seed: products, stock and postings."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from stock_tracker_desktop.simulator import names
from stock_tracker_desktop.simulator.timefmt import utc_z

CANCELLED = "cancelled"
LIVE_STATUSES = ("awaiting_packaging", "awaiting_deliver", "delivering", "delivered")


@dataclass(frozen=True, slots=True)
class OzonProduct:
    product_id: int
    offer_id: str
    name: str
    sku: int
    barcodes: tuple[str, ...]
    category_id: int
    type_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OzonWarehouse:
    id: int
    name: str
    cluster_id: int = 0
    cluster_name: str = ""


@dataclass(frozen=True, slots=True)
class OzonFboStock:
    product: OzonProduct
    warehouse: OzonWarehouse
    available: int
    returns: int
    transit: int


@dataclass(frozen=True, slots=True)
class OzonFbsStock:
    product: OzonProduct
    warehouse: OzonWarehouse
    present: int
    reserved: int  # held for orders not yet shipped: on the shelf, not for sale

    @property
    def free_stock(self) -> int:
        """Available for sale, the figure a stock tracker shows."""
        return self.present - self.reserved


@dataclass(frozen=True, slots=True)
class OzonPosting:
    posting_number: str
    order_id: int
    scheme: str  # "fbo" or "fbs"
    status: str
    in_process_at: datetime
    warehouse: OzonWarehouse
    lines: tuple[tuple[OzonProduct, int], ...]


class OzonSellerData:
    def __init__(self, seed: str, index: int, products: int, orders_days: int, now: datetime):
        rng = random.Random(f"{seed}/ozon")
        self.now = now
        fbo = rng.sample(names.OZON_FBO_WAREHOUSES, rng.randint(3, 8))
        self.fbo_warehouses = [OzonWarehouse(*row) for row in fbo]
        fbs = rng.sample(names.OZON_FBS_WAREHOUSE_NAMES, rng.randint(1, 3))
        self.fbs_warehouses = [
            OzonWarehouse(id=23_000_000_000 + index * 10 + n, name=name)
            for n, name in enumerate(fbs)
        ]
        self.products = self._make_products(rng, index, products)
        self.by_sku = {p.sku: p for p in self.products}
        self.by_offer = {p.offer_id: p for p in self.products}
        self.by_id = {p.product_id: p for p in self.products}
        self.fbo_stock, self.fbs_stock = self._make_stock(rng)
        self.fbo_by_sku: dict[int, list[OzonFboStock]] = {}
        for fbo_row in self.fbo_stock:
            self.fbo_by_sku.setdefault(fbo_row.product.sku, []).append(fbo_row)
        self.fbs_by_sku: dict[int, list[OzonFbsStock]] = {}
        for fbs_row in self.fbs_stock:
            self.fbs_by_sku.setdefault(fbs_row.product.sku, []).append(fbs_row)
        postings = self._make_postings(rng, index, orders_days)
        postings.sort(key=lambda p: (p.in_process_at, p.posting_number))
        self.postings = {
            scheme: [p for p in postings if p.scheme == scheme] for scheme in ("fbo", "fbs")
        }

    def _make_products(self, rng: random.Random, index: int, count: int) -> list[OzonProduct]:
        products = []
        for number in range(count):
            subject_id, subject, _family = rng.choice(names.SUBJECTS)
            product_id = 500_000_000 + index * 1_000_000 + number * 3 + rng.randint(0, 2)
            brand = rng.choice(names.BRANDS)
            products.append(
                OzonProduct(
                    product_id=product_id,
                    offer_id=f"OZ-{index:02d}-{number:05d}",
                    name=f"{subject} {rng.choice(names.ADJECTIVES)} {brand}",
                    sku=1_500_000_000 + product_id,
                    barcodes=(f"46{product_id:011d}",),
                    category_id=17_027_000 + subject_id,
                    type_id=90_000 + subject_id,
                    created_at=self.now - timedelta(days=rng.randint(30, 500)),
                )
            )
        products.sort(key=lambda p: p.product_id)
        return products

    def _make_stock(self, rng: random.Random) -> tuple[list[OzonFboStock], list[OzonFbsStock]]:
        stockable = self.fbo_warehouses[:-1]
        fbo: list[OzonFboStock] = []
        fbs: list[OzonFbsStock] = []
        for position, product in enumerate(self.products):
            mode = "fbs_only" if position == 0 else rng.choice(("both", "both", "fbo", "fbs_only"))
            if mode != "fbs_only":
                for warehouse in rng.sample(stockable, rng.randint(1, len(stockable))):
                    figures = (rng.randint(0, 80), rng.randint(0, 3), rng.randint(0, 10))
                    if figures[0] or figures[1]:
                        fbo.append(OzonFboStock(product, warehouse, *figures))
            if mode != "fbo":
                for warehouse in self.fbs_warehouses:
                    present = rng.randint(1, 40) if position == 0 else rng.randint(0, 40)
                    if present:
                        # The first product always has some stock reserved: present is then
                        # never what is for sale, whatever the seed.
                        reserved = rng.randint(1 if position == 0 else 0, min(present, 3))
                        fbs.append(OzonFbsStock(product, warehouse, present, reserved))
        return fbo, fbs

    def _make_postings(self, rng: random.Random, index: int, days: int) -> list[OzonPosting]:
        start = self.now - timedelta(days=days)
        span = (self.now - start).total_seconds()
        postings = []
        for number in range(max(4, len(self.products) * days // 8)):
            scheme = "fbo" if rng.random() < 0.7 else "fbs"
            warehouses = self.fbo_warehouses if scheme == "fbo" else self.fbs_warehouses
            moment = start + timedelta(seconds=rng.uniform(0, span))
            warehouse = rng.choice(warehouses)
            if number == 0:
                # The FBO warehouse without stock still gets a live order inside any window.
                scheme, warehouse = "fbo", self.fbo_warehouses[-1]
                moment = self.now - timedelta(days=1, hours=2)
            lines = tuple(
                (rng.choice(self.products), rng.randint(1, 3))
                for _ in range(rng.choice((1, 1, 1, 2)))
            )
            status = CANCELLED if number > 0 and rng.random() < 0.1 else rng.choice(LIVE_STATUSES)
            order_id = 30_000_000_000 + index * 100_000_000 + number
            postings.append(
                OzonPosting(
                    posting_number=f"{order_id % 100_000_000:08d}-{index:04d}-1",
                    order_id=order_id,
                    scheme=scheme,
                    status=status,
                    in_process_at=moment.astimezone(UTC).replace(microsecond=0),
                    warehouse=warehouse,
                    lines=lines,
                )
            )
        return postings


def posting_json(posting: OzonPosting) -> dict:
    """A posting in the shape of /v3/posting/fbo/list or /v4/posting/fbs/list."""
    products = [
        {
            "sku": product.sku,
            "name": product.name,
            "offer_id": product.offer_id,
            "quantity": quantity,
            "price": {"amount": "1490.00", "currency": "RUB"},
        }
        for product, quantity in posting.lines
    ]
    common = {
        "posting_number": posting.posting_number,
        "order_id": posting.order_id,
        "order_number": posting.posting_number.rsplit("-", 1)[0],
        "status": posting.status,
        "substatus": "",
        "in_process_at": utc_z(posting.in_process_at),
        "products": products,
    }
    if posting.scheme == "fbo":
        common["created_at"] = utc_z(posting.in_process_at)
        common["analytics_data"] = {
            "city": "Москва",
            "delivery_type": "PVZ",
            "is_legal": False,
            "is_premium": False,
            "warehouse_id": posting.warehouse.id,
            "warehouse_name": posting.warehouse.name,
        }
        return common
    common["delivery_method"] = {
        "id": 1_000 + posting.warehouse.id % 1000,
        "name": f"Доставка со склада {posting.warehouse.name}",
        "tpl_provider": "Ozon Логистика",
        "tpl_provider_id": 24,
        "warehouse": posting.warehouse.name,
        "warehouse_id": posting.warehouse.id,
    }
    common["shipment_date"] = utc_z(posting.in_process_at + timedelta(days=1))
    return common
