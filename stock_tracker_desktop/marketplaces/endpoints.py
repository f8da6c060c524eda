"""A marketplace API method as data: where it lives, which limit it draws from, how to name it."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024
# The most one answer may hold, decompressed, unless its method says otherwise: pages of a few
# hundred or a thousand rows (Ozon's, WB's cards) are a few MB at most; anything past this is a
# misbehaving server, and reading it on would take the process's memory with it.
DEFAULT_MAX_BYTES = 64 * MB


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One API method. ``host`` is a key into the client's host table, ``group`` its rate limit.

    ``error_cost`` is how many requests the marketplace charges for a 4xx answer (WB's
    marketplace-api counts each as 10). ``marketplace`` and ``subject`` (what the method reads:
    "orders", "stock") word the messages a person reads. ``max_bytes`` bounds one answer,
    decompressed; ``deadline`` (seconds, before the time factor) bounds one request from
    sending to the last byte of its answer, None for the transport's default.
    """

    method: str
    path: str
    host: str
    group: str
    error_cost: int = 1
    marketplace: str = "the marketplace"
    subject: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES
    deadline: float | None = None

    @property
    def label(self) -> str:
        """How messages name the method: ``POST /v1/analytics/stocks`` (never a real id)."""
        return f"{self.method} {self.path}"

    @property
    def what(self) -> str:
        """What the method reads, for a person: its subject, else its label."""
        return self.subject or self.label
