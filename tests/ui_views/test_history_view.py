"""The history view against real runs: listing, filters, a failure in words, retry, live update."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus
from stock_tracker_desktop.ui import i18n
from stock_tracker_desktop.ui.history_view import HistoryView
from stock_tracker_desktop.ui.stock_view import StockView
from tests.sync.conftest import add_wb
from tests.ui_views.conftest import QtLoop


@pytest.fixture
def view(
    ctx: AppContext, sim: RunningSimulator, core: AppCore, qloop: QtLoop, qtbot: QtBot
) -> HistoryView:
    sellers = sim.world.sellers
    add_wb(ctx, sellers[0], "Healthy")
    add_wb(ctx, sellers[1], "Expired", token=sim.world.mint_wb_token(sellers[1], expired=True))
    qloop.run(core.sync())
    history = HistoryView(core)
    qtbot.addWidget(history)
    history.resize(1200, 700)
    history.show()
    qloop.wait_for(history.loaded, history.refresh)
    return history


def _tenants(view: HistoryView) -> list[str]:
    return [view.model.run(row).tenant for row in range(view.model.rowCount())]


def _select_status(view: HistoryView, qloop: QtLoop, status: RunStatus | None) -> None:
    qloop.wait_for(view.loaded, lambda: view.set_status_filter(status))


def test_lists_every_run_with_its_figures(view: HistoryView) -> None:
    assert sorted(_tenants(view)) == ["Expired", "Healthy"]
    healthy = next(view.model.run(r) for r in range(2) if view.model.run(r).tenant == "Healthy")
    assert healthy.status is RunStatus.SUCCEEDED
    row = _tenants(view).index("Healthy")
    status = view.model.index(row, 2)
    assert view.model.data(status, Qt.ItemDataRole.DisplayRole) == "Succeeded"
    products = view.model.index(row, 5)
    assert view.model.data(products, Qt.ItemDataRole.DisplayRole) == 30
    assert view.count_label.text() == "2 runs"
    assert [view.tenant_box.itemText(i) for i in range(view.tenant_box.count())] == [
        "All sellers",
        "Expired",
        "Healthy",
    ]


def test_filters_by_status_and_tenant(ctx: AppContext, view: HistoryView, qloop: QtLoop) -> None:
    _select_status(view, qloop, RunStatus.FAILED)
    assert _tenants(view) == ["Expired"]
    _select_status(view, qloop, RunStatus.SUCCEEDED)
    assert _tenants(view) == ["Healthy"]
    _select_status(view, qloop, None)
    healthy = TenantService(ctx).get("Healthy")
    qloop.wait_for(view.loaded, lambda: view.set_tenant_filter(healthy.id))
    assert _tenants(view) == ["Healthy"]
    assert view.tenant_box.currentText() == "Healthy"
    qloop.wait_for(view.loaded, lambda: view.set_tenant_filter(None))
    assert len(_tenants(view)) == 2


def test_failure_is_explained_and_retry_emits_the_tenant(
    ctx: AppContext, view: HistoryView, qloop: QtLoop, qtbot: QtBot
) -> None:
    _select_status(view, qloop, RunStatus.FAILED)
    view.table.selectRow(0)
    details = view.details
    assert details.title.text() == "Expired"
    assert details.status_label.text() == "Failed"
    error = details.error_box.text()
    # Products and orders start together on WB: whichever answer comes first names the stage.
    stage, request = next(
        (stage, request)
        for stage, request in (
            ("Products", "POST /content/v2/get/cards/list"),
            ("Orders", "GET /api/v1/supplier/orders"),
        )
        if f"The sync failed at the \u201c{stage}\u201d stage." in error
    )
    assert f"Request: {request}" in error
    assert "token expired on" in error
    assert details.error_box.isVisible()
    stages = [details.stages.item(row, 0).text() for row in range(details.stages.rowCount())]
    assert stage in stages
    expired_id = TenantService(ctx).get("Expired").id
    with qtbot.waitSignal(view.retry_requested, timeout=1000) as emitted:
        qtbot.mouseClick(details.retry, Qt.MouseButton.LeftButton)
    assert emitted.args == [expired_id]
    assert isinstance(emitted.args[0], uuid.UUID)


def test_a_finished_sync_appears_without_a_manual_refresh(
    ctx: AppContext, view: HistoryView, core: AppCore, qloop: QtLoop
) -> None:
    healthy = TenantService(ctx).get("Healthy")

    async def sync_healthy() -> None:
        await core.sync(["Healthy"])

    # The view reloads itself on the core's events: wait for the reload after the finish.
    qloop.run(sync_healthy())
    qloop.wait_for(view.loaded, lambda: None)
    assert _tenants(view).count("Healthy") == 2
    newest = view.model.run(0)
    assert newest.tenant_id == healthy.id
    assert newest.status is RunStatus.SUCCEEDED


def test_russian_texts(qapp: QApplication, ctx: AppContext, core: AppCore, qtbot: QtBot) -> None:
    assert i18n.install_translators(qapp, "ru")  # every catalogue: statuses are shared words
    try:
        history = HistoryView(core)
        stock = StockView(core)
        qtbot.addWidget(history)
        qtbot.addWidget(stock)
    finally:
        i18n.install_translators(qapp, "en")
    assert history.details.retry.text() == "Повторить синхронизацию"
    assert history.tenant_box.itemText(0) == "Все продавцы"
    assert history.status_box.itemText(history.status_box.findData(RunStatus.FAILED)) == "Ошибка"
    assert stock.low_only.text() == "Только малые остатки"
    assert stock.by_product.text() == "По товарам"
