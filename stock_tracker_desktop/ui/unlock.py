"""Opening the installation from the window: the passphrase dialog when the vault needs one,
a clear message (and another try) on a wrong passphrase."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QMessageBox

from stock_tracker_desktop.core import (
    AppCore,
    DatabaseError,
    KeystoreError,
    MigrationFailed,
    PassphraseRequired,
    WrongPassphrase,
    keyring_status,
    vault_exists,
)
from stock_tracker_desktop.package_data import PackageDataMissing
from stock_tracker_desktop.ui.async_qt import run_dialog
from stock_tracker_desktop.ui.passphrase_dialog import PassphraseDialog


async def open_core(home: Path) -> AppCore | None:
    """The opened installation, or None when the user gave up or it cannot be opened (the
    reason was shown). Opening runs off the GUI thread: scrypt and migrations take a moment."""
    try:
        if keyring_status().usable:
            try:
                return await asyncio.to_thread(AppCore.open, lambda: None, home)
            except PassphraseRequired:
                pass  # this vault was created with a passphrase; ask for it below
        return await _open_with_passphrase(home)
    except (KeystoreError, DatabaseError, MigrationFailed, PackageDataMissing) as exc:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("Unlock", "Stock Tracker cannot start"),
            QCoreApplication.translate("Unlock", "The data in %1 cannot be opened.").replace(
                "%1", str(home)
            ),
        )
        box.setInformativeText(str(exc))
        await run_dialog(box)
        return None


async def _open_with_passphrase(home: Path) -> AppCore | None:
    first_run = not vault_exists(home)
    error = ""
    while True:
        dialog = PassphraseDialog(first_run=first_run)
        if error:
            dialog.show_error(error)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        provider = _fixed(dialog.passphrase())
        dialog.deleteLater()
        try:
            return await asyncio.to_thread(AppCore.open, provider, home)
        except WrongPassphrase:
            error = QCoreApplication.translate(
                "Unlock", "That passphrase is wrong. Check Caps Lock and the keyboard layout."
            )


def _fixed(secret: str) -> Callable[[], str]:
    return lambda: secret
