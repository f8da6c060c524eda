"""A marketplace API method as data: where it lives, which limit it draws from, how to name it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One API method. ``host`` is a key into the client's host table, ``group`` its rate limit.

    ``error_cost`` is how many requests the marketplace charges for a 4xx answer (WB's
    marketplace-api counts each as 10).
    """

    method: str
    path: str
    host: str
    group: str
    error_cost: int = 1

    @property
    def label(self) -> str:
        """How messages name the method: ``POST /v1/analytics/stocks`` (never a real id)."""
        return f"{self.method} {self.path}"
