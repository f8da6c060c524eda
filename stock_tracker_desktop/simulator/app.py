"""The ASGI app: WB routes, Ozon routes, control routes, and the fault/observer middleware."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from email.utils import formatdate

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.wb_token import TokenFormatError, parse_wb_token
from stock_tracker_desktop.domain.window import OrderWindow
from stock_tracker_desktop.simulator import keygen_api, ozon_api, wb_api
from stock_tracker_desktop.simulator.fault_answers import fault_answer
from stock_tracker_desktop.simulator.faults import Fault, FaultKind
from stock_tracker_desktop.simulator.responses import json_response
from stock_tracker_desktop.simulator.world import World

CONTROL_PREFIX = "/__sim__"
FAULT_HEADER = "X-Sim-Fault"
DEFAULT_SLOW_SECONDS = 1.0

# observer(request_body, request, response_body, response): sees every exchange, e.g. to
# validate it against the specs. It runs on the server's loop; keep it quick.
Observer = Callable[[bytes, Request, bytes, Response], None]

log = logging.getLogger(__name__)


def _seller_hint(world: World, request: Request) -> str | None:
    """Which seller a request is for, read without checking the credential (fault matching)."""
    client_id = request.headers.get("client-id")
    if client_id:
        seller = world.seller_by_client_id(client_id.strip())
        return seller.seller_id if seller else None
    try:
        return parse_wb_token(request.headers.get("authorization", "")).seller_id or None
    except TokenFormatError:
        return None


class SimulatorMiddleware:
    """Buffers each exchange so faults can replace or cut it and the observer can see it."""

    def __init__(self, app: ASGIApp, world: World, observer: Observer | None) -> None:
        self.app = app
        self.world = world
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            body.extend(message.get("body", b""))
            if not message.get("more_body"):
                break
        request_body = bytes(body)

        async def replay() -> Message:
            return {"type": "http.request", "body": request_body, "more_body": False}

        request = Request(scope, replay)
        path: str = scope["path"]
        fault = None
        if not path.startswith(CONTROL_PREFIX):
            fault = self.world.faults.take(path, _seller_hint(self.world, request))
        status, headers, out = await self._answer(scope, replay, fault, path)
        if fault is not None:
            if fault.kind is FaultKind.TRUNCATED:
                out = out[: len(out) // 2]
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers += [
                (b"content-length", str(len(out)).encode()),
                (FAULT_HEADER.lower().encode(), str(fault.kind).encode()),
            ]
        if self.observer is not None and not path.startswith(CONTROL_PREFIX):
            seen = Response(out, status_code=status)
            seen.raw_headers = list(headers)
            try:
                self.observer(request_body, request, out, seen)
            except Exception:
                log.exception("the simulator's observer failed")
        # uvicorn's own Date is off (server.py): the Keygen routes sign theirs.
        if not any(name.lower() == b"date" for name, _ in headers):
            headers.append((b"date", formatdate(usegmt=True).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": out})

    async def _answer(
        self, scope: Scope, receive: Receive, fault: Fault | None, path: str
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if fault is not None and fault.kind is FaultKind.SLOW:
            await asyncio.sleep(fault.delay if fault.delay is not None else DEFAULT_SLOW_SECONDS)
        if fault is not None and fault.kind is FaultKind.TIMEOUT:
            hold = (
                fault.delay if fault.delay is not None else self.world.config.timeout_fault_seconds
            )
            await asyncio.sleep(hold)
        replacement = fault_answer(fault, path) if fault is not None else None
        if replacement is not None:
            return replacement.status_code, list(replacement.raw_headers), bytes(replacement.body)
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks = bytearray()

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.extend(message.get("body", b""))

        await self.app(scope, receive, capture)
        return status, headers, bytes(chunks)


def _control_routes(world: World) -> list[Route]:
    async def expected(request: Request) -> Response:
        seller = world.seller(request.path_params["seller_id"])
        if seller is None:
            return json_response({"error": "unknown seller"}, 404)
        query = request.query_params
        try:
            marketplace = Marketplace(query.get("marketplace", Marketplace.WILDBERRIES))
            start = datetime.fromisoformat(query["start"])
            end = datetime.fromisoformat(query["end"])
        except (KeyError, ValueError):
            return json_response({"error": "need marketplace, start and end (ISO, aware)"}, 400)
        if start.tzinfo is None or end.tzinfo is None:
            return json_response({"error": "start and end must carry an offset"}, 400)
        window = OrderWindow(start=start, end=end, days=max(1, (end - start).days))
        return json_response(world.expected(seller, marketplace, window).to_json())

    async def add_fault(request: Request) -> Response:
        try:
            payload = await request.json()
            items = payload if isinstance(payload, list) else [payload]
            faults = [world.faults.add(Fault(**item)) for item in items]
        except (ValueError, TypeError):
            return json_response(
                {"error": "a fault is {kind, path_prefix, seller_id, count, delay}"}, 400
            )
        return json_response({"added": [f.to_json() for f in faults]})

    async def clear_faults(request: Request) -> Response:
        world.faults.clear()
        return json_response({"cleared": True})

    async def list_faults(request: Request) -> Response:
        return json_response([f.to_json() for f in world.faults.pending()])

    async def stats(request: Request) -> Response:
        return json_response(
            [
                {
                    "seller_id": seller,
                    "group": group,
                    "requests": entry.requests,
                    "throttled": entry.throttled,
                }
                for (seller, group), entry in world.stats.snapshot().items()
            ]
        )

    return [
        Route(f"{CONTROL_PREFIX}/stats", stats, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/expected/{{seller_id}}", expected, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/faults", add_fault, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/faults", clear_faults, methods=["DELETE"]),
        Route(f"{CONTROL_PREFIX}/faults", list_faults, methods=["GET"]),
    ]


def create_app(world: World, observer: Observer | None = None) -> Starlette:
    """One app for both marketplaces and the licensing service: WB, Ozon and Keygen paths never
    collide (see wb_api, ozon_api, keygen_api)."""
    app = Starlette(
        routes=[
            *wb_api.routes(world),
            *ozon_api.routes(world),
            *keygen_api.routes(world.keygen),
            *_control_routes(world),
        ],
        middleware=[Middleware(SimulatorMiddleware, world=world, observer=observer)],
    )
    app.state.world = world
    return app
