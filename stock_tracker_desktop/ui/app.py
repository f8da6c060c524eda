"""Starting the window: one instance per data directory, language, unlocking, the main loop.

Everything runs on one asyncio loop driven by Qt (qasync): the sync engine's tasks, the
scheduler's jobs and the widgets' slots share it, and blocking work leaves it through
the core's database thread or ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from stock_tracker_desktop import APP_NAME, __version__
from stock_tracker_desktop.config import data_dir
from stock_tracker_desktop.core import (
    AppCore,
    InstallationBusy,
    PassphraseProvider,
    WrongPassphrase,
    announce,
)
from stock_tracker_desktop.logs import configure_logging
from stock_tracker_desktop.memory import freeze_startup_objects
from stock_tracker_desktop.ui import error_dialog, i18n
from stock_tracker_desktop.ui.async_qt import spawn
from stock_tracker_desktop.ui.main_window import MainWindow
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.settings_dialog import show_rotation_refused
from stock_tracker_desktop.ui.single_instance import SingleInstance, notify_running, server_name
from stock_tracker_desktop.ui.unlock import open_core

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
    core = await _unlock(home, passphrase)
    if core is None:
        return EXIT_FAILED
    configure_logging(core.home)
    error_dialog.install(asyncio.get_running_loop())
    closed = False
    try:
        settings = await core.settings()
        apply_language(app, settings.language)
        await core.start_scheduler()
        # In a team: push, pull and heartbeat in the background; the window hears each cycle.
        if await core.team.start():
            log.info("in a team: pushing and pulling in the background (docs/team.md)")
        core.licence.start()  # confirmed once a day, heartbeats as the licence's policy asks
        window = MainWindow(core, settings, tray_available=QSystemTrayIcon.isSystemTrayAvailable())
        instance.raise_requested.connect(window.bring_to_front)
        done = asyncio.get_running_loop().create_future()

        def finish() -> None:
            if not done.done():
                done.set_result(None)

        window.quit_requested.connect(finish)
        window.rotate_requested.connect(lambda: spawn(rotate_key(core, window), name="rotate"))
        app.aboutToQuit.connect(finish)  # the session ends (log-out): shut down cleanly too
        window.show()
        await window.reload()
        freeze_startup_objects()
        if sync_on_start:
            window.sync_all()
        await done
        window.quitting = True
        window.hide()
        await core.aclose()
        closed = True
        window.deleteLater()
        return EXIT_OK
    finally:
        if not closed:
            await core.aclose()
        core.close()


async def _unlock(home: Path, passphrase: PassphraseProvider | None) -> AppCore | None:
    if passphrase is not None:
        try:
            return await asyncio.to_thread(AppCore.open, passphrase, home)
        except WrongPassphrase:
            pass  # the given one does not fit this vault: ask the user
    return await open_core(home)


async def rotate_key(core: AppCore, window: MainWindow) -> None:
    """Rotate the master key with the window open. Refused, with who has it open, while another
    process uses the installation (the file is replaced); the syncs running here are cancelled
    and recorded first, the schedules go on afterwards."""
    try:
        await core.may_rotate()
        backup = await core.rotate_key()
    except InstallationBusy as busy:
        show_rotation_refused(window, busy)
        return
    log.info("master key rotated from the settings; backup before it: %s", backup.name)
    window.rotation_done(backup)
    await window.reload()
