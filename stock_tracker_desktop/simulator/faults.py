"""Faults a test or a demo asks for: the marketplace misbehaving on purpose."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    SERVER_ERROR = "server_error"  # a burst of 503/500
    TIMEOUT = "timeout"  # hold the request longer than any sane client timeout
    TRUNCATED = "truncated"  # the real answer with its body cut in half
    MALFORMED = "malformed"  # 200 with JSON of the wrong shape
    RETIRED = "retired"  # 404, as for a switched-off method
    SLOW = "slow"  # wait, then answer normally
    RATE_LIMITED = "rate_limited"  # 429 with the given wait advice, however odd


@dataclass(slots=True)
class Fault:
    """Applies to the next ``count`` requests whose path starts with ``path_prefix``.

    ``seller_id`` narrows it to one seller (WB token ``sid`` or Ozon Client-Id owner).
    ``delay`` is in real seconds (not scaled): for `slow` and `timeout`. For `rate_limited`,
    ``retry_after`` and ``ratelimit_retry`` are sent as they are (``inf``, ``999999``, an HTTP
    date) as the ``Retry-After`` and ``X-Ratelimit-Retry`` headers; None leaves one out.
    """

    kind: FaultKind | str
    path_prefix: str = "/"
    seller_id: str | None = None
    count: int = 1
    delay: float | None = None
    retry_after: str | None = None
    ratelimit_retry: str | None = None

    def __post_init__(self) -> None:
        self.kind = FaultKind(self.kind)
        if self.count < 1:
            raise ValueError("a fault must apply to at least one request")

    def to_json(self) -> dict:
        return asdict(self) | {"kind": str(self.kind)}


class FaultInjector:
    """The faults waiting to fire; safe to change from the test's thread while serving."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, path: str, seller_id: str | None) -> Fault | None:
        """The first fault matching this request, counted as used."""
        with self._lock:
            for fault in self._faults:
                if not path.startswith(fault.path_prefix):
                    continue
                if fault.seller_id is not None and fault.seller_id != seller_id:
                    continue
                fault.count -= 1
                if fault.count == 0:
                    self._faults.remove(fault)
                return fault
        return None
