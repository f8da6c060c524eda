"""The home view against synced sellers: its counts and lists are what the marketplaces hold."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from stock_tracker_desktop.core import AppCore, TenantView
from stock_tracker_desktop.domain.figures import days_of_stock, is_low_stock
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui.home_view import HomeView
from tests.sync.conftest import add_ozon, add_wb
from tests.ui_views.conftest import QtLoop

LOW_STOCK_DAYS = 150  # this small world's sellers hold 74 days of stock or more


def _short_products(
    sim: RunningSimulator, seller_index: int, marketplace: Marketplace, window: int, low: float
) -> tuple[set[str], set[str]]:
    """(low, out of stock) product ids as the simulator's own figures make them."""
    seller = sim.world.sellers[seller_index]
    truth = sim.world.expected(seller, marketplace, last_full_days(window))
    stock: dict[str, int] = defaultdict(int)
    orders: dict[str, int] = defaultdict(int)
    for (product_id, _warehouse, _kind), (quantity, _to_customers, _returns) in truth.stock.items():
        stock[product_id] += quantity
    for (product_id, _warehouse), units in truth.orders.items():
        orders[product_id] += units
    short_low, short_out = set(), set()
    for product_id in set(stock) | set(orders):
        days = days_of_stock(stock[product_id], orders[product_id], window)
        if is_low_stock(stock[product_id], orders[product_id], days, low):
            (short_out if stock[product_id] == 0 else short_low).add(product_id)
    return short_low, short_out


@pytest.fixture
def home(
    ctx: AppContext, sim: RunningSimulator, core: AppCore, qloop: QtLoop, qtbot: QtBot
) -> HomeView:
    add_wb(ctx, sim.world.sellers[0], "Acme WB")
    add_wb(
        ctx,
        sim.world.sellers[1],
        "Expired",
        sim.world.mint_wb_token(sim.world.sellers[1], expired=True),
    )
    add_ozon(ctx, sim.world.sellers[1], "Ozon soon")  # the simulator's seller 1: key ends soon
    # A generous threshold, so that this world has products low on stock.
    qloop.run(core.update_settings(low_stock_days=LOW_STOCK_DAYS))
    qloop.run(core.sync())
    view = HomeView(core)
    qtbot.addWidget(view)
    view.resize(1180, 700)
    view.show()
    qloop.wait_for(view.loaded, view.refresh)
    return view


def test_the_counts_are_what_the_marketplaces_hold(
    home: HomeView, sim: RunningSimulator, core: AppCore, qloop: QtLoop
) -> None:
    settings = qloop.run(core.settings())
    window, low = settings.window_days, settings.low_stock_days
    wb_low, wb_out = _short_products(sim, 0, Marketplace.WILDBERRIES, window, low)
    ozon_low, ozon_out = _short_products(sim, 1, Marketplace.OZON, window, low)
    summary = home.summary
    assert summary is not None
    assert wb_low | wb_out | ozon_low | ozon_out, "the simulator's sellers have products short"

    shown = {(p.tenant.name, p.product_id, p.out_of_stock) for p in summary.short}
    expected = (
        {("Acme WB", p, False) for p in wb_low}
        | {("Acme WB", p, True) for p in wb_out}
        | {("Ozon soon", p, False) for p in ozon_low}
        | {("Ozon soon", p, True) for p in ozon_out}
    )
    assert shown == expected
    assert home.low_count.number.text() == str(len(wb_low) + len(ozon_low))
    assert home.out_count.number.text() == str(len(wb_out) + len(ozon_out))

    assert [f.tenant.name for f in summary.failed] == ["Expired"]
    assert home.failed_count.number.text() == "1"
    assert home.failed.topLevelItem(0).text(0) == "Expired"
    assert "expired" in home.failed.topLevelItem(0).text(3)  # why, in words

    # The WB token of "Acme WB" runs for months; the expired one and the Ozon key that the
    # simulator lets end within two weeks are listed, the soonest first.
    assert [e.tenant.name for e in summary.expiring] == ["Expired", "Ozon soon"]
    ozon_key = sim.world.sellers[1].ozon_key_expires_at
    assert summary.expiring[1].expires_at == ozon_key
    assert ozon_key - datetime.now(UTC) < timedelta(days=14)
    assert home.expiring_count.number.text() == "2"
    assert home.expiring.topLevelItem(0).text(2) == "expired"


def test_a_product_opens_its_sellers_stock(home: HomeView, qtbot: QtBot) -> None:
    chosen: list[TenantView] = []
    products: list[str] = []

    def choose(tenant: TenantView, product_id: str) -> None:
        chosen.append(tenant)
        products.append(product_id)

    home.tenant_chosen.connect(choose)
    item = home.short.topLevelItem(0)
    assert item is not None
    where = home.short.visualItemRect(item).center()
    # A double-click as a mouse makes it: the first press, then the double-click.
    qtbot.mouseClick(home.short.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(home.short.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert [t.name for t in chosen] == [item.text(0)]
    assert home.summary is not None
    assert products == [home.summary.short[0].product_id]  # the window opens it at this row


def test_no_seller_says_what_to_do(core: AppCore, qloop: QtLoop, qtbot: QtBot) -> None:
    view = HomeView(core)
    qtbot.addWidget(view)
    view.show()
    qloop.wait_for(view.loaded, view.refresh)
    assert view.empty.isVisible()
    assert view.failed_count.number.text() == "0"
