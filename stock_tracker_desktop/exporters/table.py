"""A snapshot as export rows: the long form (one row per product and warehouse) and the
per-product rows of the wide layout.

Figures are copied from storage, never recomputed, except the product totals of the wide layout
(``domain.figures.product_totals``, as the stock view's per-product rows). A level row with
warehouse "" (WB's in-transit figures not tied to a warehouse) counts in the product's totals and
in no warehouse column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Protocol

from stock_tracker_desktop.domain.figures import FIGURE_NAMES, FIGURES, Kind, product_totals
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
class ProductRow:
    """One row of the wide layout: the product, its figures over all its warehouses (by figure
    name), then its level on each warehouse column (None where it has none there)."""

    product_id: str
    vendor_code: str
    name: str
    brand: str
    subject: str
    totals: Mapping[str, Any]
    places: tuple[StockLevelRow | None, ...]


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
        """Typed values in ``texts.LONG_COLUMNS`` order; flags (``low_stock``) as 0|1."""
        taken = self.snapshot_at
        for lv in self.levels:
            figures = list(_figures_of(lv))
            for position in _FLAGS:
                figures[position] = int(figures[position])
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
                *figures,
                taken,
            )


_figures_of = attrgetter(*FIGURE_NAMES)
_FLAGS = tuple(position for position, f in enumerate(FIGURES) if f.kind is Kind.FLAG)


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
    levels: Sequence[StockLevelRow],
    own: Sequence[int],
    totals: Mapping[str, Any],
    column_of: dict[tuple[str, WarehouseType], int],
    width: int,
) -> ProductRow:
    places: list[StockLevelRow | None] = [None] * width
    for position in own:
        lv = levels[position]
        if lv.warehouse:
            places[column_of[(lv.warehouse, lv.warehouse_type)]] = lv
    first = levels[own[0]]
    return ProductRow(
        product_id=first.product_id,
        vendor_code=first.vendor_code,
        name=first.name,
        brand=first.brand,
        subject=first.subject,
        totals=totals,
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
    totals = product_totals(
        [lv.product_id for lv in levels],
        {f.name: list(map(attrgetter(f.name), levels)) for f in FIGURES if f.summed},
        info.window_days,
        info.threshold_days,
    )
    products = tuple(
        _product_row(levels, own, totals.of(product), column_of, len(columns))
        for product, own in enumerate(totals.levels)
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
