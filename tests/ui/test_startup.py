"""Start-up pieces: the passphrase flows, one instance per data directory, the language."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.security.vault import Vault
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.ui import i18n
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.passphrase_dialog import PassphraseDialog
from stock_tracker_desktop.ui.single_instance import SingleInstance, notify_running, server_name
from stock_tracker_desktop.ui.unlock import open_core
from tests.ui.conftest import Run, find_top_level, until

GOOD = "correct horse battery"


def _dialog() -> PassphraseDialog:
    found = find_top_level(PassphraseDialog)
    assert isinstance(found, PassphraseDialog)
    return found


@pytest.mark.usefixtures("no_keyring")
def test_first_run_asks_twice_and_creates_the_vault(
    isolated_home: Path, run: Run[Any], qtbot: Any
) -> None:
    async def scenario() -> AppCore | None:
        opening = asyncio.ensure_future(open_core(isolated_home))
        await until(lambda: find_top_level(PassphraseDialog) is not None, what="the dialog")
        dialog = _dialog()
        assert dialog.first_run and dialog.repeat_field.isVisible()
        assert "passphrase" in dialog.intro.text()  # it explains what the passphrase protects
        qtbot.keyClicks(dialog.passphrase_field, "short")
        assert not dialog.ok_button.isEnabled() and dialog.message.isVisible()
        dialog.passphrase_field.clear()
        qtbot.keyClicks(dialog.passphrase_field, GOOD)
        qtbot.keyClicks(dialog.repeat_field, GOOD + "!")
        assert not dialog.ok_button.isEnabled()
        assert "differ" in dialog.message.text()
        dialog.repeat_field.clear()
        qtbot.keyClicks(dialog.repeat_field, GOOD)
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()
        return await opening

    ctx = run(scenario())
    assert ctx is not None
    ctx.close()
    assert Vault.exists(isolated_home)
    assert Vault.open(isolated_home, lambda: GOOD).store == "passphrase"


@pytest.mark.usefixtures("no_keyring")
def test_a_wrong_passphrase_says_so_and_lets_the_user_try_again(
    isolated_home: Path, run: Run[Any], qtbot: Any
) -> None:
    AppContext.open(lambda: GOOD, isolated_home).close()

    async def scenario() -> AppCore | None:
        opening = asyncio.ensure_future(open_core(isolated_home))
        await until(lambda: find_top_level(PassphraseDialog) is not None, what="the dialog")
        first = _dialog()
        assert not first.first_run and not first.repeat_field.isVisible()
        assert not first.message.isVisible()
        qtbot.keyClicks(first.passphrase_field, "wrong passphrase")
        first.ok_button.click()
        await until(lambda: find_top_level(PassphraseDialog) not in (None, first), what="retry")
        again = _dialog()
        assert again.message.isVisible() and "wrong" in again.message.text()
        qtbot.keyClicks(again.passphrase_field, GOOD)
        again.ok_button.click()
        return await opening

    ctx = run(scenario())
    assert ctx is not None
    ctx.close()


def test_caps_lock_is_noticed_from_what_is_typed(qtbot: Any) -> None:
    dialog = PassphraseDialog(first_run=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase_field, "A")  # a capital without Shift: caps lock is on
    assert dialog.caps_warning.isVisible()
    qtbot.keyClicks(dialog.passphrase_field, "a")
    assert not dialog.caps_warning.isVisible()
    assert dialog.passphrase_field.echoMode() == dialog.passphrase_field.EchoMode.Password
    dialog.passphrase_field.show_action.trigger()
    assert dialog.passphrase_field.echoMode() == dialog.passphrase_field.EchoMode.Normal


def test_a_second_launch_brings_the_first_to_front(
    isolated_home: Path, run: Run[Any], qapp: QApplication
) -> None:
    name = server_name(isolated_home)
    assert server_name(isolated_home / "other") != name
    assert not notify_running(name)  # nobody listens yet
    first = SingleInstance(name)
    raised: list[bool] = []
    first.raise_requested.connect(lambda: raised.append(True))
    try:
        assert notify_running(name)
        run(until(lambda: raised, what="the knock"))
    finally:
        first.close()
    assert raised == [True]


def test_the_window_speaks_russian_after_re_creation(
    core: AppCore, run: Run[Any], qapp: QApplication, qtbot: Any
) -> None:
    settings = run(core.update_settings(language="ru"))
    assert i18n.resolve_language(settings.language) == "ru"
    english = MainWindow(core, settings)
    qtbot.addWidget(english)
    assert english.sync_action.text() == "Sync"
    try:
        assert i18n.install_translators(qapp, settings.language)
        russian = MainWindow(core, settings)
        qtbot.addWidget(russian)
        assert russian.sync_action.text() == "Синхронизировать"
        assert russian.tabs.tabText(russian.tabs.indexOf(russian.tenants_view)) == "Продавцы"
        assert russian.model.headerData(3, Qt.Orientation.Horizontal) == "Товары"
    finally:
        i18n.install_translators(qapp, "en")
    english.quitting = russian.quitting = True
