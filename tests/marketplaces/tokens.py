"""WB-shaped tokens for tests that never reach the simulator (its tokens are used elsewhere)."""

from __future__ import annotations

import time

import jwt

from stock_tracker_desktop.domain.wb_token import CATEGORY_BITS

ALL_NEEDED = ("Content", "Analytics", "Marketplace", "Statistics")


def wb_token(
    *, categories: tuple[str, ...] = ALL_NEEDED, expires_in: float = 86400.0, sandbox: bool = False
) -> str:
    mask = sum(1 << bit for bit, name in CATEGORY_BITS.items() if name in categories)
    payload = {"exp": int(time.time() + expires_in), "s": mask, "sid": "seller-1", "t": sandbox}
    return jwt.encode(payload, "test-signing-key-of-32-bytes-len!", algorithm="HS256")
