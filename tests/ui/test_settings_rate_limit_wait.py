"""The longest rate-limit wait in the window's settings: minutes in the box, seconds stored."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QApplication

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.settings import Settings, SettingsService
from stock_tracker_desktop.ui import i18n
from stock_tracker_desktop.ui.settings_dialog import SettingsDialog


def _dialog(core: AppCore, seconds: float) -> SettingsDialog:
    stored = SettingsService(core._ctx).update(max_rate_limit_wait=seconds)
    assert stored == replace(Settings(), max_rate_limit_wait=seconds)
    return SettingsDialog(core, stored, tray_available=False)


def test_an_untouched_box_keeps_the_stored_seconds(qapp: QApplication, core: AppCore) -> None:
    dialog = _dialog(core, 90.0)  # set from the command line: no whole minute
    assert dialog.rate_limit_wait.value() == 2
    assert dialog.changes()["max_rate_limit_wait"] == 90.0


def test_minutes_chosen_are_stored_as_seconds(qapp: QApplication, core: AppCore) -> None:
    dialog = _dialog(core, 300.0)
    dialog.rate_limit_wait.setValue(45)
    updated = SettingsService(core._ctx).update(**dialog.changes())
    assert updated.max_rate_limit_wait == 2700.0
    assert SettingsService(core._ctx).load().max_rate_limit_wait == 2700.0


def test_the_field_speaks_russian(qapp: QApplication, core: AppCore) -> None:
    i18n.install_translators(qapp, "ru")
    try:
        dialog = _dialog(core, 300.0)
        assert dialog.rate_limit_wait.suffix() == " мин"
        assert "маркетплейс" in dialog.rate_limit_wait.toolTip()
    finally:
        i18n.install_translators(qapp, "en")
