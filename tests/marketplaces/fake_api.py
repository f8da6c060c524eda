"""A small marketplace-like app whose behaviour each test sets: limits, failures, odd bodies.

It is not a simulator of WB or Ozon; it exercises the shared transport's pacing, retries and
error mapping with exact, observable timings. Requests the real clients send to it on real
marketplace paths are still checked against the specs (``violations``), so that no request a
client makes in the test suite escapes validation.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.spec_conformance import Exchange, spec_for, validate_exchange

MIB = 1024 * 1024
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no time


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
    limited_advice: dict[str, str] | None = None  # answer every request 429 with these headers
    trickle: float = 0.0  # seconds between the answer's bytes: a body that never ends in time
    huge_answer: int = 0  # stream an answer of this many bytes (a JSON list of zeros)
    gzip_bomb: int = 0  # an answer of this many zero bytes, sent gzip-compressed
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
        if self.limited_advice is not None:
            return JSONResponse(
                {"title": "too many requests"}, status_code=429, headers=self.limited_advice
            )
        hostile = self._hostile_answer()
        if hostile is not None:
            return hostile
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

    def _hostile_answer(self) -> Response | None:
        """The answers of a server bent on keeping the client busy or filling its memory."""
        if self.trickle:
            return StreamingResponse(_trickled(json.dumps(self.answer).encode(), self.trickle))
        if self.huge_answer:
            return StreamingResponse(_zeros_list(self.huge_answer), media_type="application/json")
        if self.gzip_bomb:
            return Response(
                _bomb(self.gzip_bomb),
                media_type="application/json",
                headers={"Content-Encoding": "gzip"},
            )
        return None


async def _trickled(body: bytes, interval: float) -> AsyncIterator[bytes]:
    for byte in body:
        yield bytes([byte])
        await asyncio.sleep(interval)


async def _zeros_list(size: int) -> AsyncIterator[bytes]:
    """``[0,0,...,0]`` of about ``size`` bytes, made as it is sent: the server holds none of it."""
    chunk = b"0," * (512 * 1024)
    yield b"["
    for _ in range(size // len(chunk)):
        yield chunk
    yield b"0]"


@functools.cache
def _bomb(size: int) -> bytes:
    """``size`` zero bytes (whole MiBs) gzip-compressed to about a thousandth, a MiB at a time."""
    block = bytes(MIB)
    blocks = size // MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate, gzip framing below
    deflated = b"".join(packer.compress(block) for _ in range(blocks)) + packer.flush()
    crc = functools.reduce(lambda value, _: zlib.crc32(block, value), range(blocks), 0)
    trailer = crc.to_bytes(4, "little") + (blocks * MIB & 0xFFFFFFFF).to_bytes(4, "little")
    return _GZIP_HEADER + deflated + trailer


def create_app(state: FakeApi) -> Starlette:
    return Starlette(
        routes=[Route("/{path:path}", state.handle, methods=["GET", "POST"])],
    )
