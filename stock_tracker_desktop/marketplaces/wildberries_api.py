"""Every Wildberries host, path and rate limit the app relies on, in one place.

Limits come from each operation's table "Период | Лимит | Интервал | Всплеск" in the 2026 specs
(wb-products.yaml, wb-analytics.yaml, wb-reports.yaml, wb-general.yaml), for Personal tokens.
Base tokens get far lower limits; they are met reactively (429 -> wait -> continue).
"""

from __future__ import annotations

from stock_tracker_desktop.marketplaces.endpoints import MB, Endpoint
from stock_tracker_desktop.marketplaces.pacing import RateLimit

CONTENT = "content"
ANALYTICS = "analytics"
MARKETPLACE = "marketplace"
STATISTICS = "statistics"
COMMON = "common"

HOSTS: dict[str, str] = {
    CONTENT: "https://content-api.wildberries.ru",
    ANALYTICS: "https://seller-analytics-api.wildberries.ru",
    MARKETPLACE: "https://marketplace-api.wildberries.ru",
    STATISTICS: "https://statistics-api.wildberries.ru",
    COMMON: "https://common-api.wildberries.ru",
}
# Analytics and common-api have no sandbox twin (wb-general.yaml's /ping table).
SANDBOX_HOSTS: dict[str, str] = {
    CONTENT: "https://content-api-sandbox.wildberries.ru",
    MARKETPLACE: "https://marketplace-api-sandbox.wildberries.ru",
    STATISTICS: "https://statistics-api-sandbox.wildberries.ru",
}
# The token category each host's methods need (common-api answers any category).
HOST_CATEGORY: dict[str, str] = {
    CONTENT: "Content",
    ANALYTICS: "Analytics",
    MARKETPLACE: "Marketplace",
    STATISTICS: "Statistics",
}

NAME = "Wildberries"


def _endpoint(method: str, path: str, host: str, group: str, subject: str, **more: int) -> Endpoint:
    return Endpoint(method, path, host, group, marketplace=NAME, subject=subject, **more)


# The biggest legitimate answers: a stock report page of 250,000 rows (about 300 bytes each) and
# an orders page of up to 80,000 rows (under 1 KB each); everything else fits the default.
_REPORT_BYTES = 160 * MB
_ORDERS_BYTES = 128 * MB

CARDS_LIST = _endpoint("POST", "/content/v2/get/cards/list", CONTENT, "content-cards", "products")
WB_WAREHOUSE_STOCKS = _endpoint(
    "POST",
    "/api/analytics/v1/stocks-report/wb-warehouses",
    ANALYTICS,
    "analytics-wb-stocks",
    "stock",
    max_bytes=_REPORT_BYTES,
)
REMAINS_CREATE = _endpoint("GET", "/api/v1/warehouse_remains", ANALYTICS, "remains-create", "stock")
REMAINS_STATUS = _endpoint(
    "GET", "/api/v1/warehouse_remains/tasks/{task_id}/status", ANALYTICS, "remains-status", "stock"
)
REMAINS_DOWNLOAD = _endpoint(
    "GET",
    "/api/v1/warehouse_remains/tasks/{task_id}/download",
    ANALYTICS,
    "remains-download",
    "stock",
    max_bytes=_REPORT_BYTES,
)
# On marketplace-api every 4xx answer is charged as 10 requests.
SELLER_WAREHOUSES = _endpoint(
    "GET", "/api/v3/warehouses", MARKETPLACE, "marketplace-warehouses", "warehouses", error_cost=10
)
SELLER_STOCKS = _endpoint(
    "POST",
    "/api/v3/stocks/{warehouse_id}",
    MARKETPLACE,
    "marketplace-stocks",
    "stock",
    error_cost=10,
)
SUPPLIER_ORDERS = _endpoint(
    "GET",
    "/api/v1/supplier/orders",
    STATISTICS,
    "statistics-orders",
    "orders",
    max_bytes=_ORDERS_BYTES,
)
SELLER_INFO = _endpoint("GET", "/api/v1/seller-info", COMMON, "seller-info", "the seller's name")
PING: dict[str, Endpoint] = {
    host: _endpoint("GET", "/ping", host, f"ping-{host}", "the token check")
    for host in HOST_CATEGORY
}

CARDS_PAGE = 100
WB_WAREHOUSE_STOCKS_PAGE = 250_000
SELLER_STOCKS_CHUNK = 1000
# Pseudo-rows of the warehouse_remains report that are not warehouses.
IN_TRANSIT_TO_CUSTOMERS = "В пути до получателей"
IN_TRANSIT_RETURNS = "В пути возвраты на склад WB"
TOTAL_ON_WAREHOUSES = "Всего находится на складах"
REMAINS_DONE = "done"
REMAINS_FAILED = ("purged", "canceled")
REMAINS_MAX_POLLS = 60
# The supplier/orders warehouseType values.
WB_WAREHOUSE = "Склад WB"
SELLER_WAREHOUSE = "Склад продавца"

_MINUTE = 60.0
LIMITS: dict[str, RateLimit] = {
    "content-cards": RateLimit(_MINUTE, 100, burst=5, interval=0.6),
    "analytics-wb-stocks": RateLimit(_MINUTE, 3, burst=1, interval=20.0),
    "remains-create": RateLimit(_MINUTE, 1, burst=5, interval=_MINUTE),
    "remains-status": RateLimit(5.0, 1, burst=5, interval=5.0),
    "remains-download": RateLimit(_MINUTE, 1, burst=1, interval=_MINUTE),
    "marketplace-warehouses": RateLimit(_MINUTE, 300, burst=20, interval=0.2),
    "marketplace-stocks": RateLimit(_MINUTE, 300, burst=20, interval=0.2),
    "statistics-orders": RateLimit(_MINUTE, 1, burst=10, interval=_MINUTE),
    "seller-info": RateLimit(_MINUTE, 1, burst=10, interval=_MINUTE),
    # /ping: at most 3 per 30 s per host, never to be polled.
    **{endpoint.group: RateLimit(30.0, 3, burst=3) for endpoint in PING.values()},
}
