"""Starting the window: one instance per data directory, language, unlocking, the main loop.

Everything runs on one asyncio loop driven by Qt (qasync): the sync engine's tasks, the
scheduler's jobs and the widgets' slots share it, and blocking work leaves it through
``engine.in_db`` or ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from stock_tracker_desktop import APP_NAME, __version__
from stock_tracker_desktop.config import data_dir
from stock_tracker_desktop.logs import configure_logging
from stock_tracker_desktop.memory import freeze_startup_objects
from stock_tracker_desktop.security.vault import PassphraseProvider, WrongPassphrase
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.storage.installation_lock import InstallationBusy, announce
from stock_tracker_desktop.sync.engine import SyncEngine
from stock_tracker_desktop.sync.scheduler import SyncScheduler
from stock_tracker_desktop.ui import error_dialog, i18n
from stock_tracker_desktop.ui.async_qt import spawn
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.settings_dialog import show_rotation_refused
from stock_tracker_desktop.ui.single_instance import SingleInstance, notify_running, server_name
from stock_tracker_desktop.ui.unlock import open_context

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1


def create_application() -> QApplication:
    """The QApplication with the app's identity (or the one that exists, in tests)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Stock Tracker")
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("app"))
    app.setQuitOnLastWindowClosed(False)  # the window decides: tray, or ask and quit
    return app


def apply_language(app: QApplication, setting: str) -> str:
    language = i18n.resolve_language(setting)
    QLocale.setDefault(
        QLocale(
            QLocale.Language.Russian if language == "ru" else QLocale.Language.English,
            QLocale.Country.AnyCountry,
        )
    )
    i18n.install_translators(app, language)
    return language


def run_gui(
    home: Path | None = None,
    *,
    passphrase: PassphraseProvider | None = None,
    sync_on_start: bool = False,
) -> int:
    """The desktop app; returns the process exit code.

    ``passphrase`` is tried before asking (the demo's published one); ``sync_on_start`` syncs
    every active seller once the window is up (the demo does).
    """
    home = home or data_dir()
    announce("the window")  # how a refused rotation or restore names this process
    app = create_application()
    name = server_name(home)
    if notify_running(name):
        log.info("another window serves %s; brought it to the front", home)
        return EXIT_OK
    instance = SingleInstance(name)
    # Until the settings are readable (after unlocking) the system's language applies.
    apply_language(app, "")
    try:
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            return runner.run(_main(app, home, instance, passphrase, sync_on_start))
    finally:
        instance.close()


async def _main(
    app: QApplication,
    home: Path,
    instance: SingleInstance,
    passphrase: PassphraseProvider | None,
    sync_on_start: bool,
) -> int:
    ctx = await _unlock(home, passphrase)
    if ctx is None:
        return EXIT_FAILED
    configure_logging(ctx.home)
    error_dialog.install(asyncio.get_running_loop())
    engine = SyncEngine(ctx)
    closed = False
    try:
        settings = await engine.in_db(engine.settings.load)
        apply_language(app, settings.language)
        scheduler = SyncScheduler(engine)
        await scheduler.start()
        window = MainWindow(
            engine,
            settings,
            scheduler=scheduler,
            tray_available=QSystemTrayIcon.isSystemTrayAvailable(),
        )
        instance.raise_requested.connect(window.bring_to_front)
        done = asyncio.get_running_loop().create_future()
        rotate = False

        def finish(rotating: bool = False) -> None:
            nonlocal rotate
            rotate = rotate or rotating
            if not done.done():
                done.set_result(None)

        window.quit_requested.connect(finish)
        window.rotate_requested.connect(
            lambda: spawn(_rotate_if_alone(engine, window, finish), name="rotate")
        )
        app.aboutToQuit.connect(finish)  # the session ends (log-out): shut down cleanly too
        window.show()
        await window.reload()
        freeze_startup_objects()
        if sync_on_start:
            window.sync_all()
        await done
        window.quitting = True
        window.hide()
        await shutdown(engine, scheduler)
        closed = True
        if rotate:
            try:
                await asyncio.to_thread(_rotate, ctx)
            except InstallationBusy as busy:  # a process started since the check below
                log.warning("the master key was not rotated: %s", busy)
        window.deleteLater()
        return EXIT_OK
    finally:
        if not closed:
            await engine.aclose()
        ctx.close()


async def _unlock(home: Path, passphrase: PassphraseProvider | None) -> AppContext | None:
    if passphrase is not None:
        try:
            return await asyncio.to_thread(AppContext.open, passphrase, home)
        except WrongPassphrase:
            pass  # the given one does not fit this vault: ask the user
    return await open_context(home)


async def shutdown(engine: SyncEngine, scheduler: SyncScheduler | None) -> None:
    """Stop planning new runs, then cancel running ones and wait until they are recorded."""
    if scheduler is not None:
        await scheduler.shutdown()
    await engine.aclose()


async def _rotate_if_alone(
    engine: SyncEngine, window: MainWindow, finish: Callable[[bool], None]
) -> None:
    """Close and rotate only when no other process has the installation open (the window's own
    hold is upgraded for the rotation); otherwise say who has it, and keep the window open."""

    def probe() -> None:
        with engine.ctx.exclusive("rotate"):
            pass

    try:
        await engine.in_db(probe)
    except InstallationBusy as busy:
        show_rotation_refused(window, busy)
        return
    finish(True)


def _rotate(ctx: AppContext) -> None:
    from stock_tracker_desktop.services import vault_service

    vault_service.rotate(ctx)
    log.info("master key rotated from the settings; the app closed to reopen under it")
