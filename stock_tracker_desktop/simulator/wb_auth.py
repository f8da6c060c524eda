"""WB token checks: signature, expiry, sandbox vs production, category of the method.

Sandbox rule (one base URL cannot see which WB host a client meant): a request is a sandbox
request when its ``Host`` header names a ``-sandbox`` host, e.g. a client that sends
``Host: content-api-sandbox.wildberries.ru`` to the simulator's address. A sandbox token
(``t: true``) is refused on any other request, and a production token on a sandbox request.
"""

from __future__ import annotations

import time

import jwt
from starlette.requests import Request
from starlette.responses import Response

from stock_tracker_desktop.domain.wb_token import CATEGORY_BITS
from stock_tracker_desktop.simulator.guard import Authenticator
from stock_tracker_desktop.simulator.responses import wb_problem
from stock_tracker_desktop.simulator.world import SellerAccount, World

_BIT_OF = {name: bit for bit, name in CATEGORY_BITS.items()}

# The category a WB host's /ping checks; hosts not listed (or 127.0.0.1) accept any category.
HOST_CATEGORY: dict[str, str] = {
    "content-api": "Content",
    "seller-analytics-api": "Analytics",
    "marketplace-api": "Marketplace",
    "statistics-api": "Statistics",
    "discounts-prices-api": "Prices",
}


def host_label(request: Request) -> str:
    """The first label of the Host header without ``-sandbox`` ("" for an IP address)."""
    host = request.headers.get("host", "").split(":")[0]
    if not host or host[0].isdigit():
        return ""
    return host.split(".")[0].removesuffix("-sandbox")


def is_sandbox_request(request: Request) -> bool:
    return request.headers.get("host", "").split(":")[0].split(".")[0].endswith("-sandbox")


def wb_authenticator(category: str | None, origin: str) -> Authenticator:
    """Checks the token; ``category`` None means any category will do."""

    def refuse(detail: str) -> Response:
        return wb_problem(401, "unauthorized", detail, origin)

    def authenticate(request: Request, world: World) -> SellerAccount | Response:
        header = request.headers.get("authorization", "").strip()
        token = header[7:].strip() if header.lower().startswith("bearer ") else header
        if not token:
            return refuse("empty Authorization header")
        try:
            claims = jwt.decode(
                token,
                world.wb_public_key,
                algorithms=["ES256"],
                options={"verify_exp": False, "require": ["exp", "s", "sid"]},
            )
        except jwt.InvalidSignatureError:
            return refuse("token problem; token signature is invalid")
        except jwt.PyJWTError:
            return refuse("token problem; token is malformed")
        if claims["exp"] <= time.time():
            return refuse("token problem; token is expired")
        sandbox_token = claims.get("t") is True
        if sandbox_token != is_sandbox_request(request):
            return refuse(
                "token problem; sandbox token is used for production"
                if sandbox_token
                else "token problem; production token is used for sandbox"
            )
        seller = world.seller(str(claims["sid"]))
        if seller is None:
            return refuse("token problem; unknown seller")
        needed = HOST_CATEGORY.get(host_label(request)) if category == "host" else category
        if needed and not int(claims["s"]) & (1 << _BIT_OF[needed]):
            return refuse(f"token scope not allowed: the token lacks the {needed} category")
        return seller

    return authenticate
