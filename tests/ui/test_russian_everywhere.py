"""In Russian, no visible text of the window is English: every tab, the failed sync's reasons,
the seller editor, the settings, the passphrase dialogs and the message boxes.

What counts as English: two or more Latin words in a row ("token expired", "Sellers at once").
Names the marketplaces and the app use as they are (Wildberries, Ozon, Google Sheet, method
paths such as "GET /api/v3/stocks") and the simulator's seller names are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.passphrase_dialog import PassphraseDialog
from stock_tracker_desktop.ui.settings_dialog import SettingsDialog
from stock_tracker_desktop.ui.tenant_editor import TenantEditor
from tests.sync.conftest import add_ozon, add_wb
from tests.ui.conftest import Run, find_top_level, until

_ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ '’-][A-Za-z]{2,})+")
# Said as they are in Russian too: names of products, services and files.
_NAMES = re.compile(
    r"Stock Tracker|Google Sheets?|Lime Kids|Client-Id|API|JSON|CSV|XLSX|HTTP|vault\.json"
    r"|(?:GET|POST|PUT) /[\w/.-]+"
)
ROWS_READ = 40  # of each table: enough to meet every kind of row


def _visible_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) of what ``root`` and its visible children show."""
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        kind = type(widget).__name__
        if isinstance(widget, QLabel):
            yield kind, _plain(widget.text())
        elif isinstance(widget, QAbstractButton):
            yield kind, widget.text()
        elif isinstance(widget, QGroupBox):
            yield kind, widget.title()
        elif isinstance(widget, QLineEdit):
            yield kind, widget.placeholderText()
        elif isinstance(widget, QComboBox):
            yield from ((kind, widget.itemText(i)) for i in range(widget.count()))
        elif isinstance(widget, QTabWidget):
            yield from ((kind, widget.tabText(i)) for i in range(widget.count()))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            yield from ((kind, text) for text in _model_texts(widget.model()))
    if isinstance(root, QWidget) and root.isWindow():
        yield "title", root.windowTitle()


def _model_texts(model: QAbstractItemModel) -> Iterator[str]:
    for column in range(model.columnCount()):
        yield str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        for row in range(min(model.rowCount(QModelIndex()), ROWS_READ)):
            value = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
            yield "" if value is None else str(value)
            tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
            yield "" if tip is None else str(tip)


def _plain(text: str) -> str:
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _english(root: QWidget, allowed: set[str]) -> list[str]:
    found = []
    for where, text in _visible_texts(root):
        cleaned = _NAMES.sub("", text)
        for name in allowed:
            cleaned = cleaned.replace(name, "")
        for match in _ENGLISH.finditer(cleaned):
            found.append(f"{where}: {match.group()!r} in {text!r}")
    return found


@pytest.mark.parametrize("language", ["ru"], indirect=True)
def test_nothing_the_window_shows_is_english(
    language: str, ctx: AppContext, core: AppCore, sim: RunningSimulator, run: Run[Any], qtbot: Any
) -> None:
    good, other = sim.world.sellers
    add_wb(ctx, good, "Ромашка")
    add_wb(ctx, other, "Просрочен", sim.world.mint_wb_token(other, expired=True))
    add_ozon(ctx, other, "Северный ветер")
    run(core.start_scheduler())
    results = run(core.sync())
    assert {r.tenant: r.status.value for r in results if r.status}["Просрочен"] == "failed"
    window = MainWindow(core, run(core.settings()))
    qtbot.addWidget(window)
    window.show()
    seen: list[str] = []

    async def walk() -> None:
        await window.reload()
        await until(lambda: window.home_view.summary is not None, what="the home view")
        seen.extend(_english(window, set()))  # Today
        for tab in (window.tenants_view, window.stock_view, window.history_view):
            window.tabs.setCurrentWidget(tab)
            if tab is window.stock_view:
                tenant = next(t for t in window.model.tenants() if t.name == "Ромашка")
                window.show_stock(tenant)
                await until(lambda: window.stock_view.model.rowCount() > 0, what="the stock")
                window.stock_view.by_product.click()
            if tab is window.history_view:
                window.history_view.refresh()
                await until(lambda: window.history_view.model.rowCount() == 3, what="history")
                failed = next(
                    row
                    for row in range(window.history_view.model.rowCount())
                    if window.history_view.model.run(row).status.value == "failed"
                )
                window.history_view.table.selectRow(failed)
            seen.extend(_english(window, set()))
        expired = next(t for t in window.model.tenants() if t.name == "Просрочен")
        window.tenants_view.select({expired.id})
        window.check_connection()
        await until(lambda: find_top_level(QMessageBox) is not None, what="the check's answer")
        box = find_top_level(QMessageBox)
        assert box is not None
        seen.extend(_english(box, set()))
        box.close()

    run(walk())
    for editor in (TenantEditor(core, expired_tenant(window), window), TenantEditor(core)):
        editor.show()
        for index in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(index)
            seen.extend(_english(editor, set()))
        editor.close()
    # What the editor refuses and warns about as it is typed.
    refusing = TenantEditor(core)
    refusing.show()
    refusing.name.setText("Рома\x1bшка")
    refusing.token.setText("not a token")
    refusing.validate()
    assert refusing.problems.isVisible()
    seen.extend(_english(refusing, set()))
    refusing.token.setText(sim.world.mint_wb_token(other, expired=True))
    refusing.validate()
    assert refusing.warnings.isVisible()
    seen.extend(_english(refusing, set()))
    refusing.close()
    settings = SettingsDialog(core, window.settings, tray_available=True, parent=window)
    settings.show()
    seen.extend(_english(settings, set()))
    settings.close()
    for first_run in (True, False):
        dialog = PassphraseDialog(first_run=first_run)
        dialog.show()
        seen.extend(_english(dialog, set()))
        dialog.close()
    for box in (window.ask_quit(), window.rotation_done(ctx.home / "backup.db")):
        seen.extend(_english(box, {str(ctx.home)}))
        box.close()
    window.quitting = True
    assert seen == [], "\n".join(dict.fromkeys(seen))


def expired_tenant(window: MainWindow) -> Any:
    return next(t for t in window.model.tenants() if t.name == "Просрочен")
