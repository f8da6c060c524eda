"""The tenants window against the simulator: add through the editor, check, sync, cancel.

Each scenario runs as one coroutine on the qasync loop, as in the app: between two ``run()``
calls no loop would be running while the core's tasks still are.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage.sync_runs import RunStatus
from stock_tracker_desktop.sync.events import SyncEvent, SyncProgress
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.tenants_model import Column
from tests.sync.conftest import ozon_draft, wb_draft
from tests.ui.conftest import PRODUCTS, Run, until


def _row(window: MainWindow, name: str) -> int:
    names = [t.name for t in window.model.tenants()]
    assert name in names, names
    return names.index(name)


def _cell(window: MainWindow, name: str, column: Column) -> str:
    return window.model.index(_row(window, name), column).data()


def _select(window: MainWindow, name: str) -> None:
    window.tenants_view.select({window.model.tenant(_row(window, name)).id})
    assert [t.name for t in window.tenants_view.selected_tenants()] == [name]


def test_add_a_tenant_through_the_editor_and_check_its_connection(
    window: MainWindow, sim: RunningSimulator, run: Run[Any], qtbot: Any
) -> None:
    seller = sim.world.sellers[0]

    async def scenario() -> None:
        window.add_action.trigger()
        editor = window.editor
        assert editor.isVisible()
        assert not editor.save_button.isEnabled()  # nothing typed yet
        qtbot.keyClicks(editor.name, "Kids Wear")
        qtbot.keyClicks(editor.token, "not-a-token")
        assert not editor.save_button.isEnabled()
        assert editor.problems.isVisible() and "token" in editor.problems.text().lower()
        editor.token.clear()
        qtbot.keyClicks(editor.token, seller.wb_token)
        assert editor.save_button.isEnabled(), editor.problems.text()
        assert editor.token.echoMode() == editor.token.EchoMode.Password
        qtbot.keyClicks(editor.tags, "kids, moscow")

        editor.check_button.click()
        await until(lambda: "Connection works" in editor.check_result.text(), what="the check")
        result = editor.check_result.text()
        assert "Statistics" in result  # the granted categories are listed
        assert seller.name in result

        editor.save_button.click()
        await until(lambda: "Kids Wear" in [t.name for t in window.model.tenants()])
        tenant = window.model.tenant(_row(window, "Kids Wear"))
        assert tenant.marketplace is Marketplace.WILDBERRIES
        assert tenant.tags == ("kids", "moscow")
        assert window.tenants_view.tag.findData("kids") >= 0  # the tag filter offers it

    run(scenario())


def test_ozon_fields_replace_the_token_field(window: MainWindow, qtbot: Any) -> None:
    window.add_action.trigger()
    editor = window.editor
    editor.marketplace.setCurrentIndex(editor.marketplace.findData(Marketplace.OZON))
    assert editor.client_id.isVisibleTo(editor) and editor.api_key.isVisibleTo(editor)
    assert not editor.token.isVisibleTo(editor)
    qtbot.keyClicks(editor.name, "Ozon shop")
    qtbot.keyClicks(editor.client_id, "12ab")
    assert "Client-Id" in editor.problems.text()
    assert not editor.save_button.isEnabled()


def test_one_click_sync_updates_the_row(
    window: MainWindow, sim: RunningSimulator, run: Run[Any]
) -> None:
    # Through the core, as the window adds: its own loads may be using the database thread.
    run(window.core.add_tenant(wb_draft(sim.world.sellers[0], "WB One")))
    run(window.core.add_tenant(ozon_draft(sim.world.sellers[1], "Ozon Two")))
    seen: list[SyncEvent] = []
    window.core.subscribe(seen.append)

    resets: list[None] = []
    changed_rows: set[int] = set()

    async def scenario() -> None:
        await window.reload()
        assert _cell(window, "WB One", Column.LAST_SYNC) == "never"
        window.model.modelReset.connect(lambda: resets.append(None))
        window.model.dataChanged.connect(
            lambda first, last, _roles: changed_rows.update(range(first.row(), last.row() + 1))
        )
        _select(window, "WB One")
        window.sync_action.trigger()
        await until(lambda: any(isinstance(e, SyncProgress) for e in seen), what="progress")
        assert window.progress.isVisible()  # the status bar shows overall progress meanwhile
        await until(lambda: not window.core.running and not window.progress.isVisible())
        await until(lambda: _cell(window, "WB One", Column.PRODUCTS) not in ("", None))

    run(scenario())
    # The same tenants before and after: their rows were updated in place, the view kept its
    # order and selection (a reset would re-sort and repaint every row).
    assert resets == []
    wb_row = window.model.row_of(next(t.id for t in window.model.tenants() if t.name == "WB One"))
    assert wb_row in changed_rows
    assert [t.name for t in window.tenants_view.selected_tenants()] == ["WB One"]
    overview = window.model.overview(_row(window, "WB One"))
    assert overview.last_run is not None and overview.last_run.status is RunStatus.SUCCEEDED
    assert overview.products == PRODUCTS  # every product of the simulated seller
    assert _cell(window, "WB One", Column.PRODUCTS) == str(PRODUCTS)
    assert _cell(window, "WB One", Column.LAST_SYNC) != "never"
    assert _cell(window, "Ozon Two", Column.LAST_SYNC) == "never"  # only the selected one


def test_cancel_a_running_sync(window: MainWindow, sim: RunningSimulator, run: Run[Any]) -> None:
    run(window.core.add_tenant(wb_draft(sim.world.sellers[0], "WB One")))
    seen: list[SyncEvent] = []
    window.core.subscribe(seen.append)

    async def scenario() -> None:
        await window.reload()
        _select(window, "WB One")
        window.sync_action.trigger()
        await until(lambda: any(isinstance(e, SyncProgress) for e in seen), what="progress")
        assert window.cancel_action.isEnabled()
        window.cancel_action.trigger()
        await until(lambda: not window.core.running)
        await until(lambda: window.model.overview(_row(window, "WB One")).last_run is not None)

    run(scenario())
    last = window.model.overview(_row(window, "WB One")).last_run
    assert last is not None and last.status is RunStatus.CANCELLED


def test_closing_without_a_tray_asks_and_quits(window: MainWindow) -> None:
    quits: list[bool] = []
    window.quit_requested.connect(lambda: quits.append(True))
    window.close()
    box = window.quit_box
    assert box.isVisible()
    assert window.isVisible() and not quits  # nothing happens before the answer
    box.button(QMessageBox.StandardButton.No).click()
    assert window.isVisible() and not quits

    window.close()
    window.quit_box.button(QMessageBox.StandardButton.Yes).click()
    assert quits == [True]
    assert window.close()  # once quitting, the window closes for good
