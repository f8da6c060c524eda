"""WB's refusals and odd answers become precise, secret-free errors (real HTTP, own server)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.errors import (
    AuthError,
    MalformedResponse,
    UnusableCredentials,
)
from stock_tracker_desktop.marketplaces.factory import create_client
from stock_tracker_desktop.marketplaces.settings import TIME_FACTOR_ENV
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient
from tests.marketplaces.fake_api import FakeApi
from tests.marketplaces.tokens import wb_token

REFUSED = {"title": "unauthorized", "detail": "token is not valid", "status": 401}


async def first_page(client: WildberriesClient) -> None:
    async for _ in client.products():
        return


def assert_secret_free(token: str, error: Exception) -> None:
    assert token not in str(error)
    assert token not in repr(error)
    assert token[-20:] not in str(error)


async def test_expired_token_is_named_with_its_date(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status, fake_api.error_body = 401, REFUSED
    token = wb_token(expires_in=-3 * 86400)
    client = WildberriesClient(token, base_url=fake_url)
    with pytest.raises(AuthError) as caught:
        await first_page(client)
    await client.aclose()
    expired_on = (datetime.now(UTC) - timedelta(days=3)).date()
    assert f"token expired on {expired_on.isoformat()}" in str(caught.value)
    assert caught.value.endpoint == "POST /content/v2/get/cards/list"
    assert_secret_free(token, caught.value)
    # The day itself, not its English spelling: the window writes it as 28.11.2026.
    problem = caught.value.problem
    assert problem.code is ProblemCode.TOKEN_EXPIRED
    assert problem.params == {"date": expired_on}
    assert type(problem.params["date"]) is date


async def test_missing_category_is_named(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status, fake_api.error_body = 401, REFUSED
    token = wb_token(categories=("Content", "Analytics", "Marketplace"))
    client = WildberriesClient(token, base_url=fake_url)
    with pytest.raises(AuthError) as caught:
        async for _ in client.order_lines(last_full_days(7)):
            pass
    await client.aclose()
    assert "token lacks the Statistics category" in str(caught.value)
    assert caught.value.problem == Problem(
        ProblemCode.TOKEN_LACKS_CATEGORY, {"category": "Statistics"}
    )
    assert_secret_free(token, caught.value)


async def test_sandbox_token_on_production_is_named(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status, fake_api.error_body = 401, REFUSED
    token = wb_token(sandbox=True)
    client = WildberriesClient(token, base_url=fake_url)
    with pytest.raises(AuthError) as caught:
        await first_page(client)
    await client.aclose()
    assert "sandbox token used on production" in str(caught.value)


async def test_otherwise_the_marketplace_words_are_passed_on(
    fake_api: FakeApi, fake_url: str
) -> None:
    token = wb_token()
    fake_api.status = 401
    fake_api.error_body = {"title": "unauthorized", "detail": f"signature of {token} is invalid"}
    client = WildberriesClient(token, base_url=fake_url)
    with pytest.raises(AuthError) as caught:
        await first_page(client)
    await client.aclose()
    assert "signature of *** is invalid" in str(caught.value)
    assert caught.value.problem == Problem(
        ProblemCode.TOKEN_REFUSED, {"status": 401, "detail": ": signature of *** is invalid"}
    )
    assert_secret_free(token, caught.value)
    assert token not in repr(client)


async def test_bad_shape_names_endpoint_and_field(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.answer = {"cards": [{"nmID": "not a number"}], "cursor": {"total": 1}}
    client = WildberriesClient(wb_token(), base_url=fake_url)
    with pytest.raises(MalformedResponse) as caught:
        await first_page(client)
    await client.aclose()
    assert str(caught.value).startswith("POST /content/v2/get/cards/list: ")
    assert "field cards.0.nmID" in str(caught.value)
    assert caught.value.problem.code is ProblemCode.ANSWER_MALFORMED
    assert caught.value.problem.params["field"] == "cards.0.nmID"


async def test_redirected_hosts_keep_their_names(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.answer = {"cards": [], "cursor": {"total": 0}}
    for sandbox, host in (
        (False, "content-api.wildberries.ru"),
        (True, "content-api-sandbox.wildberries.ru"),
    ):
        client = WildberriesClient(wb_token(sandbox=sandbox), sandbox=sandbox, base_url=fake_url)
        await first_page(client)
        await client.aclose()
        assert fake_api.log[-1][2]["host"] == host


async def test_factory_checks_keys_without_echoing_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "super-secret-api-key"
    with pytest.raises(ValueError, match="client_id") as caught:
        create_client(Marketplace.OZON, {"api_key": secret})
    assert secret not in str(caught.value)
    assert isinstance(caught.value, UnusableCredentials)
    assert caught.value.problem == Problem(
        ProblemCode.CREDENTIALS_MISSING, {"marketplace": "ozon", "fields": "client_id"}
    )
    with pytest.raises(UnusableCredentials, match="Ozon has no sandbox") as no_sandbox:
        create_client(Marketplace.OZON, {"client_id": "1", "api_key": secret}, sandbox=True)
    assert no_sandbox.value.problem.code is ProblemCode.NO_SANDBOX
    monkeypatch.setenv(TIME_FACTOR_ENV, "0.5")
    client = create_client(Marketplace.WILDBERRIES, {"token": wb_token()})
    assert client.marketplace is Marketplace.WILDBERRIES
    await client.aclose()
    monkeypatch.setenv(TIME_FACTOR_ENV, "fast")
    with pytest.raises(ValueError, match=TIME_FACTOR_ENV):
        create_client(Marketplace.WILDBERRIES, {"token": wb_token()})
