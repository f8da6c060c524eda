"""Ozon's refusals become secret-free errors; a retired version is named (own HTTP server)."""

from __future__ import annotations

import pytest

from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.marketplaces.errors import AuthError, EndpointRetired
from stock_tracker_desktop.marketplaces.ozon import OzonClient
from tests.marketplaces.fake_api import FakeApi

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
    for text in (str(caught.value), repr(caught.value), repr(client), *report.problems):
        assert API_KEY not in text
        assert CLIENT_ID not in text
    assert "is deactivated" in str(caught.value)
    assert not report.ok


async def test_retired_posting_list_is_named(fake_api: FakeApi, fake_url: str) -> None:
    fake_api.status = 404
    client = OzonClient(CLIENT_ID, API_KEY, base_url=fake_url, product_ids={"1": "10"})
    with pytest.raises(EndpointRetired) as caught:
        async for _ in client.order_lines(last_full_days(7)):
            pass
    await client.aclose()
    assert str(caught.value) == "POST /v3/posting/fbo/list: endpoint retired by the marketplace"
