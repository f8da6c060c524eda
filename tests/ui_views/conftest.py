"""GUI-views fixtures: a qasync loop per test, an core over the simulator, signal waiting.

The views load their data in asyncio tasks on the core's database thread, so a test drives a
real qasync loop (``qtbot.waitUntil`` alone would never run those tasks).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import SignalInstance

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.simulator import RunningSimulator
from tests.support.qt import dispose_qt_objects

T = TypeVar("T")
TIME_FACTOR = 0.01
WAIT_SECONDS = 10.0


class QtLoop:
    """A qasync loop for one test, with helpers to run coroutines and wait for Qt signals."""

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop
        asyncio.set_event_loop(self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = WAIT_SECONDS) -> T:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def wait_for(self, signal: SignalInstance, action: Callable[[], object]) -> tuple:
        """Do ``action`` (awaited if it returns a coroutine) and run the loop until ``signal``
        fires; return the signal's arguments."""

        async def waiting() -> tuple:
            fired: asyncio.Future[tuple] = self.loop.create_future()

            def done(*args: object) -> None:
                if not fired.done():
                    fired.set_result(args)

            signal.connect(done)
            try:
                started = action()
                if inspect.isawaitable(started):
                    await started
                return await fired
            finally:
                signal.disconnect(done)

        return self.run(waiting())

    def close(self) -> None:
        """Leave nothing of this test behind; the session's loop itself stays open."""
        dispose_qt_objects(self.loop)
        asyncio.set_event_loop(None)


@pytest.fixture
def qloop(session_qasync_loop: qasync.QEventLoop) -> Iterator[QtLoop]:
    loop = QtLoop(session_qasync_loop)
    yield loop
    loop.close()


@pytest.fixture
def sim(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    return point_clients_at(seed=5, sellers=2, products=30, time_factor=TIME_FACTOR)


@pytest.fixture
def core(ctx: AppContext, qloop: QtLoop) -> Iterator[AppCore]:
    app_core = AppCore(ctx)
    yield app_core
    qloop.run(app_core.aclose())
