"""Places: how many tenants sync at once, a limit that can change while they wait.

``asyncio.Semaphore`` cannot be resized: the ``concurrency`` setting would apply only after a
restart. ``Places`` admits holders in the order they asked (FIFO); ``resize`` applies at once:
growing lets waiting tenants in straight away, shrinking never interrupts a running tenant but
admits the next one only when fewer than the new limit hold a place.

All methods must be called on the event loop's thread (as every engine call is).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from types import TracebackType


class Places:
    """At most ``limit`` holders at once, admitted first come first served."""

    def __init__(self, limit: int) -> None:
        self._limit = _checked(limit)
        self._held = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def held(self) -> int:
        """Places in use now; above ``limit`` for a while after the limit shrank."""
        return self._held

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def resize(self, limit: int) -> None:
        """Change the limit now; waiting holders come in as far as it allows."""
        self._limit = _checked(limit)
        self._admit()

    async def acquire(self) -> None:
        # A newcomer queues behind anyone waiting, even when a place is free: the free place
        # is already promised to the head of the queue (see _admit).
        if not self._waiters and self._held < self._limit:
            self._held += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # Admitted and cancelled in the same turn of the loop: the place was counted
                # for this holder, who will never release it; pass it on.
                self.release()
            raise
        finally:
            with contextlib.suppress(ValueError):  # admitted waiters are gone already
                self._waiters.remove(waiter)

    def release(self) -> None:
        if self._held <= 0:
            raise RuntimeError("Places.release() called more often than acquire()")
        self._held -= 1
        self._admit()

    def _admit(self) -> None:
        """Let waiting holders in, oldest first, while there is room."""
        while self._waiters and self._held < self._limit:
            waiter = self._waiters.popleft()
            if waiter.done():  # cancelled while waiting
                continue
            self._held += 1
            waiter.set_result(None)

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<Places {self._held}/{self._limit} held, {self.waiting} waiting>"


def _checked(limit: int) -> int:
    if limit < 1:
        raise ValueError(f"at least one place is needed, not {limit}")
    return limit
