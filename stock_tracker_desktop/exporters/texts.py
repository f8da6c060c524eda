"""Every header and label the exports write, in English and Russian, and which figures the
export columns hold (in the order of ``domain.figures.FIGURES``).

The long form's English headers are the column ids the issue fixes; the Russian ones are the
names sellers read in their cabinets. The wide layout follows docs/domain.md section 5.
"""

from __future__ import annotations

from typing import Literal

from stock_tracker_desktop.domain.figures import FIGURES, Figure
from stock_tracker_desktop.domain.models import Marketplace

Language = Literal["en", "ru"]

LONG_COLUMNS: tuple[str, ...] = (
    "tenant",
    "marketplace",
    "product_id",
    "vendor_code",
    "name",
    "brand",
    "subject",
    "warehouse",
    "warehouse_type",
    *(figure.column for figure in FIGURES),
    "snapshot_at",
)
# The wide layout's figures over all warehouses, then those of every warehouse's group.
_BY_WIDE_TOTAL = {figure.wide_total: figure for figure in FIGURES if figure.wide_total is not None}
WIDE_TOTALS: tuple[Figure, ...] = tuple(_BY_WIDE_TOTAL[place] for place in sorted(_BY_WIDE_TOTAL))
WIDE_PER_WAREHOUSE: tuple[Figure, ...] = tuple(
    figure for figure in FIGURES if figure.wide_per_warehouse
)

_LONG_RU: dict[str, str] = {
    "tenant": "Магазин",
    "marketplace": "Маркетплейс",
    "product_id": "ID товара",
    "vendor_code": "Артикул продавца",
    "name": "Название",
    "brand": "Бренд",
    "subject": "Предмет",
    "warehouse": "Склад",
    "warehouse_type": "Тип склада",
    "stock": "Остатки",
    "in_transit_to_customers": "В пути до покупателя",
    "in_transit_returns": "В пути возвраты",
    "orders": "Заказы",
    "days_of_stock": "Дней запаса",
    "low_stock": "Мало товара",
    "snapshot_at": "Снимок от",
}


def long_headers(language: Language) -> tuple[str, ...]:
    if language == "ru":
        return tuple(_LONG_RU[column] for column in LONG_COLUMNS)
    return LONG_COLUMNS


def _wide_total_texts(language: Language, wb: bool, window_days: int) -> dict[str, str]:
    if language == "ru":
        return {
            "in_transit_to_customers": "В пути до покупателя",
            "in_transit_returns": "В пути на склад WB" if wb else "Возвраты в пути",
            "orders": f"Заказы ({window_days} дн.)",
            "quantity": "Остатки (всего)",
            "days_of_stock": "Дней запаса",
        }
    return {
        "in_transit_to_customers": "In transit to customers",
        "in_transit_returns": "In transit to WB warehouse" if wb else "Returns in transit",
        "orders": f"Orders ({window_days} d)",
        "quantity": "Stock (total)",
        "days_of_stock": "Days of stock",
    }


def wide_headers(language: Language, marketplace: Marketplace, window_days: int) -> tuple[str, ...]:
    """Row 2 of the wide layout, product columns then the all-warehouse figures."""
    wb = marketplace is Marketplace.WILDBERRIES
    if language == "ru":
        product = (
            "Бренд",
            "Предмет",
            "Артикул продавца",
            "Артикул WB (nmID)" if wb else "ID товара Ozon (product_id)",
        )
    else:
        product = (
            "Brand",
            "Subject",
            "Seller's article",
            "WB article (nmID)" if wb else "Ozon product ID (product_id)",
        )
    totals = _wide_total_texts(language, wb, window_days)
    return (*product, *(totals[figure.name] for figure in WIDE_TOTALS))


_WAREHOUSE_TEXTS: dict[Language, dict[str, str]] = {
    "ru": {"quantity": "Остатки", "orders": "Заказы", "days_of_stock": "Дней запаса"},
    "en": {"quantity": "Stock", "orders": "Orders", "days_of_stock": "Days of stock"},
}


def warehouse_headers(language: Language) -> tuple[str, ...]:
    """Row 2 under each warehouse's group of the wide layout."""
    texts = _WAREHOUSE_TEXTS[language]
    return tuple(texts[figure.name] for figure in WIDE_PER_WAREHOUSE)


def group_headers(language: Language) -> tuple[str, str]:
    """Row 1 above the product columns and above the all-warehouse figures."""
    if language == "ru":
        return ("Товар", "Все склады")
    return ("Product", "All warehouses")


def worksheet_title(language: Language) -> str:
    """The Google Sheets worksheet written when the tenant names none."""
    return "Остатки" if language == "ru" else "Stock"


def long_sheet_title(language: Language) -> str:
    return "Построчно" if language == "ru" else "Rows"


def facts_sheet_title(language: Language) -> str:
    return "О выгрузке" if language == "ru" else "About"


FACT_KEYS: tuple[str, ...] = (
    "tenant",
    "marketplace",
    "snapshot_at",
    "window_start",
    "window_end",
    "window_days",
    "threshold_days",
    "products",
    "warehouses",
    "sources",
)

_FACTS_RU: dict[str, str] = {
    "tenant": "Магазин",
    "marketplace": "Маркетплейс",
    "snapshot_at": "Снимок от",
    "window_start": "Заказы с",
    "window_end": "Заказы по (не включая)",
    "window_days": "Окно заказов, дней",
    "threshold_days": "Порог «мало товара», дней",
    "products": "Товаров",
    "warehouses": "Складов",
    "sources": "Источники (методы API)",
}


def fact_headers(language: Language) -> tuple[str, ...]:
    if language == "ru":
        return tuple(_FACTS_RU[key] for key in FACT_KEYS)
    return FACT_KEYS
