"""When a credential expires: Ozon's key from /v1/roles, through the usual transport; WB's token
from its own claims, without a request. Real HTTP: the simulator or the small fake API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.marketplaces.errors import AuthError, MalformedResponse
from stock_tracker_desktop.marketplaces.ozon import OzonClient
from stock_tracker_desktop.marketplaces.retry import RetryPolicy
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.demo import (
    DEMO_TIME_FACTOR,
    EXPIRED_NAME,
    OZON_NAME,
    WB_NAME,
    ensure_demo_tenants,
    running_demo,
)
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from tests.marketplaces.fake_api import FakeApi

CLIENT_ID = "7301956"
API_KEY = "5b0c3f5e-6a1f-4c1e-9d3c-2f6a7b8c9d0e"
ROLES = "POST /v1/roles"
NOT_RFC3339 = (
    "POST /v1/roles: unexpected answer: field expires_at: "
    "expected an RFC 3339 date-time such as 2026-02-18T09:54:23.296Z"
)


def ozon(url: str, retry: RetryPolicy | None = None) -> OzonClient:
    return OzonClient(CLIENT_ID, API_KEY, base_url=url, retry=retry)


def wb_jwt(claims: dict[str, object]) -> str:
    """A token in WB's shape with exactly these claims (the client never checks the signature)."""
    return jwt.encode(claims, "test-signing-key-of-32-bytes-len!", algorithm="HS256")


def assert_utc(moment: datetime | None) -> None:
    assert moment is not None and moment.utcoffset() == timedelta(0)


# ----- Ozon ------------------------------------------------------------------------------------


async def test_ozon_reads_each_key_expiry_from_the_simulator(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    # The fixture checks every /v1/roles request and answer against Ozon's spec.
    sim = make_simulator(sellers=3, products=1)
    for seller in sim.world.sellers:
        client = OzonClient(
            seller.ozon_client_id, seller.ozon_api_key, base_url=sim.base_url, time_factor=0.01
        )
        expires_at = await client.credentials_expire_at()
        assert client.stats.requests == 1
        report = await client.check_connection()
        await client.aclose()
        assert expires_at == seller.ozon_key_expires_at  # to the millisecond Ozon writes
        assert_utc(expires_at)
        assert report.expires_at == expires_at  # the connection check reads the same answer


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"expires_at": "2026-02-18T09:54:23.296Z"}, datetime(2026, 2, 18, 9, 54, 23, 296000, UTC)),
        ({"expires_at": "2026-08-01T12:00:00+03:00"}, datetime(2026, 8, 1, 9, 0, tzinfo=UTC)),
        ({"roles": [{"name": "Admin", "methods": ["/v1/roles"]}]}, None),
        ({"expires_at": None, "roles": []}, None),
    ],
    ids=["utc", "offset", "absent", "null"],
)
async def test_ozon_expiry_is_utc_or_none_when_ozon_does_not_say(
    fake_api: FakeApi, fake_url: str, answer: dict[str, object], expected: datetime | None
) -> None:
    fake_api.answer = answer
    client = ozon(fake_url)
    expires_at = await client.credentials_expire_at()
    await client.aclose()
    assert expires_at == expected
    if expected is not None:
        assert_utc(expires_at)


async def test_ozon_expiry_goes_through_the_retrying_transport(
    fake_api: FakeApi, fake_url: str
) -> None:
    fake_api.failures_left = 1  # one 503 first
    fake_api.answer = {"expires_at": "2026-09-30T00:00:00Z", "roles": []}
    client = ozon(fake_url, retry=RetryPolicy(base_delay=0.01))
    expires_at = await client.credentials_expire_at()
    await client.aclose()
    assert expires_at == datetime(2026, 9, 30, tzinfo=UTC)
    assert fake_api.statuses() == [503, 200]
    assert client.stats.retries == 1
    assert fake_api.log[0][2]["client-id"] == CLIENT_ID


async def test_a_401_on_roles_is_the_usual_auth_error(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status = 401
    fake_api.error_body = {"code": 16, "message": f"Api-Key {API_KEY} has expired", "details": []}
    client = ozon(fake_url)
    with pytest.raises(AuthError) as caught:
        await client.credentials_expire_at()
    await client.aclose()
    error = caught.value
    assert str(error) == (
        "POST /v1/roles: Ozon refused the Client-Id and API key (HTTP 401): Api-Key *** has expired"
    )
    assert (error.endpoint, error.status) == (ROLES, 401)
    assert API_KEY not in repr(error) and CLIENT_ID not in str(error)
    assert len(fake_api.log) == 1  # a refusal is not retried


@pytest.mark.parametrize(
    "value",
    ["in six months", 1788000000, "1788000000", "2026-02-18", "2026-13-01T00:00:00Z", ""],
    ids=["words", "number", "digits", "date-only", "month-13", "empty"],
)
async def test_a_malformed_expiry_is_a_clear_marketplace_error(
    fake_api: FakeApi, fake_url: str, value: object
) -> None:
    # pydantic alone would read the number as a Unix time and the bare date as midnight.
    fake_api.answer = {"expires_at": value, "roles": []}
    client = ozon(fake_url)
    with pytest.raises(MalformedResponse) as caught:
        await client.credentials_expire_at()
    await client.aclose()
    assert str(caught.value) == NOT_RFC3339
    assert caught.value.endpoint == ROLES
    assert caught.value.problem.params["field"] == "expires_at"
    assert len(fake_api.log) == 1  # the same answer would come again: not retried


# ----- Wildberries -----------------------------------------------------------------------------


async def test_wb_expiry_is_the_token_claim_and_costs_no_request(
    fake_api: FakeApi, fake_url: str
) -> None:
    exp = 1_900_000_000  # 2030-03-17T17:46:40Z
    client = WildberriesClient(wb_jwt({"exp": exp, "s": 1 << 5, "sid": "s-1"}), base_url=fake_url)
    expires_at = await client.credentials_expire_at()
    await client.aclose()
    assert expires_at == datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)
    assert_utc(expires_at)
    assert fake_api.log == [] and client.stats.requests == 0


async def test_wb_expiry_of_odd_tokens(fake_api: FakeApi, fake_url: str) -> None:
    past = int((datetime.now(UTC) - timedelta(days=3)).timestamp())
    expired = WildberriesClient(wb_jwt({"exp": past, "sid": "s-1"}), base_url=fake_url)
    # An expired token's date is returned, not raised: the caller decides what it means.
    assert await expired.credentials_expire_at() == datetime.fromtimestamp(past, UTC)
    endless = WildberriesClient(wb_jwt({"sid": "s-1"}), base_url=fake_url)
    assert await endless.credentials_expire_at() is None
    garbage = "not-a-token-at-all"
    broken = WildberriesClient(garbage, base_url=fake_url)
    with pytest.raises(AuthError, match="the token is not a JWT") as caught:
        await broken.credentials_expire_at()
    for client in (expired, endless, broken):
        await client.aclose()
    assert garbage not in str(caught.value)
    assert caught.value.problem == Problem(ProblemCode.TOKEN_UNREADABLE)
    assert fake_api.log == []


# ----- the demo --------------------------------------------------------------------------------


async def test_the_demo_has_an_ozon_key_expiring_within_two_weeks(ctx: AppContext) -> None:
    with running_demo(products=2) as sim:
        ensure_demo_tenants(ctx, sim)
        tenants = TenantService(ctx)
        keys = tenants.credentials(OZON_NAME)
        ozon_client = OzonClient(
            keys["client_id"], keys["api_key"], base_url=sim.base_url, time_factor=DEMO_TIME_FACTOR
        )
        ozon_expiry = await ozon_client.credentials_expire_at()
        await ozon_client.aclose()
        wb_expiry = {}
        for name in (WB_NAME, EXPIRED_NAME):
            client = WildberriesClient(tenants.credentials(name)["token"], base_url=sim.base_url)
            wb_expiry[name] = await client.credentials_expire_at()
            await client.aclose()
    now = datetime.now(UTC)
    assert ozon_expiry is not None and now < ozon_expiry < now + timedelta(days=14)
    assert wb_expiry[WB_NAME] is not None and wb_expiry[WB_NAME] > now + timedelta(days=150)
    assert wb_expiry[EXPIRED_NAME] is not None and wb_expiry[EXPIRED_NAME] < now
