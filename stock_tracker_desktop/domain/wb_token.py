"""Reading a Wildberries API token without calling anyone.

A WB token is a JWT whose payload says when it expires (``exp``), which API categories it may use
(bit mask ``s``), the seller (``sid``) and whether it is a sandbox token (``t``). The signature is
WB's business; here we only read the claims, so that a user learns before the first sync that a
token is expired or lacks a category.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

# Bit n of the ``s`` claim grants category n.
CATEGORY_BITS: dict[int, str] = {
    1: "Content",
    2: "Analytics",
    3: "Prices",
    4: "Marketplace",
    5: "Statistics",
    6: "Promotion",
    7: "Feedback",
    8: "Recommendations",
    9: "Chat",
    10: "Supplies",
    11: "Returns",
    12: "Documents",
}
READ_ONLY_BIT = 30
REQUIRED_CATEGORIES: tuple[str, ...] = ("Content", "Analytics", "Marketplace", "Statistics")


class TokenFormatError(ValueError):
    """The text is not a WB token. The message never contains the token."""


@dataclass(frozen=True, slots=True)
class WbTokenInfo:
    expires_at: datetime | None
    scope_mask: int
    seller_id: str
    sandbox: bool

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(name for bit, name in CATEGORY_BITS.items() if self.scope_mask & (1 << bit))

    @property
    def missing(self) -> tuple[str, ...]:
        granted = set(self.categories)
        return tuple(name for name in REQUIRED_CATEGORIES if name not in granted)

    @property
    def read_only(self) -> bool:
        return bool(self.scope_mask & (1 << READ_ONLY_BIT))

    def days_left(self, now: datetime | None = None) -> int | None:
        if self.expires_at is None:
            return None
        delta = self.expires_at - (now or datetime.now(UTC))
        return int(delta.total_seconds() // 86400)

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or datetime.now(UTC))


def _b64url_json(segment: str) -> dict:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise TokenFormatError(
            "the token is not a JWT: a part of it is not base64url JSON"
        ) from exc
    if not isinstance(decoded, dict):
        raise TokenFormatError("the token is not a JWT: its payload is not a JSON object")
    return decoded


def parse_wb_token(token: str) -> WbTokenInfo:
    """Read the claims of a WB token; raise TokenFormatError when it is not a JWT."""
    token = token.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise TokenFormatError(
            "the token is not a JWT (three dot-separated parts); copy the whole token from the "
            "seller's cabinet, Settings > API access"
        )
    _b64url_json(parts[0])
    payload = _b64url_json(parts[1])
    exp = payload.get("exp")
    expires_at = datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else None
    scope = payload.get("s", 0)
    return WbTokenInfo(
        expires_at=expires_at,
        scope_mask=scope if isinstance(scope, int) else 0,
        seller_id=str(payload.get("sid", "")),
        sandbox=payload.get("t") is True,
    )
