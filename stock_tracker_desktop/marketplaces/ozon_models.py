"""The parts of Ozon answers the client reads (field names as in tests/specs/ozon-seller*.json)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainValidator
from pydantic_core import PydanticCustomError

from stock_tracker_desktop.marketplaces.parsing import answer

# RFC 3339's date-time; the offset may be missing (read as UTC, as the postings' times are).
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?")
_NOT_RFC3339 = "expected an RFC 3339 date-time such as 2026-02-18T09:54:23.296Z"


def _not_rfc3339() -> PydanticCustomError:
    # A custom error, not a ValueError: pydantic would put "Value error, " before the message.
    return PydanticCustomError("rfc3339_datetime", _NOT_RFC3339)


def _utc_moment(value: object) -> datetime | None:
    """An RFC 3339 date-time string (or null) as an aware UTC datetime.

    Stricter than pydantic's own datetime, which also takes a number as a Unix time and a bare
    date as midnight: for a key's expiry either would be a guess at what Ozon meant, and a
    wrong expiry tells a person to renew a key too late or for nothing.
    """
    if value is None:
        return None
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise _not_rfc3339()
    try:
        moment = datetime.fromisoformat(value.upper())
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    # The right shape, an impossible moment: month 13, hour 25, or year 1 moved before year 1.
    except (ValueError, OverflowError):
        raise _not_rfc3339() from None


UtcMoment = Annotated[datetime | None, PlainValidator(_utc_moment)]


@answer
class ListedProduct:
    product_id: int
    offer_id: str = ""


@answer
class ProductListResult:
    items: tuple[ListedProduct, ...]
    last_id: str = ""


@answer
class ProductList:
    result: ProductListResult


@answer
class ProductSource:
    sku: int = 0


@answer
class ProductInfo:
    id: int
    offer_id: str = ""
    name: str = ""
    sku: int = 0
    barcodes: tuple[str, ...] = ()
    sources: tuple[ProductSource, ...] = ()


@answer
class ProductInfoList:
    items: tuple[ProductInfo, ...]


@answer
class FbsStock:
    sku: int
    product_id: int
    warehouse_name: str
    free_stock: int  # available for sale: present minus reserved


@answer
class FbsStockPage:
    products: tuple[FbsStock, ...]
    has_next: bool
    cursor: str = ""


@answer
class FboStock:
    sku: int
    warehouse_name: str
    available_stock_count: int
    return_from_customer_stock_count: int = 0


@answer
class FboStockList:
    items: tuple[FboStock, ...]


@answer
class PostingProduct:
    sku: int
    offer_id: str = ""
    quantity: int


@answer
class FboAnalytics:
    warehouse_name: str = ""


@answer
class DeliveryMethod:
    warehouse: str = ""


@answer
class Posting:
    posting_number: str
    status: str
    in_process_at: datetime
    products: tuple[PostingProduct, ...]
    analytics_data: FboAnalytics | None = None
    delivery_method: DeliveryMethod | None = None


@answer
class PostingPage:
    postings: tuple[Posting, ...]
    has_next: bool
    cursor: str = ""


@answer
class Role:
    name: str


@answer
class Roles:
    """``/v1/roles``: the key's roles and (added by Ozon on 2026-03-04) when the key expires."""

    expires_at: UtcMoment = None
    roles: tuple[Role, ...] = ()


@answer
class Company:
    name: str = ""
    legal_name: str = ""
    inn: str = ""


@answer
class OzonSellerInfo:
    company: Company
