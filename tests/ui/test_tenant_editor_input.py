"""The seller editor and bad input: credentials the marketplace refuses are saved only when the
user confirms, key files are read as every user file is, and the new-vault passphrase needs 8
characters, in English and in Russian."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui import i18n
from stock_tracker_desktop.ui.passphrase_dialog import PassphraseDialog
from stock_tracker_desktop.ui.tenant_editor import TenantEditor
from tests.support.tokens import wb_token
from tests.ui.conftest import Run, until

WRONG_OZON_KEY = "00000000-0000-4000-8000-000000000000"


def _type_credentials(editor: TenantEditor, sim: RunningSimulator, marketplace: str) -> None:
    """A WB token the simulator rejects, or a wrong Ozon Api-Key for a real Client-Id."""
    editor.name.setText("Refused shop")
    if marketplace == "wildberries":
        editor.token.setText(wb_token())  # well formed, but not signed by the marketplace
    else:
        editor.marketplace.setCurrentIndex(editor.marketplace.findData(Marketplace.OZON))
        editor.client_id.setText(sim.world.sellers[0].ozon_client_id)
        editor.api_key.setText(WRONG_OZON_KEY)
    assert editor.save_button.isEnabled(), editor.problems.text()  # fine offline


async def _check(editor: TenantEditor) -> None:
    editor.check_connection()
    await until(lambda: editor.check_button.isEnabled(), what="the connection check")


async def _answer_refusal(editor: TenantEditor, button: QMessageBox.StandardButton) -> None:
    editor.refused_box = None
    editor.save()
    await until(lambda: editor.refused_box is not None, what="the question")
    box = editor.refused_box
    assert box is not None and box.isVisible()
    box.button(button).click()


@pytest.mark.parametrize("marketplace", ["wildberries", "ozon"])
def test_refused_credentials_are_saved_only_when_confirmed(
    qapp: QApplication, core: AppCore, sim: RunningSimulator, run: Run[Any], marketplace: str
) -> None:
    editor = TenantEditor(core)
    _type_credentials(editor, sim, marketplace)

    async def scenario() -> None:
        await _check(editor)
        assert editor.check_result.text().startswith("The marketplace refused these credentials")
        assert "HTTP 40" in editor.check_result.text()  # what the marketplace said
        await _answer_refusal(editor, QMessageBox.StandardButton.Cancel)
        await until(lambda: editor.save_button.isEnabled(), what="the editor to be back")
        assert editor.tenant is None
        assert await core.tenants() == []
        await _answer_refusal(editor, QMessageBox.StandardButton.Save)
        await until(lambda: editor.tenant is not None, what="the save")

    run(scenario())
    assert [t.name for t in TenantService(core._ctx).all()] == ["Refused shop"]


def test_credentials_typed_after_a_refusal_are_saved_without_asking(
    qapp: QApplication, core: AppCore, sim: RunningSimulator, run: Run[Any]
) -> None:
    editor = TenantEditor(core)
    _type_credentials(editor, sim, "wildberries")

    async def scenario() -> None:
        await _check(editor)
        editor.token.setText(sim.world.sellers[0].wb_token)
        editor.save()
        await until(lambda: editor.tenant is not None, what="the save")

    run(scenario())
    assert editor.refused_box is None
    assert TenantService(core._ctx).get("Refused shop").marketplace is Marketplace.WILDBERRIES


def test_a_name_with_a_direction_override_cannot_be_saved(
    qapp: QApplication, core: AppCore, qtbot: Any
) -> None:
    editor = TenantEditor(core)
    qtbot.addWidget(editor)
    editor.show()
    editor.token.setText(wb_token())
    editor.name.setText("Acme\u202egnp.exe")
    assert not editor.save_button.isEnabled()
    assert "text-direction control" in editor.problems.text()
    editor.name.setText("Acme")
    assert editor.save_button.isEnabled()


def _key(path: Path, encoding: str) -> Path:
    key = {"type": "service_account", "client_email": "bot@x.iam.gserviceaccount.com"}
    key["private_key"] = "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n"
    path.write_bytes(json.dumps(key, ensure_ascii=False).encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251", "utf-16"])
def test_a_key_saved_by_notepad_is_read(
    qapp: QApplication, core: AppCore, tmp_path: Path, encoding: str
) -> None:
    editor = TenantEditor(core)
    assert editor.load_service_account(_key(tmp_path / "key.json", encoding))
    assert editor.account_label.text() == "bot@x.iam.gserviceaccount.com"


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _binary(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return path


@pytest.mark.parametrize(
    ("make", "said", "russian"),
    [
        (lambda _p: Path("/dev/zero"), "zero is not a regular file", "zero — не обычный файл"),
        (_fifo, "key.json is not a regular file", "key.json — не обычный файл"),
        (_binary, "key.json is not a text file", "key.json — не текстовый файл"),
        (lambda p: p, "key.json does not exist", "key.json не существует"),
    ],
    ids=["dev-zero", "fifo", "binary", "missing"],
)
def test_a_key_path_that_is_no_key_file_is_refused_quickly(
    qapp: QApplication,
    core: AppCore,
    tmp_path: Path,
    make: Any,
    said: str,
    russian: str,
) -> None:
    path = make(tmp_path / "key.json")
    editor = TenantEditor(core)
    assert not editor.load_service_account(path)
    assert editor.sheet_result.text().startswith(said)
    try:
        assert i18n.install_translators(qapp, "ru")
        in_russian = TenantEditor(core)
        assert not in_russian.load_service_account(path)
        assert in_russian.sheet_result.text().startswith(russian)
    finally:
        i18n.install_translators(qapp, "en")


def test_a_new_vaults_passphrase_needs_8_characters_in_both_languages(
    qapp: QApplication, qtbot: Any
) -> None:
    try:
        for language, said in (("en", "Use at least 8 characters."), ("ru", "Не меньше 8")):
            i18n.install_translators(qapp, language)
            dialog = PassphraseDialog(first_run=True)
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.keyClicks(dialog.passphrase_field, "seven77")
            qtbot.keyClicks(dialog.repeat_field, "seven77")
            assert not dialog.ok_button.isEnabled()
            assert dialog.message.isVisible() and dialog.message.text().startswith(said)
            qtbot.keyClicks(dialog.passphrase_field, "8")
            qtbot.keyClicks(dialog.repeat_field, "8")
            assert dialog.ok_button.isEnabled() and not dialog.message.isVisible()
    finally:
        i18n.install_translators(qapp, "en")
