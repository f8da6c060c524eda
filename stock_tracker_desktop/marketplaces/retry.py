"""How often and how patiently a failed request is tried again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

_JITTER = secrets.SystemRandom()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds for retrying 5xx, timeouts, dropped connections and cut-off bodies.

    Delays grow exponentially with jitter, so that many tenants failing together do not come
    back in lockstep. ``max_total`` caps the time one request may spend in retries; 429 answers
    are not failures and have their own bound, ``max_rate_limited``.
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_total: float = 120.0
    max_rate_limited: int = 10

    def scaled(self, time_factor: float) -> RetryPolicy:
        return replace(
            self,
            base_delay=self.base_delay * time_factor,
            max_delay=self.max_delay * time_factor,
            max_total=self.max_total * time_factor,
        )

    def backoff(self, failures: int) -> float:
        """Delay before attempt ``failures + 1``: half to all of the exponential step."""
        step = min(self.max_delay, self.base_delay * 2 ** (failures - 1))
        return _JITTER.uniform(step / 2, step)

    @staticmethod
    def rate_limit_wait(floor: float) -> float:
        """Wait after a 429 that says nothing about when to come back: ``floor`` to a quarter
        more, never less, so that sellers refused together do not return together."""
        return _JITTER.uniform(floor, floor * 1.25)
