"""The process's one database thread: every query of the window, the CLI and the sync engine.

The application core (core.AppCore) makes the one instance and hands it to the engine.

SQLite takes one writer at a time anyway, and the event loop must never block on a query; one
thread that owns every call gives both, and lets ``STOCK_TRACKER_CHECK_DB_THREAD`` catch a query
made anywhere else (storage.database.on_database_thread).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Engine

from stock_tracker_desktop.storage.database import on_database_thread

T = TypeVar("T")


class DatabaseThread:
    """Runs blocking database calls one at a time, off the event loop."""

    def __init__(self, database: Callable[[], Engine]) -> None:
        # A getter, not the Engine: a restore or a key rotation replaces the database.
        self._database = database
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-db")

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` on the database thread; the loop goes on meanwhile."""
        loop = asyncio.get_running_loop()
        call = on_database_thread(self._database(), functools.partial(fn, *args, **kwargs))
        return await loop.run_in_executor(self._executor, call)

    def close(self) -> None:
        """Wait for the call in progress, then release the thread."""
        self._executor.shutdown(wait=True)
