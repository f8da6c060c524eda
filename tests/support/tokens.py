"""WB-style tokens for tests that need a token before a simulator exists (offline checks)."""

from __future__ import annotations

import time

import jwt

ALL_NEEDED = (1 << 1) | (1 << 2) | (1 << 4) | (1 << 5)


def wb_token(*, days: float = 180, scope: int = ALL_NEEDED, sandbox: bool = False) -> str:
    payload = {
        "exp": int(time.time() + days * 86400),
        "s": scope,
        "sid": "3f1c2a7e-0000-4000-8000-000000000001",
        "oid": 1234567,
        "t": sandbox,
    }
    return jwt.encode(payload, "test-signing-key-that-is-long-enough-for-hs256", algorithm="HS256")
