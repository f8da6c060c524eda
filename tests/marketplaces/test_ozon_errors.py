"""Ozon's refusals become secret-free errors; a retired version is named; a redirect is no data;
a 429, which Ozon sends without advice, waits until the next second."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from stock_tracker_desktop.domain.problems import CallProblem, Problem, ProblemCode
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.errors import AuthError, EndpointRetired, Redirected
from stock_tracker_desktop.marketplaces.ozon import OzonClient
from stock_tracker_desktop.simulator import LimitSpec, RunningSimulator
from tests.marketplaces.fake_api import FakeApi
from tests.marketplaces.figures import all_products
from tests.simulator.helpers import ozon_client

CLIENT_ID = "7301956"
API_KEY = "5b0c3f5e-6a1f-4c1e-9d3c-2f6a7b8c9d0e"


async def test_refused_key_is_explained_without_secrets(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status = 403
    fake_api.error_body = {"code": 7, "message": f"Api-Key {API_KEY} of {CLIENT_ID} is deactivated"}
    client = OzonClient(CLIENT_ID, API_KEY, base_url=fake_url)
    report = await client.check_connection()
    with pytest.raises(AuthError) as caught:
        async for _ in client.products():
            pass
    await client.aclose()
    assert fake_api.log[0][2]["client-id"] == CLIENT_ID
    said = [str(problem) for problem in report.problems]
    for text in (str(caught.value), repr(caught.value), repr(client), *said, repr(report)):
        assert API_KEY not in text
        assert CLIENT_ID not in text
    assert "is deactivated" in str(caught.value)
    assert not report.ok
    # The refusal as a code and values, for the window to word: the marketplace's own words
    # (redacted) are the one text in it.
    expected = Problem(
        ProblemCode.CREDENTIALS_REFUSED,
        {"marketplace": "Ozon", "status": 403, "detail": ": Api-Key *** of *** is deactivated"},
    )
    assert caught.value.problem == expected
    roles = CallProblem(expected.code, expected.params, endpoint="POST /v1/roles")
    assert report.problems == (roles,) and report.refusal == roles
    assert report.refused == str(roles) == f"POST /v1/roles: {expected.english()}"


async def test_retired_posting_list_is_named(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status = 404
    client = OzonClient(CLIENT_ID, API_KEY, base_url=fake_url, product_ids={"1": "10"})
    with pytest.raises(EndpointRetired) as caught:
        async for _ in client.order_lines(last_full_days(7)):
            pass
    await client.aclose()
    assert str(caught.value) == "POST /v3/posting/fbo/list: endpoint retired by the marketplace"
    assert caught.value.problem.code is ProblemCode.ENDPOINT_RETIRED


async def test_a_redirect_with_a_product_list_body_is_no_product_list(
    fake_api: FakeApi, fake_url: str
) -> None:
    listed = {"result": {"items": [{"product_id": 10, "offer_id": "A-1"}], "last_id": "10"}}
    fake_api.redirect_to = "https://login.example.net/v3/product/list"
    fake_api.redirect_body = json.dumps(listed).encode()
    client = OzonClient(CLIENT_ID, API_KEY, base_url=fake_url)
    with pytest.raises(Redirected) as caught:
        await all_products(client)
    await client.aclose()
    assert str(caught.value) == (
        "POST /v3/product/list: the marketplace answered with a redirect to login.example.net"
    )
    assert caught.value.problem.code is ProblemCode.REDIRECTED
    assert caught.value.problem.params == {"host": "login.example.net"}
    assert len(fake_api.log) == 1  # neither followed nor asked again


async def test_a_429_without_advice_waits_until_the_next_second(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    # Ozon lets this seller send one request per 0.95 s (scaled): the key check's second request
    # meets a 429 that says nothing about when to come back. A client that came back after one
    # refill interval of Ozon's real limit (20 ms) would meet nine more and give up.
    time_factor = 0.5
    strict = LimitSpec(period=1, limit=1, interval=0.95, burst=1)
    sim = make_simulator(
        seed=11, sellers=2, products=5, time_factor=time_factor, limit_overrides={"ozon": strict}
    )
    seller, other = sim.world.sellers
    with ozon_client(sim, other) as warm_up:  # the spec check's first answer is slow
        assert warm_up.post("/v1/roles", json={}).status_code == 200
    client = OzonClient(
        seller.ozon_client_id, seller.ozon_api_key, base_url=sim.base_url, time_factor=time_factor
    )
    started = time.monotonic()
    report = await client.check_connection()
    elapsed = time.monotonic() - started
    await client.aclose()
    assert report.problems == ()
    assert client.stats.rate_limited == 1  # one wait was enough
    # At least a second, scaled; jittered by at most a quarter more (plus the requests).
    assert 1.0 * time_factor <= elapsed < 1.25 * time_factor + 0.4
