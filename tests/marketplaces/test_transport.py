"""The shared transport against a real HTTP server: pacing, 429s, retries, error mapping."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import httpx
import pytest

from stock_tracker_desktop import __version__
from stock_tracker_desktop.domain.problems import Problem, ProblemCode, Seconds, said
from stock_tracker_desktop.marketplaces.endpoints import MB, Endpoint
from stock_tracker_desktop.marketplaces.errors import (
    AnswerTooLarge,
    AuthError,
    EndpointRetired,
    NetworkError,
    RateLimitExhausted,
    Redirected,
    RequestRejected,
    ServerError,
)
from stock_tracker_desktop.marketplaces.pacing import RateLimit, credential_key
from stock_tracker_desktop.marketplaces.retry import RetryPolicy
from stock_tracker_desktop.marketplaces.transport import ApiTransport, Credential, new_http_client
from tests.marketplaces.fake_api import FakeApi, ServerBucket

THING = Endpoint("POST", "/v1/thing/list", "api", "things")
PENALISED = Endpoint("POST", "/api/v3/thing", "api", "things", error_cost=10)
GENEROUS = RateLimit(1.0, 1000, burst=1000)
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.02, max_delay=0.1, max_total=5.0)


def refused(endpoint: Endpoint, status: int, detail: str) -> Problem:
    """A describer of refused credentials, as the clients have: passes the marketplace's words."""
    return Problem(ProblemCode.TOKEN_REFUSED, {"status": status, "detail": said(detail)})


def make_transport(
    url: str,
    limit: RateLimit = GENEROUS,
    *,
    secret: str | None = None,
    retry: RetryPolicy = FAST_RETRY,
    http_client: httpx.AsyncClient | None = None,
    time_factor: float = 1.0,
) -> ApiTransport:
    secret = secret or f"secret-{uuid.uuid4()}"
    return ApiTransport(
        credential=Credential(
            key=credential_key(secret), headers={"Api-Key": secret}, secrets=(secret,)
        ),
        hosts={"api": url},
        limits={"things": limit},
        describe_auth=refused,
        retry=retry,
        http_client=http_client,
        time_factor=time_factor,
    )


async def test_burst_then_one_request_per_interval(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.bucket = ServerBucket(burst=3, interval=0.1)
    transport = make_transport(fake_url, RateLimit(0.3, 3, burst=3, interval=0.1))
    started = time.monotonic()
    for _ in range(7):
        await transport.call(THING, json_body={})
    elapsed = time.monotonic() - started
    await transport.aclose()
    times = [moment for moment, _, _ in fake_api.log]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert fake_api.statuses() == [200] * 7
    assert all(gap < 0.05 for gap in gaps[:2])  # the burst goes at once
    assert all(gap > 0.08 for gap in gaps[3:])  # then one per interval
    assert 0.38 <= elapsed < 0.6  # 4 requests beyond the burst, 0.1 s each
    assert transport.stats.requests == 7
    assert transport.stats.rate_limited == 0


async def test_time_factor_scales_the_limits(fake_api: FakeApi, fake_url: str) -> None:
    secret = f"secret-{uuid.uuid4()}"
    transport = ApiTransport(
        credential=Credential(key=credential_key(secret), headers={}, secrets=(secret,)),
        hosts={"api": fake_url},
        limits={"things": RateLimit(60.0, 1, burst=1, interval=60.0)},
        describe_auth=refused,
        time_factor=0.002,
    )
    started = time.monotonic()
    for _ in range(3):
        await transport.call(THING, json_body={})
    await transport.aclose()
    assert 0.22 <= time.monotonic() - started < 0.5  # 2 waits of 60 s x 0.002


async def test_a_429_waits_exactly_the_retry_time_and_never_twice(
    fake_api: FakeApi, fake_url: str
) -> None:
    # The marketplace is stricter than the client believes: the client meets 429s, waits as
    # told and the request right after each wait goes through.
    fake_api.bucket = ServerBucket(burst=1, interval=0.15)
    transport = make_transport(fake_url, RateLimit(0.05, 5, burst=5, interval=0.01))
    for _ in range(4):
        assert await transport.call(THING, json_body={}) == {"ok": True}
    await transport.aclose()
    statuses = fake_api.statuses()
    assert statuses.count(200) == 4
    assert transport.stats.rate_limited == statuses.count(429) > 0
    assert all(
        not (first == 429 and second == 429) for first, second in itertools.pairwise(statuses)
    )
    for index, status in enumerate(statuses[:-1]):
        if status == 429:
            wait = fake_api.log[index + 1][0] - fake_api.log[index][0]
            assert 0.1 <= wait < 0.3  # about the advertised retry, not a backoff guess


async def test_remaining_header_resyncs_the_bucket(fake_api: FakeApi, fake_url: str) -> None:
    # Another program already used the marketplace's burst: the first answer says 0 left,
    # so the client waits a full interval instead of bursting into 429s.
    fake_api.bucket = ServerBucket(burst=5, interval=0.1)
    fake_api.bucket.tokens = 1
    transport = make_transport(fake_url, RateLimit(0.5, 5, burst=5, interval=0.1))
    for _ in range(3):
        await transport.call(THING, json_body={})
    await transport.aclose()
    assert fake_api.statuses() == [200, 200, 200]


async def test_latency_is_not_added_to_the_interval(fake_api: FakeApi, fake_url: str) -> None:
    # Each answer takes 50 ms to come back. Past the burst the requests wait for tokens anyway,
    # so that latency must not be added to every interval (the marketplace counted each request
    # when it arrived, not when its answer was read).
    fake_api.bucket = ServerBucket(burst=3, interval=0.2)
    fake_api.answer_delay = 0.05
    transport = make_transport(fake_url, RateLimit(0.6, 3, burst=3, interval=0.2))
    started = time.monotonic()
    for _ in range(9):
        await transport.call(THING, json_body={})
    elapsed = time.monotonic() - started
    await transport.aclose()
    assert fake_api.statuses() == [200] * 9
    # The floor: 6 requests beyond the burst x 0.2 s, plus the last answer's way back. Paying
    # the latency on every interval takes ~6 x 0.25 s.
    assert 1.2 <= elapsed < 1.4


async def test_jittery_latency_never_runs_into_429(fake_api: FakeApi, fake_url: str) -> None:
    # Requests take 0-45 ms to arrive, in no order, and answers 20 ms to come back; a chain
    # and three concurrent callers share one bucket. The marketplace must never refuse: the
    # local copy assumes each request arrived as late as it could have.
    fake_api.bucket = ServerBucket(burst=4, interval=0.05)
    fake_api.delays = itertools.cycle([0.045, 0.0, 0.03, 0.0, 0.04, 0.01, 0.0, 0.02])
    fake_api.answer_delay = 0.02
    transport = make_transport(fake_url, RateLimit(0.2, 4, burst=4, interval=0.05))

    async def caller(calls: int) -> None:
        for _ in range(calls):
            await transport.call(THING, json_body={})

    await caller(12)
    await asyncio.gather(*(caller(8) for _ in range(3)))
    await transport.aclose()
    assert fake_api.statuses() == [200] * 36
    assert transport.stats.rate_limited == 0


async def test_clients_of_one_credential_share_a_bucket(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.bucket = ServerBucket(burst=2, interval=0.1)
    limit = RateLimit(0.2, 2, burst=2, interval=0.1)
    secret = f"shared-{uuid.uuid4()}"
    first = make_transport(fake_url, limit, secret=secret)
    second = make_transport(fake_url, limit, secret=secret)
    assert first.bucket(THING) is second.bucket(THING)
    for transport in (first, second, first, second):
        await transport.call(THING, json_body={})
    await first.aclose()
    await second.aclose()
    assert fake_api.statuses() == [200] * 4


async def test_server_errors_are_retried_then_succeed(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.failures_left = 3
    transport = make_transport(fake_url)
    assert await transport.call(THING, json_body={}) == {"ok": True}
    await transport.aclose()
    assert fake_api.statuses() == [503, 503, 503, 200]
    assert transport.stats.retries == 3
    assert transport.stats.requests == 4


async def test_endless_server_errors_end_in_a_clear_error(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.failures_left = 100
    fake_api.failure_status = 500
    transport = make_transport(fake_url)
    with pytest.raises(ServerError) as caught:
        await transport.call(THING, json_body={})
    await transport.aclose()
    assert len(fake_api.log) == FAST_RETRY.max_attempts
    assert "HTTP 500" in str(caught.value)
    assert "gave up after 4 attempts" in str(caught.value)
    assert caught.value.endpoint == "POST /v1/thing/list"
    # Numbers, not words: each reader says them in its language.
    assert caught.value.problem == Problem(
        ProblemCode.SERVER_FAILED, {"status": 500, "attempts": FAST_RETRY.max_attempts}
    )


async def test_retries_stop_at_the_time_budget(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.failures_left = 100
    budget = RetryPolicy(max_attempts=50, base_delay=0.1, max_delay=0.1, max_total=0.3)
    transport = make_transport(fake_url, retry=budget)
    started = time.monotonic()
    with pytest.raises(ServerError):
        await transport.call(THING, json_body={})
    await transport.aclose()
    assert time.monotonic() - started < 0.5
    assert len(fake_api.log) < 10


async def test_no_retry_on_401_and_the_secret_stays_out(fake_api: FakeApi, fake_url: str) -> None:
    secret = f"secret-{uuid.uuid4()}"
    fake_api.status = 401
    fake_api.error_body = {"title": "unauthorized", "detail": f"token {secret} is invalid"}
    transport = make_transport(fake_url, secret=secret)
    with pytest.raises(AuthError) as caught:
        await transport.call(THING, json_body={})
    await transport.aclose()
    assert len(fake_api.log) == 1
    assert fake_api.log[0][2]["api-key"] == secret  # it was sent, and only in the header
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value)
    assert secret not in repr(transport)
    assert "is invalid" in str(caught.value)
    assert caught.value.problem == Problem(
        ProblemCode.TOKEN_REFUSED, {"status": 401, "detail": ": token *** is invalid"}
    )


async def test_404_means_endpoint_retired(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status = 404
    transport = make_transport(fake_url)
    with pytest.raises(EndpointRetired) as caught:
        await transport.call(THING, json_body={})
    await transport.aclose()
    assert str(caught.value) == "POST /v1/thing/list: endpoint retired by the marketplace"
    assert caught.value.problem == Problem(ProblemCode.ENDPOINT_RETIRED)
    assert len(fake_api.log) == 1


async def test_other_4xx_is_rejected_without_retry_and_charged(
    fake_api: FakeApi, fake_url: str
) -> None:
    fake_api.status = 400
    fake_api.error_body = {"code": "400", "message": "chrtIds: too many"}
    transport = make_transport(fake_url, RateLimit(1.0, 20, burst=20, interval=0.05))
    with pytest.raises(RequestRejected) as caught:
        await transport.call(PENALISED, json_body={})
    await transport.aclose()
    assert "chrtIds: too many" in str(caught.value)
    assert caught.value.problem == Problem(
        ProblemCode.REQUEST_REFUSED, {"status": 400, "detail": ": chrtIds: too many"}
    )
    assert len(fake_api.log) == 1
    # A 4xx on such an endpoint costs 10 requests of the local bucket, not 1.
    assert transport.bucket(PENALISED).tokens < 11


async def test_a_redirect_is_reported_not_followed_nor_retried(
    fake_api: FakeApi, fake_url: str
) -> None:
    fake_api.redirect_to = "/auth/login?next=/v1/thing/list"
    transport = make_transport(fake_url)
    with pytest.raises(Redirected) as caught:
        await transport.call(THING, json_body={})
    await transport.aclose()
    # A relative Location points at the host the request went to.
    assert str(caught.value) == (
        "POST /v1/thing/list: the marketplace answered with a redirect to 127.0.0.1"
    )
    assert caught.value.problem == Problem(ProblemCode.REDIRECTED, {"host": "127.0.0.1"})
    assert caught.value.status == 302
    assert [status for _, status, _ in fake_api.log] == [302]
    assert transport.stats.retries == 0


def test_a_429_without_advice_waits_at_least_the_floor_jittered() -> None:
    policy = RetryPolicy()
    waits = [policy.rate_limit_wait(0.5) for _ in range(40)]
    assert all(0.5 <= wait <= 0.5 * 1.25 for wait in waits)
    assert len(set(waits)) > 1  # jittered: tenants refused together do not return together


async def test_truncated_body_is_retried(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.truncate_left = 2
    fake_api.answer = {"items": [{"id": index} for index in range(50)]}
    transport = make_transport(fake_url)
    assert await transport.call(THING, json_body={}) == fake_api.answer
    await transport.aclose()
    assert transport.stats.retries == 2


async def test_timeouts_are_bounded(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.delay = 1.0
    client = new_http_client(httpx.Timeout(0.15, connect=1.0))
    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01, max_total=2.0)
    transport = make_transport(fake_url, retry=retry, http_client=client)
    started = time.monotonic()
    with pytest.raises(NetworkError) as caught:
        await transport.call(THING, json_body={})
    await client.aclose()
    assert time.monotonic() - started < 0.6
    assert "did not answer in time" in str(caught.value)
    assert caught.value.problem == Problem(ProblemCode.NO_ANSWER, {"attempts": 2})
    assert transport.stats.retries == 1


async def test_connection_refused_is_a_network_error() -> None:
    transport = make_transport("http://127.0.0.1:9", retry=FAST_RETRY)
    with pytest.raises(NetworkError) as caught:
        await transport.call(THING, json_body={})
    await transport.aclose()
    assert "connection failed" in str(caught.value)
    assert caught.value.problem == Problem(
        ProblemCode.CONNECTION_FAILED,
        {"detail": "ConnectError", "attempts": FAST_RETRY.max_attempts},
    )
    assert transport.stats.requests == FAST_RETRY.max_attempts


async def test_user_agent_names_the_app(fake_api: FakeApi, fake_url: str) -> None:
    transport = make_transport(fake_url)
    await transport.call(THING, json_body={})
    await transport.aclose()
    assert fake_api.log[0][2]["user-agent"] == f"StockTrackerDesktop/{__version__}"


ORDERS = Endpoint(
    "GET", "/v1/thing/orders", "api", "things", marketplace="Wildberries", subject="orders"
)


async def test_a_429_without_end_is_a_count_of_refusals(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.limited_advice = {}  # 429 every time, never saying when to come back
    retry = RetryPolicy(max_rate_limited=2)
    transport = make_transport(fake_url, retry=retry, time_factor=0.01)
    with pytest.raises(RateLimitExhausted) as caught:
        await transport.call(ORDERS)
    await transport.aclose()
    assert caught.value.problem == Problem(
        ProblemCode.TOO_MANY_REQUESTS, {"marketplace": "Wildberries", "what": "orders", "count": 3}
    )
    assert type(caught.value.problem.params["count"]) is int
    assert caught.value.message == (
        "Wildberries refused orders with 429 (too many requests) 3 times in a row;"
        " the next sync will try again"
    )
    assert caught.value.status == 429


async def test_a_wait_past_the_cap_is_a_duration(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.limited_advice = {"Retry-After": "999999"}
    transport = make_transport(fake_url, time_factor=0.01)
    with pytest.raises(RateLimitExhausted) as caught:
        await transport.call(ORDERS)
    await transport.aclose()
    problem = caught.value.problem
    assert problem.code is ProblemCode.WAIT_TOO_LONG
    assert isinstance(problem.params["wait"], Seconds) and problem.params["wait"] == 999999
    assert caught.value.message == (
        "Wildberries asks to wait 12 days for orders; the next sync will try again"
    )


async def test_an_answer_past_its_bound_names_the_bound_in_mb(
    fake_api: FakeApi, fake_url: str
) -> None:
    fake_api.huge_answer = 3 * MB
    small = Endpoint("GET", "/v1/thing/orders", "api", "things", subject="orders", max_bytes=MB)
    transport = make_transport(fake_url)
    with pytest.raises(AnswerTooLarge) as caught:
        await transport.call(small)
    await transport.aclose()
    assert caught.value.problem == Problem(
        ProblemCode.ANSWER_TOO_LARGE,
        {"marketplace": "the marketplace", "megabytes": 1, "what": "orders"},
    )
    assert caught.value.message.startswith("the marketplace sent more than 1 MB for one page")
