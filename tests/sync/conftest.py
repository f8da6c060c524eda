"""Fixtures for sync tests: an installation whose tenants are the simulator's sellers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.simulator import RunningSimulator, SellerAccount

TIME_FACTOR = 0.01


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    return point_clients_at(seed=11, sellers=3, products=40, time_factor=TIME_FACTOR)


def wb_draft(seller: SellerAccount, name: str, token: str | None = None) -> TenantDraft:
    return TenantDraft(
        name=name, marketplace=Marketplace.WILDBERRIES, token=token or seller.wb_token
    )


def ozon_draft(seller: SellerAccount, name: str) -> TenantDraft:
    return TenantDraft(
        name=name,
        marketplace=Marketplace.OZON,
        client_id=seller.ozon_client_id,
        api_key=seller.ozon_api_key,
    )


def add_wb(ctx: AppContext, seller: SellerAccount, name: str, token: str | None = None) -> None:
    TenantService(ctx).add(wb_draft(seller, name, token))


def add_ozon(ctx: AppContext, seller: SellerAccount, name: str) -> None:
    TenantService(ctx).add(ozon_draft(seller, name))
