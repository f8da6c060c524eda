"""Client knobs read from the environment."""

from __future__ import annotations

import math
import os

TIME_FACTOR_ENV = "STOCK_TRACKER_TIME_FACTOR"


def time_factor_from_env(default: float = 1.0) -> float:
    """``STOCK_TRACKER_TIME_FACTOR``: a testing/demo knob scaling every rate-limit duration.

    1.0 is the real marketplace; 0.01 runs a hundred times faster (only against the simulator).
    """
    return _positive_from_env(TIME_FACTOR_ENV, default, "a positive number")


# How long the app waits, at most, when a marketplace answers 429 and says when to come back
# (seconds, before the time factor), unless the user's setting `max_rate_limit_wait` says
# otherwise. Longer advice fails the stage at once: the next run tries again, rather than a sync
# (and, in the daemon, the seller) staying "running" for hours.
MAX_RATE_LIMIT_WAIT = 300.0
# One request, from sending to the last byte of its answer: httpx's timeouts are per read, so a
# server trickling a byte every few seconds never trips them.
REQUEST_DEADLINE_ENV = "STOCK_TRACKER_REQUEST_DEADLINE"
REQUEST_DEADLINE = 180.0
# A request is never given less than this many real seconds, whatever the time factor: moving
# a large page over the network does not get faster with the simulator's clock.
MIN_REQUEST_DEADLINE = 5.0
# One seller's whole sync (products, stock, orders). Generous: a large WB seller's orders come at
# one page a minute and its stock report is prepared over minutes.
SELLER_DEADLINE_ENV = "STOCK_TRACKER_SELLER_DEADLINE"
SELLER_DEADLINE = 2 * 3600.0


def seconds_from_env(name: str, default: float) -> float:
    """A positive, finite number of seconds from the environment variable ``name``."""
    return _positive_from_env(name, default, "a positive number of seconds")


def _positive_from_env(name: str, default: float, what: str) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be {what}, not {raw!r}")
    return value


def seller_deadline() -> float:
    """Real seconds one seller's collecting may take (``SELLER_DEADLINE``, time factor applied)."""
    return seconds_from_env(SELLER_DEADLINE_ENV, SELLER_DEADLINE) * time_factor_from_env()
