"""A snapshot as export rows: the long form (one row per product and warehouse) and the
per-product rows of the wide layout.

Figures are copied from storage, never recomputed, except the product totals of the wide layout,
which are sums over the product's warehouses and the days of stock of those sums. A level row with
warehouse "" (WB's in-transit figures not tied to a warehouse) counts in the product's totals and
in no warehouse column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from stock_tracker_desktop.domain.figures import days_of_stock, is_low_stock
from stock_tracker_desktop.domain.models import Marketplace, WarehouseType
from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.storage.snapshots import SnapshotInfo, StockLevelRow

LongValue = str | int | float | None


class TenantLike(Protocol):
    """What the exports need of a tenant (services' TenantView has it; exporters sit below
    services and do not import them)."""

    @property
    def name(self) -> str: ...

    @property
    def marketplace(self) -> Marketplace: ...


@dataclass(frozen=True, slots=True)
class WarehouseColumn:
    """One warehouse group of the wide layout. ``label`` adds the type only when two
    warehouses of different types share a name."""

    name: str
    warehouse_type: WarehouseType
    label: str


@dataclass(frozen=True, slots=True)
class PlaceFigures:
    """A product's figures on one warehouse."""

    stock: int
    orders: int
    days_of_stock: float | None
    low_stock: bool


@dataclass(frozen=True, slots=True)
class ProductRow:
    """One row of the wide layout: the product, its totals, then one entry per warehouse column
    (None where the product has no figures on that warehouse)."""

    product_id: str
    vendor_code: str
    name: str
    brand: str
    subject: str
    in_transit_to_customers: int
    in_transit_returns: int
    orders: int
    stock: int
    days_of_stock: float | None
    low_stock: bool
    places: tuple[PlaceFigures | None, ...]


@dataclass(frozen=True, slots=True)
class ExportTable:
    tenant: str
    marketplace: Marketplace
    snapshot: SnapshotInfo
    warehouses: tuple[WarehouseColumn, ...]
    products: tuple[ProductRow, ...]
    levels: tuple[StockLevelRow, ...]
    sources: tuple[str, ...] = ()

    @property
    def snapshot_at(self) -> str:
        """ISO 8601 with offset, in Moscow time like the order window."""
        return self.snapshot.taken_at.astimezone(MOSCOW).isoformat(timespec="seconds")

    def long_rows(self) -> Iterator[tuple[LongValue, ...]]:
        """Typed values in ``texts.LONG_COLUMNS`` order; ``low_stock`` as 0|1."""
        taken = self.snapshot_at
        for lv in self.levels:
            yield (
                self.tenant,
                self.marketplace.value,
                lv.product_id,
                lv.vendor_code,
                lv.name,
                lv.brand,
                lv.subject,
                lv.warehouse,
                lv.warehouse_type.value,
                lv.quantity,
                lv.in_transit_to_customers,
                lv.in_transit_returns,
                lv.orders,
                lv.days_of_stock,
                int(lv.low_stock),
                taken,
            )


def _columns(levels: Sequence[StockLevelRow]) -> tuple[WarehouseColumn, ...]:
    places = sorted({(lv.warehouse, lv.warehouse_type) for lv in levels if lv.warehouse})
    kinds_by_name: dict[str, int] = {}
    for name, _kind in places:
        kinds_by_name[name] = kinds_by_name.get(name, 0) + 1
    return tuple(
        WarehouseColumn(name, kind, f"{name} ({kind.value})" if kinds_by_name[name] > 1 else name)
        for name, kind in places
    )


def _product_row(
    first: StockLevelRow,
    own: list[StockLevelRow],
    column_of: dict[tuple[str, WarehouseType], int],
    width: int,
    info: SnapshotInfo,
) -> ProductRow:
    places: list[PlaceFigures | None] = [None] * width
    for lv in own:
        if lv.warehouse:
            places[column_of[(lv.warehouse, lv.warehouse_type)]] = PlaceFigures(
                lv.quantity, lv.orders, lv.days_of_stock, lv.low_stock
            )
    stock = sum(lv.quantity for lv in own)
    orders = sum(lv.orders for lv in own)
    days = days_of_stock(stock, orders, info.window_days)
    return ProductRow(
        product_id=first.product_id,
        vendor_code=first.vendor_code,
        name=first.name,
        brand=first.brand,
        subject=first.subject,
        in_transit_to_customers=sum(lv.in_transit_to_customers for lv in own),
        in_transit_returns=sum(lv.in_transit_returns for lv in own),
        orders=orders,
        stock=stock,
        days_of_stock=days,
        low_stock=is_low_stock(stock, orders, days, info.threshold_days),
        places=tuple(places),
    )


def build_table(
    info: SnapshotInfo,
    levels: Sequence[StockLevelRow],
    tenant: TenantLike,
    *,
    sources: Sequence[str] = (),
) -> ExportTable:
    """Rows of one tenant's snapshot; products keep the order storage gives (brand, article,
    id). ``sources`` names the API methods the figures came from (for the facts sheet)."""
    columns = _columns(levels)
    column_of = {(c.name, c.warehouse_type): i for i, c in enumerate(columns)}
    by_product: dict[str, list[StockLevelRow]] = {}
    for lv in levels:
        by_product.setdefault(lv.product_id, []).append(lv)
    products = tuple(
        _product_row(own[0], own, column_of, len(columns), info) for own in by_product.values()
    )
    return ExportTable(
        tenant=tenant.name,
        marketplace=tenant.marketplace,
        snapshot=info,
        warehouses=columns,
        products=products,
        levels=tuple(levels),
        sources=tuple(sources),
    )
