"""Pacing requests ahead of time with token buckets, shared per credential and method group.

Marketplaces limit each seller account per method group with a token bucket: ``burst`` requests
at once, then one more every ``interval``. Mirroring that bucket locally means a sync almost never
meets a 429, and the few it meets (another program using the same token) resync the local copy.

Buckets are reserved, not polled: a caller takes a token now, possibly driving the count below
zero, and sleeps for the debt. That keeps the bucket free of any event loop, so client instances
living in different threads and loops share one bucket per credential safely.

The marketplace counts a request when it arrives, somewhere between the moment it was sent and
the moment its answer was read; the local copy is kept at or below the marketplace's count by
assuming the latest arrival (see ``TokenBucket.answered``). That costs nothing while requests
wait for tokens anyway and an answer's latency only when the bucket was full.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    """One row of a marketplace's limits table: ``limit`` requests per ``period`` seconds.

    ``interval`` is the time to earn one request back (``period / limit`` unless the table says
    otherwise), ``burst`` how many can go at once from a full bucket.
    """

    period: float
    limit: int
    burst: int
    interval: float | None = None

    @property
    def refill_interval(self) -> float:
        return self.interval if self.interval is not None else self.period / self.limit

    def scaled(self, time_factor: float) -> RateLimit:
        return RateLimit(
            period=self.period * time_factor,
            limit=self.limit,
            burst=self.burst,
            interval=self.refill_interval * time_factor,
        )


@dataclass(slots=True)
class Reservation:
    """One request's claim on a bucket, from its reservation until its answer is read."""

    wait: float
    cost: float
    taken_after: float  # the bucket's running total of tokens taken, this request's included
    in_flight_before: float  # tokens of requests still unanswered when this one was reserved
    sent_at: float = 0.0


class TokenBucket:
    """A thread-safe token bucket that hands out waiting times instead of blocking."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._interval = limit.refill_interval
        self._tokens = float(limit.burst)
        self._clock = clock
        self._updated = self._clock()
        self._taken = 0.0
        self._in_flight = 0.0
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        if self._interval > 0:
            earned = (now - self._updated) / self._interval
            self._tokens = min(float(self.limit.burst), self._tokens + earned)
        else:
            self._tokens = float(self.limit.burst)
        self._updated = now

    def reserve(self, cost: float = 1.0) -> Reservation:
        """Take ``cost`` tokens; the reservation says how long to wait before sending."""
        with self._lock:
            self._refill(self._clock())
            self._tokens -= cost
            self._taken += cost
            reservation = Reservation(
                wait=max(0.0, -self._tokens) * self._interval,
                cost=cost,
                taken_after=self._taken,
                in_flight_before=self._in_flight,
            )
            self._in_flight += cost
            return reservation

    async def acquire(self, cost: float = 1.0) -> Reservation:
        """Reserve and sleep for the debt; the reservation then says when the request left."""
        reservation = self.reserve(cost)
        if reservation.wait > 0:
            try:
                await asyncio.sleep(reservation.wait)
            except asyncio.CancelledError:
                self.answered(reservation)  # never sent; its token stays spent, to be safe
                raise
        reservation.sent_at = self._clock()
        return reservation

    def answered(self, reservation: Reservation, remaining: int | None = None) -> None:
        """Bring the bucket in line with the marketplace's count once a request is over.

        Called for every reservation, answered or not (a request that failed on its way may
        still have been counted). The marketplace counted the request on arrival, at the latest
        now; every request that can have arrived after it (the ones still unanswered when it
        was reserved and every one reserved since) follows it in the marketplace's bucket. So
        the marketplace holds at least ``burst - those tokens`` now, and the local copy never
        claims more: while requests wait for tokens this bound is already met and latency costs
        nothing. ``remaining`` (the marketplace's whole tokens left when the request arrived)
        resyncs the copy when it proves another program spends the same limit.
        """
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._in_flight -= reservation.cost
            followers = reservation.in_flight_before + self._taken - reservation.taken_after
            self._tokens = min(self._tokens, self.limit.burst - reservation.cost - followers)
            if remaining is None or self._interval <= 0:
                return
            # The most the marketplace can hold now, had the request arrived when it was sent.
            most = remaining + 1 + (now - reservation.sent_at) / self._interval
            if self._tokens > most:
                self._tokens = min(self._tokens, float(remaining))

    def penalize(self, cost: float) -> None:
        """Charge tokens for a request already sent (WB counts a 4xx as several requests)."""
        with self._lock:
            self._refill(self._clock())
            self._tokens -= cost
            self._taken += cost

    def hold(self, retry_after: float) -> None:
        """After a 429: the marketplace allows one request in ``retry_after`` seconds, no sooner.

        The bucket is drained so that the next reservation waits exactly that long, and every
        other caller queues behind it instead of earning a second 429 for the same wait.
        """
        with self._lock:
            self._refill(self._clock())
            if self._interval > 0:
                self._tokens = min(self._tokens, 1.0 - retry_after / self._interval)

    @property
    def tokens(self) -> float:
        with self._lock:
            self._refill(self._clock())
            return self._tokens


def credential_key(*secrets: str) -> str:
    """A stable, non-reversible name for a credential, safe to keep as a key or to log."""
    digest = hashlib.sha256("\x00".join(secrets).encode("utf-8")).hexdigest()
    return f"cred-{digest[:16]}"


class BucketRegistry:
    """All buckets of the process, keyed by (credential key, group, time factor).

    Two clients of the same seller (a sync and a connection check running side by side) then draw
    from one bucket, as the marketplace counts them together.
    """

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str, float], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(
        self, credential: str, group: str, limit: RateLimit, time_factor: float
    ) -> TokenBucket:
        key = (credential, group, time_factor)
        with self._lock:
            found = self._buckets.get(key)
            if found is None:
                found = TokenBucket(limit.scaled(time_factor))
                self._buckets[key] = found
            return found


REGISTRY = BucketRegistry()
