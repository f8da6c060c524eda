"""The HTTP layer both clients share: pacing, 429 handling, retries and error mapping.

Clients describe *what* to call (an :class:`Endpoint` and its arguments); this module decides
*when* to send it, how to survive the marketplace's bad moments, and how to turn an answer into
data or into one of the errors in :mod:`errors`: a Problem (code and typed values) free of
secrets, which each reader words in its language.
"""

from __future__ import annotations

import asyncio
import json
import math
import ssl
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from stock_tracker_desktop import __version__
from stock_tracker_desktop.domain.problems import (
    Problem,
    ProblemCode,
    Seconds,
    said,
)
from stock_tracker_desktop.marketplaces.base import RequestStats
from stock_tracker_desktop.marketplaces.endpoints import MB, Endpoint
from stock_tracker_desktop.marketplaces.errors import (
    AnswerTooLarge,
    AuthError,
    EndpointRetired,
    MarketplaceError,
    NetworkError,
    RateLimitExhausted,
    Redirected,
    RequestRejected,
    ServerError,
)
from stock_tracker_desktop.marketplaces.pacing import (
    REGISTRY,
    RateLimit,
    Reservation,
    TokenBucket,
)
from stock_tracker_desktop.marketplaces.parsing import NotJson, parse_json
from stock_tracker_desktop.marketplaces.retry import RetryPolicy
from stock_tracker_desktop.marketplaces.settings import (
    MAX_RATE_LIMIT_WAIT,
    MIN_REQUEST_DEADLINE,
    REQUEST_DEADLINE,
    REQUEST_DEADLINE_ENV,
    seconds_from_env,
)

USER_AGENT = f"StockTrackerDesktop/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
RETRY_HEADERS = ("X-Ratelimit-Retry", "Retry-After")
# A 429 without advice (Ozon never gives any) waits at least this long, scaled by the time
# factor: Ozon's limits are per second, so a token earned back at the refill interval (20 ms)
# is not yet spendable; only the next second is sure to have room.
UNADVISED_429_WAIT = 1.0
REMAINING_HEADER = "X-Ratelimit-Remaining"
_PROBLEM_KEYS = ("detail", "title", "message", "errorText", "errors")

# Given the endpoint, the status (401/403) and the marketplace's own words (redacted), say what
# is wrong.
AuthDescriber = Callable[[Endpoint, int, str], Problem]


# Building a verifying SSL context loads the system's CA bundle (~25 ms): one for the process,
# not one per client, or fifty tenants starting at once stall the event loop.
_TLS_CONTEXT = ssl.create_default_context()
# Answers larger than this are decoded and validated in a worker thread, not on the loop.
_OFF_LOOP_BYTES = 256 * 1024
# How many answers that can run to hundreds of thousands of rows (a seller's whole stock) may be
# in memory at once in this process, from request until their rows are built. Their handling is
# CPU work under one GIL anyway, so a few at a time cost no speed; a hundred sellers reaching that
# step together would otherwise hold a hundred such pages (measured: ~5 MB each at 12,000 rows).
LARGE_ANSWERS_AT_ONCE = 8
_large_answer_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def large_answer_gate() -> asyncio.Semaphore:
    """The running loop's bound on large answers held at once (see LARGE_ANSWERS_AT_ONCE)."""
    loop = asyncio.get_running_loop()
    gate = _large_answer_gates.get(loop)
    if gate is None:
        gate = _large_answer_gates[loop] = asyncio.Semaphore(LARGE_ANSWERS_AT_ONCE)
    return gate


def _remaining(response: httpx.Response) -> int | None:
    """The marketplace's whole tokens left, when its answer says."""
    value = response.headers.get(REMAINING_HEADER, "").strip()
    return int(value) if value.lstrip("-").isdigit() else None


def new_http_client(timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.AsyncClient:
    """The one way the app opens HTTP connections: TLS verified, keep-alive, our User-Agent."""
    return httpx.AsyncClient(
        verify=_TLS_CONTEXT,
        http1=True,
        http2=False,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def redact_problem(problem: Problem, secrets: Sequence[str]) -> Problem:
    """``problem`` with every text value redacted: whoever composed it (a client's describer, a
    header's host), no secret reaches a message, a log line or the database."""
    params = {
        name: redact(value, secrets) if isinstance(value, str) else value
        for name, value in problem.params.items()
    }
    return Problem(problem.code, params)


def problem_text(body: bytes) -> str:
    """The human part of an error answer (problem+json, Ozon's or WB's older shapes)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(data, dict):
        for key in _PROBLEM_KEYS:
            value = data.get(key)
            if isinstance(value, list):
                value = "; ".join(str(item) for item in value)
            if value:
                return str(value)
    return ""


def _seconds(value: str | None) -> float | None:
    """Seconds to wait as a Retry-After-like header says: a number or an HTTP date.

    None when it says nothing usable: absent, unparsable, negative, ``inf`` or ``nan``.
    """
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until(value)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _seconds_until(http_date: str) -> float | None:
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


@dataclass(slots=True)
class Credential:
    """What the transport must know about a credential: headers to send and text to hide.

    ``key`` is a hash naming the credential in the bucket registry; ``secrets`` are redacted from
    every message. ``repr`` shows neither headers nor secrets.
    """

    key: str
    headers: Mapping[str, str] = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)


class _Retryable(Exception):
    """A failure worth another attempt; carries what to raise once attempts run out, which only
    then knows how many there were (its template ends in "gave up after {attempts} attempts")."""

    def __init__(
        self,
        kind: type[MarketplaceError],
        problem: Problem,
        *,
        endpoint: Endpoint,
        status: int | None = None,
    ) -> None:
        super().__init__(problem.code)
        self.kind = kind
        self.problem = problem
        self.endpoint = endpoint
        self.status = status

    def gave_up(self, attempts: int) -> MarketplaceError:
        problem = Problem(self.problem.code, {**self.problem.params, "attempts": attempts})
        return self.kind(problem, endpoint=self.endpoint.label, status=self.status)


class ApiTransport:
    """Sends requests for one credential of one marketplace."""

    def __init__(
        self,
        *,
        credential: Credential,
        hosts: Mapping[str, str],
        limits: Mapping[str, RateLimit],
        describe_auth: AuthDescriber,
        time_factor: float = 1.0,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        host_headers: Mapping[str, str] | None = None,
        max_rate_limit_wait: float = MAX_RATE_LIMIT_WAIT,
    ) -> None:
        """``host_headers`` names the virtual host per host key when ``hosts`` point elsewhere.
        ``max_rate_limit_wait``: the longest wait a 429 may ask for (seconds, before the time
        factor); longer advice fails the call at once.

        With a base URL override every host shares one address; the ``Host`` header still tells
        a routing proxy or the simulator which marketplace host (and sandbox or not) is meant.
        """
        self.stats = RequestStats()
        self._credential = credential
        self._hosts = dict(hosts)
        self._limits = dict(limits)
        self._describe_auth = describe_auth
        self._time_factor = time_factor
        self._owns_client = http_client is None
        self._client = http_client or new_http_client()
        self._retry = (retry or RetryPolicy()).scaled(time_factor)
        self._host_headers = dict(host_headers or {})
        self._max_rate_limit_wait = max_rate_limit_wait * time_factor
        self._default_deadline = seconds_from_env(REQUEST_DEADLINE_ENV, REQUEST_DEADLINE)

    def __repr__(self) -> str:
        return f"ApiTransport(credential={self._credential.key}, hosts={sorted(self._hosts)})"

    def _headers(self, endpoint: Endpoint) -> dict[str, str]:
        host = self._host_headers.get(endpoint.host)
        headers = dict(self._credential.headers)
        if host:
            headers["Host"] = host
        return headers

    def bucket(self, endpoint: Endpoint) -> TokenBucket:
        return REGISTRY.bucket(
            self._credential.key, endpoint.group, self._limits[endpoint.group], self._time_factor
        )

    def url(self, endpoint: Endpoint, path_params: Mapping[str, object] | None = None) -> str:
        path = endpoint.path.format(**path_params) if path_params else endpoint.path
        return self._hosts[endpoint.host] + path

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def call(
        self,
        endpoint: Endpoint,
        shape: Any = Any,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, str | int] | None = None,
        json_body: object = None,
    ) -> Any:
        """Send one request, paced and retried; return the answer validated against ``shape``
        (a model or e.g. ``list[Model]``; by default the plain decoded JSON), None for 204.

        An answer of the wrong shape raises MalformedResponse at once: asking again would
        get the same answer.
        """
        bucket = self.bucket(endpoint)
        url = self.url(endpoint, path_params)
        started = time.monotonic()
        failures = 0
        rate_limited = 0
        while True:
            reservation = await bucket.acquire()
            self.stats.requests += 1
            try:
                return await self._send(
                    endpoint, shape, bucket, reservation, url, params, json_body
                )
            except _RateLimited as limited:
                self.stats.rate_limited += 1
                rate_limited += 1
                if limited.refusal is not None:
                    raise limited.refusal from None
                if rate_limited > self._retry.max_rate_limited:
                    problem = Problem(
                        ProblemCode.TOO_MANY_REQUESTS,
                        {
                            "marketplace": endpoint.marketplace,
                            "what": endpoint.what,
                            "count": rate_limited,
                        },
                    )
                    raise RateLimitExhausted(problem, endpoint=endpoint.label, status=429) from None
            except _Retryable as failure:
                failures += 1
                delay = self._retry.backoff(failures)
                spent = time.monotonic() - started
                if failures >= self._retry.max_attempts or spent + delay > self._retry.max_total:
                    raise failure.gave_up(failures) from None
                self.stats.retries += 1
                await asyncio.sleep(delay)

    async def _send(
        self,
        endpoint: Endpoint,
        shape: Any,
        bucket: TokenBucket,
        reservation: Reservation,
        url: str,
        params: Mapping[str, str | int] | None,
        json_body: object,
    ) -> Any:
        try:
            response, body = await self._request(endpoint, url, params, json_body)
        except BaseException:
            bucket.answered(reservation)  # it may have been counted on its way
            raise
        bucket.answered(reservation, _remaining(response))
        status = response.status_code
        if 300 <= status < 400:
            raise self._redirected(endpoint, response)
        if status == 429:
            wait = self._retry_after(response, bucket)
            if wait > self._max_rate_limit_wait:
                # Not held on the bucket: the next run, maybe in an hour, must not inherit it.
                raise _RateLimited(self._too_long_a_wait(endpoint, wait))
            bucket.hold(wait)
            raise _RateLimited
        if status >= 500:
            raise _Retryable(
                ServerError,
                Problem(ProblemCode.SERVER_FAILED, {"status": status}),
                endpoint=endpoint,
                status=status,
            )
        if status >= 400:
            if endpoint.error_cost > 1:
                bucket.penalize(endpoint.error_cost - 1)
            raise self._client_error(endpoint, status, body)
        if status == 204:
            return None
        try:
            if len(body) > _OFF_LOOP_BYTES:
                return await asyncio.to_thread(parse_json, shape, body, endpoint)
            return parse_json(shape, body, endpoint)
        except NotJson:
            raise _Retryable(
                ServerError, Problem(ProblemCode.ANSWER_BROKEN), endpoint=endpoint, status=status
            ) from None

    async def _request(
        self,
        endpoint: Endpoint,
        url: str,
        params: Mapping[str, str | int] | None,
        json_body: object,
    ) -> tuple[httpx.Response, bytes]:
        """The answer and its whole body, read within the endpoint's deadline and size bound."""
        deadline = self._deadline(endpoint)
        request = self._client.stream(
            endpoint.method, url, params=params, json=json_body, headers=self._headers(endpoint)
        )
        try:
            async with asyncio.timeout(deadline), request as response:
                return response, await _read_body(endpoint, response)
        except TimeoutError:
            raise _Retryable(
                NetworkError,
                Problem(ProblemCode.ANSWER_TOO_SLOW, {"wait": Seconds(deadline)}),
                endpoint=endpoint,
            ) from None
        except httpx.DecodingError:
            raise _Retryable(
                ServerError, Problem(ProblemCode.ANSWER_UNREADABLE), endpoint=endpoint
            ) from None
        except httpx.TimeoutException:
            raise _Retryable(
                NetworkError, Problem(ProblemCode.NO_ANSWER), endpoint=endpoint
            ) from None
        except httpx.TransportError as exc:
            # The class name says enough (ConnectError, RemoteProtocolError...) and cannot
            # carry a header value, whatever a proxy or library version puts in the text.
            reason = type(exc).__name__
            raise _Retryable(
                NetworkError,
                Problem(ProblemCode.CONNECTION_FAILED, {"detail": reason}),
                endpoint=endpoint,
            ) from None

    def _deadline(self, endpoint: Endpoint) -> float:
        """Seconds one request may take from sending to its last byte, in real time."""
        deadline = endpoint.deadline or self._default_deadline
        return max(MIN_REQUEST_DEADLINE, deadline * self._time_factor)

    def _retry_after(self, response: httpx.Response, bucket: TokenBucket) -> float:
        """The wait the answer advises; where it advises nothing usable (no header, ``inf``,
        a negative number), the wait for a 429 without advice."""
        for header in RETRY_HEADERS:
            seconds = _seconds(response.headers.get(header))
            if seconds is not None:
                return seconds
        floor = max(UNADVISED_429_WAIT * self._time_factor, bucket.limit.refill_interval)
        return self._retry.rate_limit_wait(floor)

    @staticmethod
    def _too_long_a_wait(endpoint: Endpoint, wait: float) -> RateLimitExhausted:
        problem = Problem(
            ProblemCode.WAIT_TOO_LONG,
            {"marketplace": endpoint.marketplace, "wait": Seconds(wait), "what": endpoint.what},
        )
        return RateLimitExhausted(problem, endpoint=endpoint.label, status=429)

    def _redirected(self, endpoint: Endpoint, response: httpx.Response) -> Redirected:
        """A 3xx is never followed (the credential's headers would go along) nor retried, and
        its body is not the answer, whatever it holds."""
        location = response.headers.get("Location", "").strip()
        status = response.status_code
        if location:
            host = response.request.url.join(location).host
            problem = Problem(ProblemCode.REDIRECTED, {"host": host})
        else:
            problem = Problem(ProblemCode.REDIRECTED_NOWHERE, {"status": status})
        return Redirected(
            redact_problem(problem, self._credential.secrets),
            endpoint=endpoint.label,
            status=status,
        )

    def _client_error(self, endpoint: Endpoint, status: int, body: bytes) -> MarketplaceError:
        secrets = self._credential.secrets
        detail = redact(problem_text(body), secrets)
        label = endpoint.label
        if status in (401, 403):
            problem = redact_problem(self._describe_auth(endpoint, status, detail), secrets)
            return AuthError(problem, endpoint=label, status=status)
        if status == 404:
            return EndpointRetired(
                Problem(ProblemCode.ENDPOINT_RETIRED), endpoint=label, status=status
            )
        problem = Problem(ProblemCode.REQUEST_REFUSED, {"status": status, "detail": said(detail)})
        return RequestRejected(problem, endpoint=label, status=status)


class _RateLimited(Exception):
    """A 429 was answered; the bucket already holds the wait, or ``refusal`` says why the app
    does not wait at all."""

    def __init__(self, refusal: RateLimitExhausted | None = None) -> None:
        super().__init__()
        self.refusal = refusal


async def _read_body(endpoint: Endpoint, response: httpx.Response) -> bytes:
    """The body, decompressed, refused past ``endpoint.max_bytes``: counted as it arrives, so
    that neither a huge answer nor a small compressed bomb is ever held whole."""
    limit = endpoint.max_bytes
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            problem = Problem(
                ProblemCode.ANSWER_TOO_LARGE,
                {
                    "marketplace": endpoint.marketplace,
                    "megabytes": limit // MB,
                    "what": endpoint.what,
                },
            )
            raise AnswerTooLarge(problem, endpoint=endpoint.label, status=response.status_code)
        chunks.append(chunk)
    return b"".join(chunks)
