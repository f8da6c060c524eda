"""Keeping within Google's per-user quota: at most N requests in any window of a minute.

Google counts read and write requests per minute per user (a service account is a user), 60 of
each by default. A token bucket would let 60 go at once and then one a second, which a strict
minute window refuses; so this is a sliding log. A slot is stamped when its request *finishes*:
the server saw the request no later than that, so spacing stamps a window apart keeps the server's
own count within the limit whatever the latency.

One pacer per service account, quota kind and window, process-wide: every export of that account
in this process (threads included) draws from the same log.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

GOOGLE_WINDOW_SECONDS = 60.0
GOOGLE_REQUESTS_PER_WINDOW = 60


@dataclass(frozen=True, slots=True)
class SheetsQuota:
    """Google's per-user limits; ``time_factor`` scales the window (tests, demos)."""

    reads: int = GOOGLE_REQUESTS_PER_WINDOW
    writes: int = GOOGLE_REQUESTS_PER_WINDOW
    window: float = GOOGLE_WINDOW_SECONDS
    time_factor: float = 1.0

    @property
    def scaled_window(self) -> float:
        return self.window * self.time_factor


class WindowPacer:
    """At most ``limit`` requests whose stamps fall in any ``window`` seconds."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._stamps: deque[float] = deque()
        self._in_flight = 0
        self._changed = threading.Condition()

    def _wait_time(self, now: float) -> float | None:
        """0 when a slot is free now, seconds until the oldest stamp leaves the window, or
        None when every slot is held by a request still in flight."""
        while self._stamps and self._stamps[0] <= now - self.window:
            self._stamps.popleft()
        if len(self._stamps) + self._in_flight < self.limit:
            return 0.0
        if self._stamps:
            return self._stamps[0] + self.window - now
        return None

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._changed:
            while (wait := self._wait_time(self._clock())) != 0.0:
                self._changed.wait(wait)
            self._in_flight += 1
        try:
            yield
        finally:
            with self._changed:
                self._in_flight -= 1
                self._stamps.append(self._clock())
                self._changed.notify_all()


_registry: dict[tuple[str, str, int, float], WindowPacer] = {}
_registry_lock = threading.Lock()


def pacer_for(account: str, kind: str, quota: SheetsQuota) -> WindowPacer:
    """The process-wide pacer of one service account's ``kind`` ("read" or "write") quota."""
    limit = quota.reads if kind == "read" else quota.writes
    key = (account, kind, limit, quota.scaled_window)
    with _registry_lock:
        pacer = _registry.get(key)
        if pacer is None:
            pacer = _registry[key] = WindowPacer(limit, quota.scaled_window)
        return pacer
