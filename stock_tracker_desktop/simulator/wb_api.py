"""The Wildberries seller API paths a stock sync uses, all on one base URL.

WB paths never collide across its hosts (content-api, seller-analytics-api, marketplace-api,
statistics-api, common-api), so one app serves them all; the Host header only matters for
the sandbox rule and /ping's category (see ``wb_auth``).
"""

from __future__ import annotations

import bisect
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.simulator.guard import Call, Handler, guarded, rate_headers
from stock_tracker_desktop.simulator.limits import Decision
from stock_tracker_desktop.simulator.responses import (
    json_response,
    wb_problem,
    wb_short_problem,
)
from stock_tracker_desktop.simulator.timefmt import parse_rfc3339, parse_wb_date_from
from stock_tracker_desktop.simulator.wb_auth import host_label, wb_authenticator
from stock_tracker_desktop.simulator.wb_data import card_json
from stock_tracker_desktop.simulator.world import ReportTask, World

CARDS_MAX_LIMIT = 100
STOCKS_REPORT_MAX_LIMIT = 250_000
FBS_MAX_CHRT_IDS = 1000
PSEUDO_IN_WAY_TO = "В пути до получателей"
PSEUDO_IN_WAY_FROM = "В пути возвраты на склад WB"
PSEUDO_TOTAL = "Всего находится на складах"


def _too_many(decision: Decision) -> Response:
    answer = wb_problem(429, "too many requests", f"limited by {uuid.uuid4()}", "s2s-api-auth")
    answer.headers.update(rate_headers(decision))
    return answer


def _content_error(text: str) -> Response:
    body = {"data": None, "error": True, "errorText": text, "additionalErrors": None}
    return json_response(body, 400)


def _marketplace_error(status: int, code: str, message: str) -> Response:
    return json_response({"code": code, "message": message}, status)


async def ping(call: Call) -> Response:
    stamp = datetime.now(MOSCOW).replace(microsecond=0).isoformat()
    return json_response({"TS": stamp, "Status": "OK"})


async def seller_info(call: Call) -> Response:
    seller = call.seller
    return json_response(
        {
            "name": seller.name,
            "sid": seller.seller_id,
            "tin": seller.inn,
            "tradeMark": seller.trade_mark,
        }
    )


async def cards_list(call: Call) -> Response:
    try:
        settings = (call.json() or {}).get("settings") or {}
        cursor = settings.get("cursor") or {}
        limit = int(cursor.get("limit", 10))
        ascending = bool((settings.get("sort") or {}).get("ascending", False))
        updated_at = cursor.get("updatedAt")
        after = parse_rfc3339(updated_at) if updated_at else None
        nm_id = int(cursor["nmID"]) if cursor.get("nmID") is not None else None
    except (ValueError, TypeError, AttributeError, KeyError):
        return _content_error("Request body can not be decoded")
    if not 1 <= limit <= CARDS_MAX_LIMIT:
        return _content_error(f"cursor.limit must be between 1 and {CARDS_MAX_LIMIT}")
    data = call.seller.wb
    if ascending:
        start = data.cards_after(after, nm_id)
        page = data.cards[start : start + limit]
    else:
        # Descending: the cards strictly before the cursor, newest first.
        end = len(data.cards) if after is None else data.cards_after(after, (nm_id or 0) - 1)
        page = data.cards[max(0, end - limit) : end][::-1]
    body_cursor: dict = {"total": len(page)}
    if page:
        body_cursor |= {
            "updatedAt": card_json(page[-1])["updatedAt"],
            "nmID": page[-1].nm_id,
        }
    elif updated_at:
        body_cursor |= {"updatedAt": updated_at, "nmID": nm_id or 0}
    return json_response({"cards": [card_json(c) for c in page], "cursor": body_cursor})


async def stocks_report(call: Call) -> Response:
    try:
        body = call.json() or {}
        limit = int(body.get("limit", STOCKS_REPORT_MAX_LIMIT))
        offset = int(body.get("offset", 0))
        nm_ids = {int(n) for n in body.get("nmIds") or ()}
        chrt_ids = {int(n) for n in body.get("chrtIds") or ()}
    except (ValueError, TypeError, AttributeError):
        return _analytics_bad_request("request body can not be decoded")
    if not 0 <= limit <= STOCKS_REPORT_MAX_LIMIT or offset < 0:
        return _analytics_bad_request(f"limit must be at most {STOCKS_REPORT_MAX_LIMIT}")
    rows = call.seller.wb.fbo_rows
    if nm_ids:
        rows = [
            r for r in rows if r["nmId"] in nm_ids and (not chrt_ids or r["chrtId"] in chrt_ids)
        ]
    return json_response({"data": {"items": rows[offset : offset + limit]}})


def _analytics_bad_request(detail: str) -> Response:
    return wb_short_problem(
        400, "Invalid request body", detail, "analytic-open-api", "application/json"
    )


async def remains_create(call: Call) -> Response:
    task = ReportTask(task_id=str(uuid.uuid4()), created=time.monotonic())
    call.world.report_tasks.setdefault(call.seller.seller_id, {})[task.task_id] = task
    return json_response({"data": {"taskId": task.task_id}})


def _task_status(world: World, task: ReportTask) -> str:
    config = world.config
    elapsed = (time.monotonic() - task.created) / config.time_factor
    if elapsed < config.report_new_seconds:
        return "new"
    if elapsed < config.report_new_seconds + config.report_processing_seconds:
        return "processing"
    return "done"


def _find_task(call: Call) -> ReportTask | Response:
    task_id = call.request.path_params["task_id"]
    try:
        uuid.UUID(task_id)
    except ValueError:
        return wb_short_problem(
            400,
            "Bad Request",
            "Invalid format for parameter task_id",
            "api-statistics",
            "application/json",
        )
    task = call.world.report_tasks.get(call.seller.seller_id, {}).get(task_id)
    if task is None:
        return wb_short_problem(
            404, "Not Found", "not found", "api-statistics", "application/problem+json"
        )
    return task


async def remains_status(call: Call) -> Response:
    task = _find_task(call)
    if isinstance(task, Response):
        return task
    return json_response({"data": {"id": task.task_id, "status": _task_status(call.world, task)}})


async def remains_download(call: Call) -> Response:
    task = _find_task(call)
    if isinstance(task, Response):
        return task
    if _task_status(call.world, task) != "done":
        return wb_short_problem(
            400, "Bad Request", "the report is not ready yet", "api-statistics", "application/json"
        )
    data = call.seller.wb
    by_size: dict[int, list] = {}
    for stock in data.fbo_stock:
        by_size.setdefault(stock.size.chrt_id, []).append(stock)
    rows = []
    for stocks in by_size.values():
        card, size = stocks[0].card, stocks[0].size
        pseudo = [
            (PSEUDO_IN_WAY_TO, sum(s.in_way_to_client for s in stocks)),
            (PSEUDO_IN_WAY_FROM, sum(s.in_way_from_client for s in stocks)),
            (PSEUDO_TOTAL, sum(s.quantity for s in stocks)),
        ]
        real = [(s.warehouse.name, s.quantity) for s in stocks]
        rows.append(
            {
                "brand": card.brand,
                "subjectName": card.subject_name,
                "vendorCode": card.vendor_code,
                "nmId": card.nm_id,
                "barcode": size.barcodes[0],
                "techSize": size.tech_size,
                "volume": 1.33,
                # WB lists only non-zero quantities here.
                "warehouses": [
                    {"warehouseName": name, "quantity": qty} for name, qty in pseudo + real if qty
                ],
            }
        )
    return json_response(rows)


async def seller_warehouses(call: Call) -> Response:
    return json_response(
        [
            {
                "name": w.name,
                "officeId": w.office_id,
                "id": w.id,
                "cargoType": 1,
                "deliveryType": 1,
                "isDeleting": False,
                "isProcessing": False,
            }
            for w in call.seller.wb.seller_warehouses
        ]
    )


async def fbs_stocks(call: Call) -> Response:
    try:
        warehouse_id = int(call.request.path_params["warehouse_id"])
        body = call.json()
    except ValueError:
        return _marketplace_error(400, "IncorrectRequestBody", "Incorrect required body")
    if not isinstance(body, dict):
        return _marketplace_error(400, "IncorrectRequestBody", "Incorrect required body")
    if "skus" in body:
        return _marketplace_error(
            400,
            "SKUUploadDisabled",
            "Uploading stock is not allowed by 'sku'. Please use the 'chrtId' key",
        )
    chrt_ids = body.get("chrtIds")
    if not isinstance(chrt_ids, list) or not all(isinstance(c, int) for c in chrt_ids):
        return _marketplace_error(400, "IncorrectRequestBody", "Incorrect required body")
    if len(chrt_ids) > FBS_MAX_CHRT_IDS:
        return _marketplace_error(400, "IncorrectRequest", "Переданы некорректные данные")
    amounts = call.seller.wb.fbs_stock.get(warehouse_id)
    if amounts is None:
        return _marketplace_error(404, "NotFound", "")
    stocks = [{"chrtId": c, "amount": amounts[c]} for c in dict.fromkeys(chrt_ids) if c in amounts]
    return json_response({"stocks": stocks})


async def supplier_orders(call: Call) -> Response:
    query = call.request.query_params
    if "dateFrom" not in query:
        return json_response({"errors": ["dateFrom: field required"]}, 400)
    try:
        date_from = parse_wb_date_from(query["dateFrom"])
        flag = int(query.get("flag", "0"))
    except ValueError:
        return json_response({"errors": "dateFrom: Value not validated"}, 400)
    data = call.seller.wb
    if flag == 1:
        day = date_from.date()
        return json_response(
            [r for o, r in zip(data.orders, data.order_rows, strict=True) if o.date.date() == day]
        )
    start = data.orders_from(date_from)
    end = min(len(data.orders), start + call.world.config.orders_row_cap)
    if end < len(data.orders) and data.order_keys[end - 1] == data.order_keys[start]:
        # A page of one timestamp would repeat forever: give the whole group instead.
        end = bisect.bisect_right(data.order_keys, data.order_keys[start])
    return json_response(data.order_rows[start:end])


def _ping_scope(request: Request) -> str:
    return host_label(request)


def routes(world: World) -> list[Route]:
    def route(
        path: str,
        method: str,
        group: str,
        category: str | None,
        origin: str,
        handler: Handler,
        scope: Callable[[Request], str] | None = None,
    ) -> Route:
        auth = wb_authenticator(category, origin)
        endpoint = guarded(world, group, auth, _too_many, handler, scope)
        return Route(path, endpoint, methods=[method])

    return [
        route("/ping", "GET", "wb.ping", "host", "s2s-api-auth", ping, _ping_scope),
        route(
            "/api/v1/seller-info", "GET", "wb.seller_info", None, "s2s-api-auth-common", seller_info
        ),
        route(
            "/content/v2/get/cards/list",
            "POST",
            "wb.content.cards",
            "Content",
            "s2s-api-auth-content",
            cards_list,
        ),
        route(
            "/api/analytics/v1/stocks-report/wb-warehouses",
            "POST",
            "wb.analytics.stocks_report",
            "Analytics",
            "analytic-open-api",
            stocks_report,
        ),
        route(
            "/api/v1/warehouse_remains",
            "GET",
            "wb.analytics.remains_create",
            "Analytics",
            "api-statistics",
            remains_create,
        ),
        route(
            "/api/v1/warehouse_remains/tasks/{task_id}/status",
            "GET",
            "wb.analytics.remains_status",
            "Analytics",
            "api-statistics",
            remains_status,
        ),
        route(
            "/api/v1/warehouse_remains/tasks/{task_id}/download",
            "GET",
            "wb.analytics.remains_download",
            "Analytics",
            "api-statistics",
            remains_download,
        ),
        route(
            "/api/v3/warehouses",
            "GET",
            "wb.marketplace.warehouses",
            "Marketplace",
            "s2s-api-auth-marketplace",
            seller_warehouses,
        ),
        route(
            "/api/v3/stocks/{warehouse_id}",
            "POST",
            "wb.marketplace.stocks",
            "Marketplace",
            "s2s-api-auth-marketplace",
            fbs_stocks,
        ),
        route(
            "/api/v1/supplier/orders",
            "GET",
            "wb.statistics.orders",
            "Statistics",
            "s2s-api-auth-statistics",
            supplier_orders,
        ),
    ]
