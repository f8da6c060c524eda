"""The parts of Ozon answers the client reads (field names as in tests/specs/ozon-seller*.json)."""

from __future__ import annotations

from datetime import datetime

from stock_tracker_desktop.marketplaces.parsing import answer


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
    expires_at: datetime | None = None
    roles: tuple[Role, ...] = ()


@answer
class Company:
    name: str = ""
    legal_name: str = ""
    inn: str = ""


@answer
class OzonSellerInfo:
    company: Company
