"""The parts of Ozon answers the client reads (field names as in ozon-seller.json)."""

from __future__ import annotations

from datetime import datetime

from stock_tracker_desktop.marketplaces.parsing import Answer


class ListedProduct(Answer):
    product_id: int
    offer_id: str = ""


class ProductListResult(Answer):
    items: tuple[ListedProduct, ...]
    last_id: str = ""


class ProductList(Answer):
    result: ProductListResult


class ProductSource(Answer):
    sku: int = 0


class ProductInfo(Answer):
    id: int
    offer_id: str = ""
    name: str = ""
    sku: int = 0
    barcodes: tuple[str, ...] = ()
    sources: tuple[ProductSource, ...] = ()


class ProductInfoList(Answer):
    items: tuple[ProductInfo, ...]


class FbsStock(Answer):
    sku: int
    product_id: int
    warehouse_name: str
    present: int
    reserved: int


class FbsStockList(Answer):
    result: tuple[FbsStock, ...]


class FboStock(Answer):
    sku: int
    warehouse_name: str
    available_stock_count: int
    return_from_customer_stock_count: int = 0


class FboStockList(Answer):
    items: tuple[FboStock, ...]


class PostingProduct(Answer):
    sku: int
    offer_id: str = ""
    quantity: int


class FboAnalytics(Answer):
    warehouse_name: str = ""


class DeliveryMethod(Answer):
    warehouse: str = ""


class Posting(Answer):
    posting_number: str
    status: str
    in_process_at: datetime
    products: tuple[PostingProduct, ...]
    analytics_data: FboAnalytics | None = None
    delivery_method: DeliveryMethod | None = None


class PostingPage(Answer):
    postings: tuple[Posting, ...]
    has_next: bool
    cursor: str = ""


class Role(Answer):
    name: str


class Roles(Answer):
    expires_at: datetime | None = None
    roles: tuple[Role, ...] = ()


class Company(Answer):
    name: str = ""
    legal_name: str = ""
    inn: str = ""


class OzonSellerInfo(Answer):
    company: Company
