"""Rate limits of the real marketplaces as data, and the token buckets that enforce them.

WB figures come from each operation's table "Период | Лимит | Интервал | Всплеск" in the specs
(personal token row). Ozon states one limit: 50 requests per second per Client-Id.
A bucket holds ``burst`` tokens and regains one every ``interval`` seconds (times time_factor).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LimitSpec:
    """One method group's limit. ``penalty_4xx``: tokens a 4xx answer costs in total."""

    period: float
    limit: int
    interval: float
    burst: int
    penalty_4xx: int = 1

    def floor_seconds(self, calls: int, time_factor: float = 1.0) -> float:
        """The least time ``calls`` requests of this group can take from a full bucket."""
        return max(0, calls - self.burst) * self.interval * time_factor


WB_LIMITS: dict[str, LimitSpec] = {
    "wb.ping": LimitSpec(period=30, limit=3, interval=10, burst=3),
    "wb.seller_info": LimitSpec(period=60, limit=1, interval=60, burst=10),
    "wb.content.cards": LimitSpec(period=60, limit=100, interval=0.6, burst=5),
    "wb.analytics.stocks_report": LimitSpec(period=60, limit=3, interval=20, burst=1),
    "wb.analytics.remains_create": LimitSpec(period=60, limit=1, interval=60, burst=5),
    "wb.analytics.remains_status": LimitSpec(period=5, limit=1, interval=5, burst=5),
    "wb.analytics.remains_download": LimitSpec(period=60, limit=1, interval=60, burst=1),
    "wb.marketplace.warehouses": LimitSpec(
        period=60, limit=300, interval=0.2, burst=20, penalty_4xx=10
    ),
    "wb.marketplace.stocks": LimitSpec(
        period=60, limit=300, interval=0.2, burst=20, penalty_4xx=10
    ),
    "wb.statistics.orders": LimitSpec(period=60, limit=1, interval=60, burst=10),
}

OZON_LIMITS: dict[str, LimitSpec] = {
    "ozon": LimitSpec(period=1, limit=50, interval=0.02, burst=50),
}

ALL_LIMITS: dict[str, LimitSpec] = {**WB_LIMITS, **OZON_LIMITS}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of asking a bucket for a token; durations are already scaled."""

    allowed: bool
    remaining: int
    retry_after: float
    reset_after: float
    limit: int


def format_seconds(seconds: float) -> str:
    """Seconds for a header: whole numbers stay whole, scaled ones keep millisecond precision."""
    rounded = math.ceil(max(seconds, 0.0) * 1000) / 1000
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.3f}".rstrip("0")


class TokenBucket:
    """A bucket that may go into debt: a 4xx penalty can take more tokens than are left."""

    def __init__(self, spec: LimitSpec, time_factor: float) -> None:
        self.spec = spec
        self._interval = spec.interval * time_factor
        self._tokens = float(spec.burst)
        self._stamp = time.monotonic()

    def _refill(self, now: float) -> None:
        gained = (now - self._stamp) / self._interval
        self._tokens = min(float(self.spec.burst), self._tokens + gained)
        self._stamp = now

    def take(self) -> Decision:
        now = time.monotonic()
        self._refill(now)
        if self._tokens >= 1:
            self._tokens -= 1
            return self._decision(allowed=True)
        return self._decision(allowed=False)

    def charge(self, tokens: int) -> None:
        self._refill(time.monotonic())
        self._tokens -= tokens

    def _decision(self, *, allowed: bool) -> Decision:
        missing = max(0.0, 1 - self._tokens)
        return Decision(
            allowed=allowed,
            remaining=max(0, math.floor(self._tokens)),
            retry_after=0.0 if allowed else missing * self._interval,
            reset_after=(self.spec.burst - self._tokens) * self._interval,
            limit=self.spec.burst,
        )


class RateLimiter:
    """One bucket per (seller, group, scope), created on first use."""

    def __init__(self, limits: dict[str, LimitSpec], time_factor: float) -> None:
        self._limits = limits
        self._time_factor = time_factor
        self._buckets: dict[tuple[str, str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, seller_id: str, group: str, scope: str = "") -> TokenBucket:
        """``scope`` splits a group further (WB counts /ping per host)."""
        key = (seller_id, group, scope)
        with self._lock:
            found = self._buckets.get(key)
            if found is None:
                found = TokenBucket(self._limits[group], self._time_factor)
                self._buckets[key] = found
            return found
