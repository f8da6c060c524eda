"""The editor's Google Sheet row: load a service-account key, test access, save it encrypted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from stock_tracker_desktop.core import AppCore
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.ui.tenant_editor import TenantEditor
from tests.fake_sheets import RunningGoogle
from tests.ui.conftest import Run, until


def test_new_seller_key_and_sheet_access(
    qapp: QApplication,
    core: AppCore,
    sim: RunningSimulator,
    google: RunningGoogle,
    run: Run[Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STOCK_TRACKER_GOOGLE_BASE_URL", google.base_url)
    account = "exports@agency.iam.gserviceaccount.com"
    key_file = tmp_path / "key.json"
    key_file.write_text(google.fake.add_account(account))
    shared = google.fake.add_spreadsheet("Остатки Ромашки", shared={account: "writer"})
    private = google.fake.add_spreadsheet("Someone else's")
    editor = TenantEditor(core)
    editor.name.setText("Ромашка")
    editor.token.setText(sim.world.sellers[0].wb_token)
    assert editor.load_service_account(key_file)
    assert editor.account_label.text() == account

    async def scenario() -> None:
        editor.sheet.setText(f"https://docs.google.com/spreadsheets/d/{private}/edit#gid=0")
        editor.check_sheet()
        await until(lambda: editor.test_access.isEnabled(), what="the check to finish")
        assert "share it with" in editor.sheet_result.text()
        assert account in editor.sheet_result.text()
        editor.sheet.setText(shared)
        editor.check_sheet()
        await until(lambda: editor.test_access.isEnabled(), what="the second check")
        assert "Остатки Ромашки" in editor.sheet_result.text()
        editor.save()
        await until(lambda: editor.tenant is not None, what="the save")

    run(scenario())
    stored = TenantService(core._ctx).get("Ромашка")
    assert stored.marketplace is Marketplace.WILDBERRIES
    assert stored.service_account_email == account
    assert stored.overrides["google_sheet"] == shared
    stored_key = TenantService(core._ctx).credentials("Ромашка")["google_service_account"]
    assert "private_key" in stored_key


def test_a_file_that_is_not_a_key_is_refused(
    qapp: QApplication, core: AppCore, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"type": "service_account"}')
    editor = TenantEditor(core)
    assert not editor.load_service_account(bad)
    assert "client_email and private_key" in editor.sheet_result.text()
