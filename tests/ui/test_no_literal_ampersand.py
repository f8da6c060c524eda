"""No visible text shows a literal "&", in English and Russian, anywhere the window opens: its
tabs, the seller editor (adding and editing, every tab, both marketplaces), the settings, the
passphrase dialogs and the quit question.

What is checked is what Qt displays: a label with a buddy, a button, a check box, a group box
and a tab turn "&N" into an underlined N; a label without a buddy shows the "&" as it is, and
that is the bug this catches ("&Google Sheet:" next to a field that is a layout, not a widget).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QTabBar,
    QWidget,
)

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.passphrase_dialog import PassphraseDialog
from stock_tracker_desktop.ui.settings_dialog import SettingsDialog
from stock_tracker_desktop.ui.stock_view import StockView
from stock_tracker_desktop.ui.tenant_editor import TenantEditor
from tests.sync.conftest import add_wb
from tests.ui.conftest import Run, until

_MNEMONIC = re.compile(r"&(.)", re.DOTALL)


def resolve_mnemonics(text: str) -> str:
    """The text Qt draws for a mnemonic text: "&&" is a literal "&", "&x" an underlined x."""
    return _MNEMONIC.sub(lambda m: m.group(1), text)


def displayed_texts(widget: QWidget) -> list[str]:
    """What a widget shows of its texts, mnemonics resolved as Qt resolves them."""
    if isinstance(widget, QLabel):
        text = widget.text()
        rich = widget.textFormat() == Qt.TextFormat.RichText or (
            widget.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
        )
        if rich:
            document = QTextDocument()
            document.setHtml(text)
            return [document.toPlainText()]
        return [resolve_mnemonics(text) if widget.buddy() is not None else text]
    if isinstance(widget, QAbstractButton):
        return [resolve_mnemonics(widget.text())]
    if isinstance(widget, QGroupBox):
        return [resolve_mnemonics(widget.title())]
    if isinstance(widget, QTabBar):
        return [resolve_mnemonics(widget.tabText(i)) for i in range(widget.count())]
    return []


def literal_ampersands(top: QWidget) -> list[str]:
    """Every visible text of ``top`` and its children that displays an "&"."""
    found = []
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        for text in displayed_texts(widget):
            if "&" in text:
                found.append(f"{type(widget).__name__} {widget.objectName()!r}: {text!r}")
    return found


def test_the_checker_sees_what_qt_shows(qapp: QApplication) -> None:
    plain = QLabel("&Google Sheet:")
    with_buddy = QLabel("&Google Sheet:")
    with_buddy.setBuddy(QLabel())
    assert displayed_texts(plain) == ["&Google Sheet:"]  # no buddy: the "&" is drawn
    assert displayed_texts(with_buddy) == ["Google Sheet:"]
    assert displayed_texts(QGroupBox("Sales && returns")) == ["Sales & returns"]


def test_no_text_shows_a_literal_ampersand(
    language: str,
    ctx: AppContext,
    sim: RunningSimulator,
    core: AppCore,
    run: Run[Any],
    qtbot: Any,
) -> None:
    add_wb(ctx, sim.world.sellers[0], "Acme WB")
    run(core.sync())
    tenant = TenantService(ctx).get("Acme WB")
    settings = run(core.settings())
    window = MainWindow(core, settings)
    qtbot.addWidget(window)
    window.show()
    run(window.reload())
    found: list[str] = []
    try:
        stock = window.stock_view
        assert isinstance(stock, StockView)
        window.show_stock(tenant)
        run(until(lambda: stock.model.rowCount() > 0, what="the stock"))
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            found += [f"window tab {index}: {t}" for t in literal_ampersands(window)]

        for editing in (None, tenant):
            editor = TenantEditor(core, editing, window)
            editor.show()
            markets = [None] if editing else [Marketplace.WILDBERRIES, Marketplace.OZON]
            for market in markets:
                if market is not None:
                    editor.marketplace.setCurrentIndex(editor.marketplace.findData(market))
                for index in range(editor.tabs.count()):
                    editor.tabs.setCurrentIndex(index)
                    where = f"editor ({'edit' if editing else market}) tab {index}"
                    found += [f"{where}: {t}" for t in literal_ampersands(editor)]
            editor.close()

        dialog = SettingsDialog(core, settings, tray_available=False, parent=window)
        dialog.show()
        found += [f"settings: {t}" for t in literal_ampersands(dialog)]
        dialog.close()

        for first_run in (True, False):
            ask = PassphraseDialog(first_run=first_run, parent=window)
            ask.show()
            found += [f"passphrase ({first_run}): {t}" for t in literal_ampersands(ask)]
            ask.close()

        box = window.ask_quit()
        found += [f"quit box: {t}" for t in literal_ampersands(box)]
        box.close()
    finally:
        window.quitting = True
    assert found == []
