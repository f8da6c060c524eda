"""Every Ozon Seller API path and limit the app relies on, in one place.

The paths are in the specs vendored in tests/specs/: ozon-seller.json (spec 2.1, English) and,
for FBS stock by warehouse, ozon-seller-2026-09-additions.json. Ozon retires versions often:
moving to a new one is a change of one line here. The spec states a single limit for these
methods, 50 requests per second per Client-Id.
"""

from __future__ import annotations

from stock_tracker_desktop.marketplaces.endpoints import Endpoint
from stock_tracker_desktop.marketplaces.pacing import RateLimit

SELLER_API = "seller-api"
HOSTS: dict[str, str] = {SELLER_API: "https://api-seller.ozon.ru"}
GROUP = "client-id"


NAME = "Ozon"


def _post(path: str, subject: str) -> Endpoint:
    # Every page is at most 1000 rows: the default bound on one answer holds them many times.
    return Endpoint("POST", path, SELLER_API, GROUP, marketplace=NAME, subject=subject)


PRODUCT_LIST = _post("/v3/product/list", "products")
PRODUCT_INFO = _post("/v3/product/info/list", "products")
# v1 was switched off on 2026-04-07.
FBS_STOCK = _post("/v2/product/info/stocks-by-warehouse/fbs", "stock")
FBO_STOCK = _post("/v1/analytics/stocks", "stock")
FBO_POSTINGS = _post("/v3/posting/fbo/list", "orders")
FBS_POSTINGS = _post("/v4/posting/fbs/list", "orders")
ROLES = _post("/v1/roles", "the key's roles and expiry")
SELLER_INFO = _post("/v1/seller/info", "the seller's name")

PRODUCT_LIST_PAGE = 1000
PRODUCT_INFO_CHUNK = 1000
FBS_STOCK_CHUNK = 1000  # SKUs per request, the spec's maximum
FBS_STOCK_PAGE = 1000  # rows per page asked for, the spec's maximum (a page may hold fewer)
FBO_STOCK_CHUNK = 100
POSTINGS_PAGE = 100
CANCELLED = "cancelled"

LIMITS: dict[str, RateLimit] = {GROUP: RateLimit(1.0, 50, burst=50, interval=0.02)}
