"""A small marketplace-like app whose behaviour each test sets: limits, failures, odd bodies.

It is not a simulator of WB or Ozon; it exercises the shared transport's pacing, retries and
error mapping with exact, observable timings. Requests the real clients send to it on real
marketplace paths are still checked against the specs (``violations``), so that no request a
client makes in the test suite escapes validation.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.spec_conformance import Exchange, spec_for, validate_exchange


@dataclass
class ServerBucket:
    """The marketplace's own bucket, so a test can see whether the client respects it."""

    burst: int
    interval: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self) -> float:
        """0 when allowed, else the seconds until a token is back."""
        now = time.monotonic()
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) / self.interval)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) * self.interval


@dataclass
class FakeApi:
    """What the app does; tests mutate it and read ``log`` afterwards."""

    bucket: ServerBucket | None = None
    failures_left: int = 0
    failure_status: int = 503
    truncate_left: int = 0
    delay: float = 0.0  # before the bucket counts a request: its way to the marketplace
    delays: Iterator[float] | None = None  # per request instead of ``delay``: jitter
    answer_delay: float = 0.0  # after it is counted: the answer's way back
    status: int = 200
    error_body: dict[str, object] | None = None
    redirect_to: str | None = None  # answer 302 with this Location and ``redirect_body``
    redirect_body: bytes = b"<html><body>Moved</body></html>"
    answer: object = field(default_factory=lambda: {"ok": True})
    log: list[tuple[float, int, dict[str, str]]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def statuses(self) -> list[int]:
        return [status for _, status, _ in self.log]

    async def handle(self, request: Request) -> Response:
        await self._check_request(request)
        response = await self._answer()
        self.log.append((time.monotonic(), response.status_code, dict(request.headers)))
        return response

    async def _check_request(self, request: Request) -> None:
        if spec_for(request.url.path, request.method) is None:
            return  # a made-up path of a transport test, not a marketplace method
        exchange = Exchange(
            method=request.method,
            path=request.url.path,
            query=list(request.query_params.multi_items()),
            request_headers=dict(request.headers),
            request_body=await request.body(),
            status=200,
            response_headers={},
            response_body=b"",
        )
        self.violations.extend(validate_exchange(exchange, check_response=False).request)

    async def _answer(self) -> Response:
        delay = next(self.delays) if self.delays is not None else self.delay
        if delay:
            await asyncio.sleep(delay)
        if self.bucket is not None:
            wait = self.bucket.take()
            if wait:
                return JSONResponse(
                    {"title": "too many requests", "detail": "limited"},
                    status_code=429,
                    headers={"X-Ratelimit-Retry": f"{wait:.3f}", "X-Ratelimit-Limit": "1"},
                )
        if self.failures_left:
            self.failures_left -= 1
            return JSONResponse({"title": "unavailable"}, status_code=self.failure_status)
        if self.truncate_left:
            self.truncate_left -= 1
            text = json.dumps(self.answer)
            return Response(text[: len(text) // 2], media_type="application/json")
        if self.redirect_to is not None:
            return Response(
                self.redirect_body, status_code=302, headers={"Location": self.redirect_to}
            )
        if self.status != 200:
            return JSONResponse(
                self.error_body or {},
                status_code=self.status,
                media_type="application/problem+json",
            )
        headers = {}
        if self.bucket is not None:
            headers["X-Ratelimit-Remaining"] = str(int(self.bucket.tokens))
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return JSONResponse(self.answer, headers=headers)


def create_app(state: FakeApi) -> Starlette:
    return Starlette(
        routes=[Route("/{path:path}", state.handle, methods=["GET", "POST"])],
    )
