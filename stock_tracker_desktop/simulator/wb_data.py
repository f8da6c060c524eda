"""One seller's Wildberries cabinet, generated from a seed and indexed for O(page) paging."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.simulator import names
from stock_tracker_desktop.simulator.timefmt import utc_z, wb_moscow

FBO_TYPE = "Склад WB"
FBS_TYPE = "Склад продавца"


@dataclass(frozen=True, slots=True)
class WbSize:
    chrt_id: int
    tech_size: str
    barcodes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WbCard:
    nm_id: int
    imt_id: int
    vendor_code: str
    brand: str
    subject_id: int
    subject_name: str
    title: str
    sizes: tuple[WbSize, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class WbWarehouse:
    """A WB (FBO) warehouse."""

    id: int
    name: str
    region: str


@dataclass(frozen=True, slots=True)
class WbSellerWarehouse:
    """A seller's own (FBS) warehouse, as /api/v3/warehouses lists it."""

    id: int
    name: str
    office_id: int


@dataclass(frozen=True, slots=True)
class WbStock:
    """One size on one WB warehouse (one row of stocks-report/wb-warehouses)."""

    card: WbCard
    size: WbSize
    warehouse: WbWarehouse
    quantity: int
    in_way_to_client: int
    in_way_from_client: int


@dataclass(frozen=True, slots=True)
class WbOrder:
    """One row of supplier/orders: one unit. Datetimes are aware (Moscow)."""

    srid: str
    g_number: str
    card: WbCard
    size: WbSize
    date: datetime
    last_change: datetime
    is_cancel: bool
    warehouse_name: str
    warehouse_type: str
    price: int


class WbSellerData:
    """Cards, stock and orders of one seller, with the sorted keys paging needs."""

    def __init__(self, seed: str, index: int, products: int, orders_days: int, now: datetime):
        rng = random.Random(f"{seed}/wb")
        self.now = now
        fbo_count = rng.randint(3, 8)
        fbo = [WbWarehouse(*row) for row in rng.sample(names.WB_FBO_WAREHOUSES, fbo_count)]
        # The last FBO warehouse only ever sees orders: "orders but no stock" (docs/domain.md 4).
        self.fbo_warehouses = fbo
        self.orders_only_warehouse = fbo[-1]
        fbs_names = rng.sample(names.SELLER_WAREHOUSE_NAMES, rng.randint(1, 3))
        self.seller_warehouses = [
            WbSellerWarehouse(id=1_000_000 + index * 10 + n, name=name, office_id=300 + n)
            for n, name in enumerate(fbs_names)
        ]
        self.cards = self._make_cards(rng, index, products)
        self.cards.sort(key=lambda card: (card.updated_at, card.nm_id))
        self.card_keys = [(card.updated_at, card.nm_id) for card in self.cards]
        self.sizes = {size.chrt_id: card for card in self.cards for size in card.sizes}
        self.fbo_stock, self.fbs_stock = self._make_stock(rng)
        self.orders = self._make_orders(rng, orders_days)
        self.orders.sort(key=lambda order: (order.last_change, order.srid))
        self.order_keys = [order.last_change for order in self.orders]
        self.order_rows = [order_row(order) for order in self.orders]
        self.fbo_rows = [stock_report_row(stock) for stock in self.fbo_stock]

    def _make_cards(self, rng: random.Random, index: int, products: int) -> list[WbCard]:
        cards = []
        base_time = self.now - timedelta(days=400)
        stamp = base_time
        for number in range(products):
            subject_id, subject, family = rng.choice(names.SUBJECTS)
            nm_id = 100_000_000 + index * 1_000_000 + number * 7 + rng.randint(0, 6)
            family_sizes = names.SIZE_FAMILIES[family]
            first = rng.randrange(len(family_sizes))
            count = min(len(family_sizes) - first, rng.randint(1, 4))
            sizes = tuple(
                WbSize(
                    chrt_id=nm_id * 10 + n,
                    tech_size=family_sizes[first + n],
                    barcodes=(f"20{nm_id:010d}{n}",),
                )
                for n in range(count)
            )
            # Some cards share updatedAt to the microsecond, so paging must use nmID too.
            if rng.random() > 0.2:
                stamp = stamp + timedelta(
                    seconds=rng.randint(1, 3600), microseconds=rng.randint(0, 999_999)
                )
            brand = rng.choice(names.BRANDS)
            cards.append(
                WbCard(
                    nm_id=nm_id,
                    imt_id=nm_id + 50_000_000,
                    vendor_code=f"{brand[:3].upper()}-{index:02d}-{number:05d}",
                    brand=brand,
                    subject_id=subject_id,
                    subject_name=subject,
                    title=f"{subject} {rng.choice(names.ADJECTIVES)} {brand}",
                    sizes=sizes,
                    created_at=base_time,
                    updated_at=min(stamp, self.now),
                )
            )
        return cards

    def _make_stock(self, rng: random.Random) -> tuple[list[WbStock], dict[int, dict[int, int]]]:
        stockable = self.fbo_warehouses[:-1]
        fbo: list[WbStock] = []
        fbs: dict[int, dict[int, int]] = {w.id: {} for w in self.seller_warehouses}
        for position, card in enumerate(sorted(self.cards, key=lambda c: c.nm_id)):
            mode = "fbs_only" if position == 0 else rng.choice(("both", "both", "fbo", "fbs_only"))
            if mode != "fbs_only":
                for warehouse in rng.sample(stockable, rng.randint(1, len(stockable))):
                    for size in card.sizes:
                        figures = (rng.randint(0, 60), rng.randint(0, 5), rng.randint(0, 3))
                        if any(figures):
                            fbo.append(WbStock(card, size, warehouse, *figures))
            if mode != "fbo":
                for own in self.seller_warehouses:
                    for size in card.sizes:
                        amount = rng.randint(0, 30) if position else rng.randint(1, 30)
                        if amount:
                            fbs[own.id][size.chrt_id] = amount
        fbo.sort(key=lambda s: (s.card.nm_id, s.size.chrt_id, s.warehouse.id))
        return fbo, fbs

    def _make_orders(self, rng: random.Random, days: int) -> list[WbOrder]:
        start = self.now - timedelta(days=days)
        span = (self.now - start).total_seconds()
        by_nm = sorted(self.cards, key=lambda c: c.nm_id)
        fbo_names = [w.name for w in self.fbo_warehouses]
        orders: list[WbOrder] = []
        baskets = max(4, len(self.cards) * days // 6)
        for basket in range(baskets):
            date = start + timedelta(seconds=rng.uniform(0, span))
            if basket == 0:
                # An old order changed yesterday: outside a 7-day window by date, not by change.
                date = self.now - timedelta(days=min(days, 10), hours=3)
            last_change = min(self.now, date + timedelta(minutes=rng.randint(1, 360)))
            if basket == 0 or rng.random() < 0.05:
                last_change = self.now - timedelta(hours=rng.uniform(1, 30))
            if basket == 1:
                # Guarantees the orders-only warehouse has a live order inside any window.
                date = self.now - timedelta(days=1, hours=2)
                last_change = date + timedelta(minutes=5)
            date = date.replace(microsecond=0)
            last_change = max(date, last_change.replace(microsecond=0))
            g_number = f"{rng.getrandbits(63):019d}"
            for unit in range(1 if basket < 2 else rng.choice((1, 1, 1, 2, 3))):
                card = by_nm[rng.randrange(len(by_nm))]
                if basket == 1 or rng.random() < 0.85:
                    warehouse = (
                        self.orders_only_warehouse.name if basket == 1 else rng.choice(fbo_names)
                    )
                    kind = FBO_TYPE
                else:
                    warehouse = rng.choice(self.seller_warehouses).name
                    kind = FBS_TYPE
                orders.append(
                    WbOrder(
                        srid=f"{rng.getrandbits(40)}.{basket}x{unit}.{rng.getrandbits(24):x}.0",
                        g_number=g_number,
                        card=card,
                        size=rng.choice(card.sizes),
                        date=date.astimezone(MOSCOW),
                        last_change=last_change.astimezone(MOSCOW),
                        is_cancel=basket > 1 and rng.random() < 0.1,
                        warehouse_name=warehouse,
                        warehouse_type=kind,
                        price=rng.randint(300, 9000),
                    )
                )
        return orders

    def cards_after(self, updated_at: datetime | None, nm_id: int | None) -> int:
        """Index of the first card strictly after the cursor in ascending order."""
        if updated_at is None:
            return 0
        return bisect.bisect_right(self.card_keys, (updated_at, nm_id or 0))

    def orders_from(self, moment: datetime) -> int:
        return bisect.bisect_left(self.order_keys, moment)


def card_json(card: WbCard) -> dict:
    return {
        "nmID": card.nm_id,
        "imtID": card.imt_id,
        "nmUUID": f"01{card.nm_id:030x}",
        "subjectID": card.subject_id,
        "subjectName": card.subject_name,
        "vendorCode": card.vendor_code,
        "brand": card.brand,
        "title": card.title,
        "description": f"{card.title}. Описание товара.",
        "needKiz": False,
        "kizMarked": False,
        "photos": [],
        "dimensions": {
            "length": 30,
            "width": 20,
            "height": 10,
            "weightBrutto": 0.5,
            "isValid": True,
        },
        "characteristics": [],
        "sizes": [
            {
                "chrtID": size.chrt_id,
                "techSize": size.tech_size,
                "wbSize": size.tech_size if size.tech_size != "0" else "",
                "skus": list(size.barcodes),
            }
            for size in card.sizes
        ],
        "tags": [],
        "createdAt": utc_z(card.created_at, micros=True),
        "updatedAt": utc_z(card.updated_at, micros=True),
    }


def stock_report_row(stock: WbStock) -> dict:
    return {
        "nmId": stock.card.nm_id,
        "chrtId": stock.size.chrt_id,
        "warehouseId": stock.warehouse.id,
        "warehouseName": stock.warehouse.name,
        "regionName": stock.warehouse.region,
        "quantity": stock.quantity,
        "inWayToClient": stock.in_way_to_client,
        "inWayFromClient": stock.in_way_from_client,
    }


def order_row(order: WbOrder) -> dict:
    card = order.card
    cancel_date = wb_moscow(order.last_change) if order.is_cancel else "0001-01-01T00:00:00"
    return {
        "date": wb_moscow(order.date),
        "lastChangeDate": wb_moscow(order.last_change),
        "warehouseName": order.warehouse_name,
        "warehouseType": order.warehouse_type,
        "countryName": "Россия",
        "oblastOkrugName": "Центральный федеральный округ",
        "regionName": "Московская",
        "supplierArticle": card.vendor_code,
        "nmId": card.nm_id,
        "barcode": order.size.barcodes[0],
        "category": "Одежда",
        "subject": card.subject_name,
        "brand": card.brand,
        "techSize": order.size.tech_size,
        "incomeID": 56_735_459,
        "isSupply": False,
        "isRealization": True,
        "totalPrice": order.price,
        "discountPercent": 18,
        "spp": 26,
        "finishedPrice": round(order.price * 0.6),
        "priceWithDisc": round(order.price * 0.82),
        "isCancel": order.is_cancel,
        "cancelDate": cancel_date,
        "sticker": "",
        "gNumber": order.g_number,
        "srid": order.srid,
    }
