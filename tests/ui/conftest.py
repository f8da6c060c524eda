"""GUI tests: real widgets on a qasync loop, tenants served by the simulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QWidget

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui import i18n
from stock_tracker_desktop.ui.app import apply_language
from stock_tracker_desktop.ui.main_window import MainWindow
from tests.support.qt import dispose_qt_objects

TIME_FACTOR = 0.01
PRODUCTS = 25
T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]


@pytest.fixture
def qloop(
    qapp: QApplication, session_qasync_loop: qasync.QEventLoop
) -> Iterator[qasync.QEventLoop]:
    """The qasync loop: Qt events and asyncio tasks both run while a test awaits."""
    i18n.install_translators(qapp, "en")
    qapp.setQuitOnLastWindowClosed(False)  # as the app: closing a dialog must not stop the loop
    asyncio.set_event_loop(session_qasync_loop)
    yield session_qasync_loop
    dispose_qt_objects(session_qasync_loop)
    asyncio.set_event_loop(None)


@pytest.fixture
def run(qloop: qasync.QEventLoop) -> Run[Any]:
    def run_coroutine(coro: Coroutine[Any, Any, T], timeout: float = 15) -> T:
        return qloop.run_until_complete(asyncio.wait_for(coro, timeout))

    return run_coroutine


async def until(predicate: Callable[[], object], within: float = 10, what: str = "") -> None:
    """Wait, letting the loop run, until ``predicate()`` is true."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.02)


def find_top_level(kind: type[QWidget]) -> QWidget | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    return point_clients_at(seed=5, sellers=2, products=PRODUCTS, time_factor=TIME_FACTOR)


@pytest.fixture
def core(ctx: AppContext, run: Run[Any]) -> Iterator[AppCore]:
    app_core = AppCore(ctx)
    yield app_core
    run(app_core.aclose())


@pytest.fixture(params=[False], ids=["no tray"])
def window(
    core: AppCore, run: Run[Any], qtbot: Any, request: pytest.FixtureRequest
) -> Iterator[MainWindow]:
    """The main window; parametrize indirectly with True for a desktop that has a tray."""
    settings = run(core.settings())
    main = MainWindow(core, settings, tray_available=request.param)
    qtbot.addWidget(main)
    main.show()
    run(main.reload())
    yield main
    main.quitting = True  # closing at teardown must not ask


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest, qapp: QApplication, qloop: Any) -> Iterator[str]:
    """The window's language for one test (both by default; ``indirect`` parametrising picks
    one), set after the loop fixture, which starts every test in English."""
    before = QLocale()
    apply_language(qapp, request.param)
    yield request.param
    QLocale.setDefault(before)
    i18n.install_translators(qapp, "en")
