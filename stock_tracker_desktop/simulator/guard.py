"""The steps every marketplace call goes through: authenticate, rate limit, handle, account.

Each marketplace module supplies an ``Authenticator`` and its ``too_many`` answer (with the
headers that marketplace sends on a 429, if any); the guard wraps a handler into a starlette
endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from stock_tracker_desktop.simulator.limits import Decision, format_seconds
from stock_tracker_desktop.simulator.world import SellerAccount, World


@dataclass(slots=True)
class Call:
    """One authenticated request, as a handler sees it."""

    request: Request
    world: World
    seller: SellerAccount
    raw_body: bytes

    def json(self) -> Any:
        """The JSON body; raises ValueError when it is not JSON."""
        return json.loads(self.raw_body) if self.raw_body.strip() else None


Handler = Callable[[Call], Awaitable[Response]]
# Returns the seller, or the error answer to send instead.
Authenticator = Callable[[Request, World], SellerAccount | Response]
# The 429 answer, headers included.
TooMany = Callable[[Decision], Response]


def rate_headers(decision: Decision) -> dict[str, str]:
    """WB's advice on a 429 (Ozon gives none)."""
    return {
        "X-Ratelimit-Retry": format_seconds(decision.retry_after),
        "X-Ratelimit-Limit": str(decision.limit),
        "X-Ratelimit-Reset": format_seconds(decision.reset_after),
    }


def guarded(
    world: World,
    group: str,
    authenticate: Authenticator,
    too_many: TooMany,
    handler: Handler,
    scope: Callable[[Request], str] | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    spec = world.limits[group]

    async def endpoint(request: Request) -> Response:
        seller = authenticate(request, world)
        if isinstance(seller, Response):
            return seller
        bucket = world.limiter.bucket(seller.seller_id, group, scope(request) if scope else "")
        decision = bucket.take()
        world.stats.record(seller.seller_id, group, throttled=not decision.allowed)
        if not decision.allowed:
            return too_many(decision)
        response = await handler(Call(request, world, seller, await request.body()))
        if 400 <= response.status_code < 500 and spec.penalty_4xx > 1:
            bucket.charge(spec.penalty_4xx - 1)
        elif response.status_code < 400:
            response.headers["X-Ratelimit-Remaining"] = str(decision.remaining)
        return response

    return endpoint
