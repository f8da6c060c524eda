"""What the simulator served, per seller and method group (benchmarks and tests read it)."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(slots=True)
class GroupStats:
    requests: int = 0
    throttled: int = 0


class ServedStats:
    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], GroupStats] = {}
        self._lock = threading.Lock()

    def record(self, seller_id: str, group: str, *, throttled: bool) -> None:
        with self._lock:
            entry = self._groups.setdefault((seller_id, group), GroupStats())
            entry.requests += 1
            entry.throttled += int(throttled)

    def get(self, seller_id: str, group: str) -> GroupStats:
        with self._lock:
            found = self._groups.get((seller_id, group), GroupStats())
            return GroupStats(found.requests, found.throttled)

    def snapshot(self) -> dict[tuple[str, str], GroupStats]:
        with self._lock:
            return {key: GroupStats(v.requests, v.throttled) for key, v in self._groups.items()}

    def total(self, seller_id: str | None = None) -> GroupStats:
        result = GroupStats()
        for (seller, _group), entry in self.snapshot().items():
            if seller_id is None or seller == seller_id:
                result.requests += entry.requests
                result.throttled += entry.throttled
        return result
