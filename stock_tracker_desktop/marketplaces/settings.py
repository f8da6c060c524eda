"""Client knobs read from the environment."""

from __future__ import annotations

import os

TIME_FACTOR_ENV = "STOCK_TRACKER_TIME_FACTOR"


def time_factor_from_env(default: float = 1.0) -> float:
    """``STOCK_TRACKER_TIME_FACTOR``: a testing/demo knob scaling every rate-limit duration.

    1.0 is the real marketplace; 0.01 runs a hundred times faster (only against the simulator).
    """
    raw = os.environ.get(TIME_FACTOR_ENV, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{TIME_FACTOR_ENV} must be a positive number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{TIME_FACTOR_ENV} must be a positive number, not {raw!r}")
    return value
