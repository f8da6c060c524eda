"""The Licence tab of the settings against the simulator's licensing service (a real local
Keygen-compatible server, the client unpatched): the Free plan without a licence; activating a
Pro licence shows its plan, limit and features; a wrong key says why and changes nothing;
deactivating brings the Free plan back and pauses the sellers beyond its limit, which the
Sellers tab and the status bar show; the Russian window says it all in Russian."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from stock_tracker_desktop.config import (
    LICENSE_ACCOUNT_ENV,
    LICENSE_BASE_URL_ENV,
    LICENSE_KEY_ENV,
    LICENSE_PUBLIC_KEY_ENV,
)
from stock_tracker_desktop.core import AppCore, Settings
from stock_tracker_desktop.domain.licence import LicenceState
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import (
    KeygenWorld,
    RunningSimulator,
    SimulatorConfig,
    start_in_thread,
)
from stock_tracker_desktop.ui.licence_tab import LicenceTab
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.tenants_model import Column
from tests.sync.conftest import add_ozon, add_wb
from tests.ui.conftest import Run, until
from tests.ui.test_no_literal_ampersand import literal_ampersands
from tests.ui.test_russian_everywhere import _english

LICENCE_NAME = "Агентство Север"
# The build's default account, a name shown as the account field's placeholder.
NAMES = {"stock-tracker-desktop"}
PAUSED = "Paused: beyond the plan's limit"


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    """The simulator alone: the sellers' tokens and its licensing service. (The ``sim`` of
    tests/ui/conftest.py checks every exchange against the marketplaces' specs, which have
    no word on the licensing API; tests/licensing/ start it alike.)"""
    with start_in_thread(SimulatorConfig(seed=5, sellers=2, products=5)) as running:
        yield running


@pytest.fixture
def keygen(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> KeygenWorld:
    """The app asks the simulator's licensing service; no licence is given from outside."""
    for name, value in sim.licensing_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(LICENSE_KEY_ENV, raising=False)
    return sim.world.keygen


async def open_licence_tab(window: MainWindow) -> LicenceTab:
    dialog = window.open_settings()
    tab = dialog.licence_tab
    loaded: list[bool] = []
    tab.loaded.connect(lambda: loaded.append(True))
    dialog.tabs.setCurrentWidget(tab)  # the tab reads the licence when first shown
    await until(lambda: loaded, what="the licence tab")
    return tab


async def activate(tab: LicenceTab, key: str) -> None:
    tab.key.setText(key)
    tab.activate_button.click()
    await until(lambda: tab.notice.isVisible() or tab.problem.isVisible(), 20, "activation")


async def deactivate(
    window: MainWindow, tab: LicenceTab, look: Callable[[QMessageBox], None] | None = None
) -> None:
    """Deactivate through the tab, ``look`` at the question, say yes."""
    tab.deactivate_button.click()
    await until(lambda: tab.confirm_box is not None and tab.confirm_box.isVisible(), what="ask")
    assert tab.confirm_box is not None
    if look is not None:
        look(tab.confirm_box)
    refreshed: list[bool] = []
    window.refreshed.connect(lambda: refreshed.append(True))
    tab.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    await until(lambda: tab.plan.text() in ("Free", "Бесплатный"), 20, "the Free plan")
    await until(lambda: refreshed, what="the window's reload")  # the plan's limit changed


def three_sellers(ctx: AppContext, sim: RunningSimulator) -> None:
    first, second = sim.world.sellers
    add_wb(ctx, first, "Ромашка")
    add_ozon(ctx, first, "Северный ветер")
    add_wb(ctx, second, "ТехноДом")


def four_sellers(ctx: AppContext, sim: RunningSimulator) -> None:
    three_sellers(ctx, sim)
    add_ozon(ctx, sim.world.sellers[1], "Лесная сказка")  # the newest: the first to pause


def test_without_a_licence_the_free_plan_applies(
    keygen: KeygenWorld, window: MainWindow, run: Run[Any]
) -> None:
    async def scenario() -> None:
        tab = await open_licence_tab(window)
        assert tab.plan.text() == "Free"
        assert tab.state.text() == (
            "No licence: the Free plan (3 sellers, syncs by hand, CSV and XLSX)"
        )
        assert tab.sellers.text() == "0 of 3"
        assert tab.features.text() == "Syncs by hand, CSV and XLSX exports"
        assert not tab.licence_group.isVisibleTo(tab)
        assert tab.activation_group.isVisibleTo(tab)
        assert tab.key.echoMode() == tab.key.EchoMode.Password
        assert not tab.activate_button.isEnabled()  # until a key is typed
        # The service's address comes from the environment here: shown, not editable.
        assert not tab.service_group.isVisibleTo(tab)  # folded: most agencies never need it
        tab.service_toggle.click()
        assert tab.service_group.isVisibleTo(tab)
        assert literal_ampersands(tab) == []  # "&key" has its field as buddy
        assert tab.base_url.isReadOnly() and tab.base_url.note.isVisibleTo(tab)
        assert tab.changes() == {
            "licence_base_url": "",
            "licence_account": "",
            "licence_public_key": "",
        }
        assert window.licence_label.isHidden()  # nothing needs the agency

    run(scenario())


def test_activating_and_deactivating_a_pro_licence(
    keygen: KeygenWorld, window: MainWindow, core: AppCore, run: Run[Any]
) -> None:
    licence = keygen.add_licence(plan="pro", max_machines=3, name=LICENCE_NAME)

    async def scenario() -> None:
        tab = await open_licence_tab(window)
        await activate(tab, licence.key)
        assert tab.problem.isHidden(), tab.problem.text()
        assert tab.notice.text() == "Activated: the Pro plan applies on this desktop."
        assert tab.key.text() == ""
        assert tab.plan.text() == "Pro"
        assert tab.state.text() == "Valid, confirmed by the licensing service"
        assert tab.sellers.text() == "0 of 50"
        assert (
            tab.features.text()
            == "Scheduled syncs, Google Sheets exports, alerts, CSV and XLSX exports"
        )
        assert tab.name.text() == LICENCE_NAME
        assert tab.expiry.text() == "no end date"
        assert tab.machines.text() == "3 (team members count as machines)"
        assert tab.last_check.text() != "never"
        assert tab.licence_group.isVisibleTo(tab)
        assert not tab.activation_group.isVisibleTo(tab)  # deactivate first to change keys

        tab.check_button.click()
        await until(lambda: "Checked" in tab.notice.text(), 20, "the check")
        assert tab.plan.text() == "Pro"

        await deactivate(window, tab)
        assert tab.notice.text() == "Deactivated: the Free plan applies on this desktop."
        assert tab.sellers.text() == "0 of 3"
        assert not tab.licence_group.isVisibleTo(tab)
        assert (await core.licence.standing()).state is LicenceState.NONE

    run(scenario(), timeout=60)


def test_a_wrong_key_says_why_and_changes_nothing(
    keygen: KeygenWorld, window: MainWindow, core: AppCore, run: Run[Any]
) -> None:
    async def scenario() -> None:
        tab = await open_licence_tab(window)
        await activate(tab, "ABCDEF-NOT-A-KEY-V3")
        assert tab.problem.isVisible()
        assert tab.problem.text().startswith("The licence was not activated: ")
        assert "does not know this key" in tab.problem.text()
        assert "Traceback" not in tab.problem.text()
        assert tab.notice.isHidden()
        assert tab.plan.text() == "Free"
        assert tab.activate_button.isEnabled()  # to try again with the key corrected
        assert (await core.licence.standing()).state is LicenceState.NONE

    run(scenario(), timeout=30)


def test_a_seller_beyond_the_plan_shows_it_is_paused(
    keygen: KeygenWorld,
    sim: RunningSimulator,
    ctx: AppContext,
    window: MainWindow,
    core: AppCore,
    run: Run[Any],
) -> None:
    licence = keygen.add_licence(plan="pro", name=LICENCE_NAME)
    run(core.licence.activate(licence.key))
    run(core.db.run(four_sellers, ctx, sim))

    async def scenario() -> None:
        await window.reload()
        assert next_sync_texts(window)["Лесная сказка"] != PAUSED
        tab = await open_licence_tab(window)
        assert tab.sellers.text() == "4 of 50"
        await deactivate(window, tab)
        assert tab.sellers.text() == "4 of 3; 1 paused: beyond the plan's limit, their syncs wait"
        paused = [name for name, text in next_sync_texts(window).items() if text == PAUSED]
        assert paused == ["Лесная сказка"]
        index = window.model.index(row_of(window, "Лесная сказка"), Column.NEXT_RUN)
        tip = window.model.data(index, Qt.ItemDataRole.ToolTipRole)
        assert 'take one out of "Sync all"' in tip and "upgrade" in tip
        assert window.licence_label.isVisible()
        assert window.licence_label.text() == "1 seller paused by the plan's limit"

        # Asked to sync by name, the paused seller is not synced, and the window says why.
        window.tabs.setCurrentWidget(window.tenants_view)
        window.tenants_view.select({window.model.tenant(row_of(window, "Лесная сказка")).id})
        window.sync_action.trigger()
        await until(lambda: getattr(window, "refusal_box", None) is not None, what="the refusal")
        box = window.refusal_box
        assert box.isVisible() and box.text() == "Not synced: 1 seller."
        assert box.informativeText().startswith("Лесная сказка: paused: your plan (Free) syncs 3")

    run(scenario(), timeout=60)


def row_of(window: MainWindow, name: str) -> int:
    return next(
        row for row in range(window.model.rowCount()) if window.model.tenant(row).name == name
    )


def next_sync_texts(window: MainWindow) -> dict[str, str]:
    model = window.model
    return {
        model.tenant(row).name: model.data(model.index(row, Column.NEXT_RUN))
        for row in range(model.rowCount())
    }


@pytest.mark.parametrize("language", ["ru"], indirect=True)
def test_the_russian_tab_speaks_russian(
    language: str,
    keygen: KeygenWorld,
    sim: RunningSimulator,
    ctx: AppContext,
    window: MainWindow,
    core: AppCore,
    run: Run[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    licence = keygen.add_licence(plan="pro", name=LICENCE_NAME)
    run(core.licence.activate(licence.key))
    run(core.db.run(four_sellers, ctx, sim))
    service = sim.licensing_env()[LICENSE_BASE_URL_ENV]
    seen: list[str] = []

    async def scenario() -> None:
        tab = await open_licence_tab(window)
        assert tab.plan.text() == "Про"
        tab.service_toggle.click()
        seen.extend(_english(tab, NAMES))  # a licence in force
        monkeypatch.setenv(LICENSE_BASE_URL_ENV, "http://127.0.0.1:9")  # nobody answers there
        tab.check_button.click()
        await until(tab.problem.isVisible, 20, "the check")
        assert tab.problem.text().startswith("Сервис лицензий не ответил: ")
        assert tab.last_problem.isVisibleTo(tab)
        seen.extend(_english(tab, NAMES))  # the refusal and the Last problem line
        monkeypatch.setenv(LICENSE_BASE_URL_ENV, service)
        await deactivate(window, tab, lambda box: seen.extend(_english(box, NAMES)))
        seen.extend(_english(tab, NAMES))  # no licence, a seller paused
        tab.key.setText("ABCDEF-NOT-A-KEY-V3")
        tab.activate_button.click()  # the notice of the deactivation stays until it is done
        await until(tab.problem.isVisible, 20, "the refusal")
        assert tab.problem.text().startswith("Лицензия не активирована: сервис лицензий не знает")
        assert tab.problem.text().endswith("; ничего не изменено")
        seen.extend(_english(tab, NAMES))  # a refusal of the service
        seen.extend(literal_ampersands(tab))
        await until(lambda: window.licence_label.isVisible(), what="the status bar")
        window.tabs.setCurrentWidget(window.tenants_view)
        seen.extend(_english(window, NAMES))  # the Sellers tab's paused row, its tooltip

    run(scenario(), timeout=60)
    assert seen == [], "\n".join(dict.fromkeys(seen))


def test_a_machine_file_needs_its_key_and_a_readable_file(
    keygen: KeygenWorld, window: MainWindow, run: Run[Any], tmp_path: Path
) -> None:
    async def scenario() -> None:
        tab = await open_licence_tab(window)
        tab.import_file(tmp_path / "office.lic")
        assert tab.problem.text() == "Type the licence key first: the machine file opens with it."
        tab.key.setText("SOME-KEY")
        tab.import_file(tmp_path / "office.lic")
        await until(lambda: "does not exist" in tab.problem.text(), what="the refusal")
        assert tab.problem.text() == "office.lic does not exist."
        assert tab.plan.text() == "Free"
        assert tab.import_button.isEnabled()

    run(scenario())


def test_the_self_hosted_service_is_saved_with_the_dialog(
    window: MainWindow, core: AppCore, run: Run[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (LICENSE_BASE_URL_ENV, LICENSE_ACCOUNT_ENV, LICENSE_PUBLIC_KEY_ENV):
        monkeypatch.delenv(name, raising=False)

    async def scenario() -> None:
        dialog = window.open_settings()
        tab = dialog.licence_tab
        assert not tab.base_url.isReadOnly()
        assert tab.base_url.placeholderText() == "Default: https://api.keygen.sh"
        tab.base_url.setText("http://licences.agency.example")  # plain HTTP off this computer
        dialog.save()
        await until(dialog.problem.isVisible, what="the refusal")
        assert "licence_base_url must be an https:// address" in dialog.problem.text()
        assert dialog.isVisible()
        tab.base_url.setText("https://licences.agency.example")
        tab.account.setText("agency")
        stored: list[Settings] = []
        dialog.saved.connect(stored.append)
        dialog.save()
        await until(lambda: stored, what="the dialog saved")
        assert stored[0].licence_base_url == "https://licences.agency.example"
        saved = await core.settings()
        assert saved.licence_base_url == "https://licences.agency.example"
        assert saved.licence_account == "agency"
        assert saved.licence_public_key == ""

    run(scenario())


def test_a_silent_service_leaves_the_licence_in_its_grace(
    keygen: KeygenWorld,
    window: MainWindow,
    core: AppCore,
    run: Run[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    licence = keygen.add_licence(plan="pro", name=LICENCE_NAME)
    run(core.licence.activate(licence.key))

    async def scenario() -> None:
        tab = await open_licence_tab(window)
        monkeypatch.setenv(LICENSE_BASE_URL_ENV, "http://127.0.0.1:9")  # nobody answers there
        refreshed: list[bool] = []
        window.refreshed.connect(lambda: refreshed.append(True))
        tab.check_button.click()
        await until(tab.problem.isVisible, 20, "the check")
        assert tab.problem.text().startswith("The licensing service was not heard: ")
        assert tab.plan.text() == "Pro"  # the last confirmed answer holds
        assert tab.state.text().startswith("Valid; the licensing service has not answered since")
        assert tab.state.text().endswith(": 14 days of grace left")
        assert tab.last_problem.isVisibleTo(tab)
        await until(lambda: refreshed, what="the window's reload")
        assert window.licence_label.text() == "Licence offline: 14 days of grace left"

    run(scenario(), timeout=40)


def test_the_editor_says_the_plans_limit_when_a_seller_too_many_is_saved(
    keygen: KeygenWorld, sim: RunningSimulator, ctx: AppContext, window: MainWindow, run: Run[Any]
) -> None:
    run(window.core.db.run(three_sellers, ctx, sim))

    async def scenario() -> None:
        await window.reload()
        window.add_action.trigger()
        editor = window.editor
        editor.name.setText("Четвёртый")
        editor.token.setText(sim.world.sellers[1].wb_token)
        assert editor.save_button.isEnabled(), editor.problems.text()
        editor.save_button.click()
        await until(lambda: editor.problems.isVisible(), what="the refusal")
        assert editor.problems.text() == (
            "• your plan (Free) manages 3 sellers; archive one or upgrade (license status)"
        )
        assert editor.isVisible()  # nothing typed is lost: archive one and save again
        assert len(await window.core.tenants()) == 3

    run(scenario())
