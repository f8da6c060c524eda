"""The Ozon Seller API paths a stock sync uses (api-seller.ozon.ru, all POST with JSON).

Ozon and WB paths never collide, so the same app serves both marketplaces.
Postings are filtered on ``in_process_at`` by ``filter.since``/``filter.to``; their pages end at
internal shard boundaries, so a page may hold fewer than ``limit`` postings while ``has_next``
is true, as the real API does; FBS stock pages (/v2/product/info/stocks-by-warehouse/fbs) do
the same, down to empty pages with more to come. Cursors are opaque strings; an exhausted
listing answers ``cursor: ""``. Product and stock lists carry no ``total`` (Ozon drops it on
2026-11-23), and the switched-off v1 FBS stock method answers 404.
"""

from __future__ import annotations

import base64
import bisect
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stock_tracker_desktop.simulator.guard import Call, Handler, guarded
from stock_tracker_desktop.simulator.limits import Decision
from stock_tracker_desktop.simulator.ozon_data import OzonFbsStock, OzonProduct, posting_json
from stock_tracker_desktop.simulator.responses import json_response, ozon_error
from stock_tracker_desktop.simulator.timefmt import parse_rfc3339, utc_z, utc_z_millis
from stock_tracker_desktop.simulator.world import SellerAccount, World

INVALID_ARGUMENT = 3
NOT_FOUND = 5
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
POSTINGS_SHARD = 60
MAX_PERIOD = timedelta(days=365)
OZON_ROLE_METHODS = (
    "/v3/product/list",
    "/v3/product/info/list",
    "/v4/product/info/stocks",
    "/v2/product/info/stocks-by-warehouse/fbs",
    "/v1/analytics/stocks",
    "/v3/posting/fbo/list",
    "/v4/posting/fbs/list",
    "/v2/warehouse/list",
)


class BadRequest(ValueError):
    """The request does not follow the spec; the message is Ozon's."""


def _authenticate(request: Request, world: World) -> SellerAccount | Response:
    client_id = request.headers.get("client-id", "").strip()
    api_key = request.headers.get("api-key", "").strip()
    if not client_id or not api_key:
        return ozon_error(403, PERMISSION_DENIED, "Client-Id and Api-Key headers are required")
    seller = world.seller_by_client_id(client_id)
    if seller is None or seller.ozon_api_key != api_key:
        return ozon_error(403, PERMISSION_DENIED, "Invalid Api-Key, please contact support")
    return seller


def _too_many(decision: Decision) -> Response:
    # As the live API: no Retry-After, no X-Ratelimit-* headers. Ozon's limits are per second.
    return ozon_error(429, RESOURCE_EXHAUSTED, "You have reached request rate limit per second")


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"sim:{offset}".encode()).decode()


def _decode_cursor(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(str(cursor).encode()).decode()
        return int(text.removeprefix("sim:"))
    except ValueError as exc:
        raise BadRequest("invalid cursor") from exc


def _limit(body: dict, maximum: int, default: int | None = None) -> int:
    raw = body.get("limit", default)
    if raw is None:
        raise BadRequest("limit is required")
    try:
        limit = int(raw)
    except (TypeError, ValueError) as exc:
        raise BadRequest("limit must be a number") from exc
    if not 1 <= limit <= maximum:
        raise BadRequest(f"limit must be between 1 and {maximum}")
    return limit


def _ids(values: Any) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise BadRequest("identifiers must be a list")
    return [str(v) for v in values]


def _body(call: Call) -> dict:
    try:
        body = call.json()
    except ValueError as exc:
        raise BadRequest("request body is not JSON") from exc
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    return body


def _endpoint(handler: Any) -> Handler:
    async def run(call: Call) -> Response:
        try:
            return json_response(handler(call, _body(call)))
        except BadRequest as exc:
            return ozon_error(400, INVALID_ARGUMENT, str(exc))

    return run


def _filtered_products(call: Call, flt: dict) -> list[OzonProduct]:
    data = call.seller.ozon
    offer_ids, product_ids = _ids(flt.get("offer_id")), _ids(flt.get("product_id"))
    products = data.products
    if offer_ids:
        products = [p for p in products if p.offer_id in set(offer_ids)]
    if product_ids:
        products = [p for p in products if str(p.product_id) in set(product_ids)]
    return products


def product_list(call: Call, body: dict) -> dict:
    limit = _limit(body, 1000, default=1000)
    products = _filtered_products(call, body.get("filter") or {})
    last_id = str(body.get("last_id") or "")
    if last_id:
        if not last_id.isdigit():
            raise BadRequest("invalid last_id")
        start = bisect.bisect_right([p.product_id for p in products], int(last_id))
    else:
        start = 0
    page = products[start : start + limit]
    data = call.seller.ozon
    items = [
        {
            "product_id": p.product_id,
            "offer_id": p.offer_id,
            "has_fbo_stocks": p.sku in data.fbo_by_sku,
            "has_fbs_stocks": p.sku in data.fbs_by_sku,
            "archived": False,
            "is_discounted": False,
            "quants": [],
        }
        for p in page
    ]
    # No `total`: Ozon drops it from this answer on 2026-11-23.
    return {"result": {"items": items, "last_id": str(page[-1].product_id) if page else ""}}


def product_info_list(call: Call, body: dict) -> dict:
    offer_ids, product_ids, skus = (_ids(body.get(k)) for k in ("offer_id", "product_id", "sku"))
    if len(offer_ids) + len(product_ids) + len(skus) > 1000:
        raise BadRequest("at most 1000 identifiers in total")
    data = call.seller.ozon
    found: dict[int, OzonProduct] = {}
    for key in offer_ids:
        if key in data.by_offer:
            found[data.by_offer[key].product_id] = data.by_offer[key]
    for key in product_ids:
        if key.isdigit() and int(key) in data.by_id:
            found[int(key)] = data.by_id[int(key)]
    for key in skus:
        if key.isdigit() and int(key) in data.by_sku:
            found[data.by_sku[int(key)].product_id] = data.by_sku[int(key)]
    return {"items": [_product_info(call, p) for p in found.values()]}


def _product_info(call: Call, product: OzonProduct) -> dict:
    data = call.seller.ozon
    fbs = data.fbs_by_sku.get(product.sku, [])
    fbo = data.fbo_by_sku.get(product.sku, [])
    stamp = utc_z(product.created_at)
    return {
        "id": product.product_id,
        "name": product.name,
        "offer_id": product.offer_id,
        "barcodes": list(product.barcodes),
        "sku": product.sku,
        "description_category_id": product.category_id,
        "type_id": product.type_id,
        "created_at": stamp,
        "updated_at": stamp,
        "currency_code": "RUB",
        "price": "1490.00",
        "old_price": "1990.00",
        "min_price": "1290.00",
        "vat": "0.2",
        "is_archived": False,
        "is_autoarchived": False,
        "is_discounted": False,
        "is_kgt": False,
        "images": [],
        "primary_image": [],
        "sources": [
            {
                "sku": product.sku,
                "source": "sds",
                "created_at": stamp,
                "shipment_type": "SHIPMENT_TYPE_GENERAL",
                "quant_code": "",
            }
        ],
        "stocks": {
            "has_stock": bool(fbs or fbo),
            "stocks": [
                {
                    "present": sum(s.present for s in fbs),
                    "reserved": sum(s.reserved for s in fbs),
                    "sku": product.sku,
                    "source": "fbs",
                },
                {
                    "present": sum(s.available for s in fbo),
                    "reserved": 0,
                    "sku": product.sku,
                    "source": "fbo",
                },
            ],
        },
        "statuses": {"status": "price_sent", "is_created": True, "moderate_status": "approved"},
        "visibility_details": {"has_price": True, "has_stock": bool(fbs or fbo)},
    }


def product_stocks(call: Call, body: dict) -> dict:
    limit = _limit(body, 1000)
    flt = body.get("filter")
    if not isinstance(flt, dict):
        raise BadRequest("filter is required")
    products = _filtered_products(call, flt)
    start = _decode_cursor(body.get("cursor"))
    page = products[start : start + limit]
    data = call.seller.ozon
    items = []
    for product in page:
        fbs = data.fbs_by_sku.get(product.sku, [])
        stocks = []
        if fbs:
            stocks.append(
                {
                    "type": "fbs",
                    "sku": product.sku,
                    "present": sum(s.present for s in fbs),
                    "reserved": sum(s.reserved for s in fbs),
                    "shipment_type": "SHIPMENT_TYPE_GENERAL",
                    "warehouse_ids": [s.warehouse.id for s in fbs],
                }
            )
        items.append(
            {"offer_id": product.offer_id, "product_id": product.product_id, "stocks": stocks}
        )
    more = start + limit < len(products)
    # No `total`: Ozon drops it from this answer on 2026-11-23.
    return {"items": items, "cursor": _encode_cursor(start + limit) if more else ""}


def _fbs_products(call: Call, body: dict) -> list[OzonProduct]:
    """The products a /v2/product/info/stocks-by-warehouse/fbs request names, in its order."""
    data = call.seller.ozon
    skus, offer_ids = _ids(body.get("sku")), _ids(body.get("offer_id"))
    if bool(skus) == bool(offer_ids):
        raise BadRequest("pass either sku or offer_id")
    if max(len(skus), len(offer_ids)) > 1000:
        raise BadRequest("at most 1000 identifiers")
    if skus:
        return [data.by_sku[int(s)] for s in skus if s.isdigit() and int(s) in data.by_sku]
    return [data.by_offer[o] for o in offer_ids if o in data.by_offer]


# The one position a SKU without FBS stock takes: it gives no row.
_NO_FBS_ROW: tuple[None] = (None,)


def _fbs_row(row: OzonFbsStock) -> dict:
    return {
        "sku": row.product.sku,
        "offer_id": row.product.offer_id,
        "product_id": row.product.product_id,
        "present": row.present,
        "reserved": row.reserved,
        "free_stock": row.free_stock,
        "warehouse_id": row.warehouse.id,
        "warehouse_name": row.warehouse.name,
    }


def stocks_by_warehouse_fbs(call: Call, body: dict) -> dict:
    """Rows of the named SKUs, paged by cursor over (SKU, row) positions.

    A page takes at most ``limit`` positions and ends where the SKUs of one server page end
    (``config.ozon_fbs_page_skus``). A SKU without FBS stock takes a position and gives no row,
    so a page can be short, or empty, with ``has_next`` true.
    """
    limit = _limit(body, 1000)
    data = call.seller.ozon
    positions: list[tuple[int, OzonFbsStock | None]] = [
        (index, row)
        for index, product in enumerate(_fbs_products(call, body))
        for row in data.fbs_by_sku.get(product.sku) or _NO_FBS_ROW
    ]
    start = _decode_cursor(body.get("cursor"))
    if start > len(positions):
        raise BadRequest("invalid cursor")
    page_skus = call.world.config.ozon_fbs_page_skus
    boundary = (positions[start][0] // page_skus + 1) * page_skus if start < len(positions) else 0
    end = start
    while end < min(len(positions), start + limit) and positions[end][0] < boundary:
        end += 1
    has_next = end < len(positions)
    return {
        "products": [_fbs_row(row) for _, row in positions[start:end] if row is not None],
        "has_next": has_next,
        "cursor": _encode_cursor(end) if has_next else "",
    }


async def retired(call: Call) -> Response:
    """A method Ozon switched off: 404 in Ozon's error shape, as the live API answers."""
    return ozon_error(404, NOT_FOUND, "method is switched off")


def analytics_stocks(call: Call, body: dict) -> dict:
    skus = _ids(body.get("skus"))
    if not 1 <= len(skus) <= 100:
        raise BadRequest("skus must hold from 1 to 100 values")
    warehouses = set(_ids(body.get("warehouse_ids")))
    data = call.seller.ozon
    items = []
    for sku in dict.fromkeys(skus):
        for row in data.fbo_by_sku.get(int(sku), []) if sku.isdigit() else []:
            if warehouses and str(row.warehouse.id) not in warehouses:
                continue
            items.append(
                {
                    "sku": row.product.sku,
                    "offer_id": row.product.offer_id,
                    "name": row.product.name,
                    "warehouse_id": row.warehouse.id,
                    "warehouse_name": row.warehouse.name,
                    "cluster_id": row.warehouse.cluster_id,
                    "cluster_name": row.warehouse.cluster_name,
                    "available_stock_count": row.available,
                    "return_from_customer_stock_count": row.returns,
                    "transit_stock_count": row.transit,
                    "valid_stock_count": 0,
                    "requested_stock_count": 0,
                    "other_stock_count": 0,
                    "ads": 0.5,
                    "idc": float(row.available * 2),
                    "item_tags": [],
                    "turnover_grade": "ACTUAL",
                }
            )
    return {"items": items}


def _postings(scheme: str, require_period: bool) -> Any:
    def handler(call: Call, body: dict) -> dict:
        limit = _limit(body, 100, default=None if require_period else 100)
        flt = body.get("filter") or {}
        if require_period and not (flt.get("since") and flt.get("to")):
            raise BadRequest("filter.since and filter.to are required")
        postings = call.seller.ozon.postings[scheme]
        keys = [p.in_process_at for p in postings]
        try:
            since = parse_rfc3339(flt["since"]) if flt.get("since") else None
            to = parse_rfc3339(flt["to"]) if flt.get("to") else None
        except ValueError as exc:
            raise BadRequest("since and to must be RFC 3339 date-times") from exc
        if since and to and to - since > MAX_PERIOD:
            raise BadRequest("PERIOD_IS_TOO_LONG")
        low = bisect.bisect_left(keys, since) if since else 0
        high = bisect.bisect_right(keys, to) if to else len(keys)
        selected = postings[low:high]
        statuses = set(_ids(flt.get("statuses")))
        if statuses:
            selected = [p for p in selected if p.status in statuses]
        if str(body.get("sort_dir", "ASC")).upper() == "DESC":
            selected = selected[::-1]
        start = _decode_cursor(body.get("cursor"))
        end = min(start + limit, (start // POSTINGS_SHARD + 1) * POSTINGS_SHARD, len(selected))
        has_next = end < len(selected)
        return {
            "postings": [posting_json(p) for p in selected[start:end]],
            "has_next": has_next,
            "cursor": _encode_cursor(end) if has_next else "",
        }

    return handler


def warehouse_list(call: Call, body: dict) -> dict:
    limit = _limit(body, 200)
    start = _decode_cursor(body.get("cursor"))
    warehouses = call.seller.ozon.fbs_warehouses
    page = warehouses[start : start + limit]
    has_next = start + limit < len(warehouses)
    return {
        "warehouses": [
            {
                "warehouse_id": w.id,
                "name": w.name,
                "status": "created",
                "is_rfbs": False,
                "is_express": False,
                "is_kgt": False,
                "warehouse_type": "FBS",
                "working_days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
                "postings_limit": -1,
            }
            for w in page
        ],
        "has_next": has_next,
        "cursor": _encode_cursor(start + limit) if has_next else "",
    }


async def roles(call: Call) -> Response:
    """The key's roles and expiry. The spec declares no request body, so none is read: an
    empty body, ``{}`` or anything else gets the same answer."""
    return json_response(
        {
            "expires_at": utc_z_millis(call.seller.ozon_key_expires_at),
            "roles": [{"name": "Admin read only", "methods": list(OZON_ROLE_METHODS)}],
        }
    )


def seller_info(call: Call, body: dict) -> dict:
    seller = call.seller
    return {
        "company": {
            "name": seller.trade_mark,
            "legal_name": seller.name,
            "inn": seller.inn,
            "country": "RU",
            "currency": "RUB",
            "ogrn": "",
            "ownership_form": "",
            "tax_system": "USN",
        },
        "ratings": [],
        "subscription": {"is_premium": False, "type": "UNSPECIFIED"},
    }


HANDLERS: dict[str, Any] = {
    "/v3/product/list": product_list,
    "/v3/product/info/list": product_info_list,
    "/v4/product/info/stocks": product_stocks,
    "/v2/product/info/stocks-by-warehouse/fbs": stocks_by_warehouse_fbs,
    "/v1/analytics/stocks": analytics_stocks,
    "/v3/posting/fbo/list": _postings("fbo", require_period=False),
    "/v4/posting/fbs/list": _postings("fbs", require_period=True),
    "/v2/warehouse/list": warehouse_list,
    "/v1/seller/info": seller_info,
}
# Methods without a request body in the spec: their handlers read none.
BODILESS: dict[str, Handler] = {"/v1/roles": roles}


# Switched off by Ozon (2026-04-07); still authenticated and counted, as every Ozon path.
RETIRED = ("/v1/product/info/stocks-by-warehouse/fbs",)


def routes(world: World) -> list[Route]:
    handlers: dict[str, Handler] = {
        **{path: _endpoint(fn) for path, fn in HANDLERS.items()},
        **BODILESS,
        **dict.fromkeys(RETIRED, retired),
    }
    return [
        Route(path, guarded(world, "ozon", _authenticate, _too_many, handler), methods=["POST"])
        for path, handler in handlers.items()
    ]
