"""The diagnostics zip: what support needs is there; no secret and no seller name is."""

from __future__ import annotations

import json
import logging
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.logs import configure_logging
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.diagnostics import export_diagnostics
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService
from stock_tracker_desktop.storage.sync_runs import (
    RunOutcome,
    RunStatus,
    SyncRunRepository,
    Trigger,
)
from tests.support.tokens import wb_token

PASSPHRASE = "correct horse battery staple 42"
OZON_KEY = "7a1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
KEY_BODY = "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC7"
SERVICE_ACCOUNT = json.dumps(
    {
        "type": "service_account",
        "client_email": "exporter@agency.iam.gserviceaccount.com",
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n",
    }
)
WB_NAME = "Romashka Textile"
OZON_NAME = "Vasilek Home"


@pytest.fixture
def locked_ctx(
    isolated_home: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    monkeypatch.setenv("STOCK_TRACKER_PASSPHRASE", PASSPHRASE)  # as a headless install gives it
    context = AppContext.open(lambda: PASSPHRASE, isolated_home)
    yield context
    context.close()


def _read_all(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_zip_has_what_support_needs_and_no_secret(locked_ctx: AppContext, tmp_path: Path) -> None:
    token = wb_token()
    service = TenantService(locked_ctx)
    wb = service.add(
        TenantDraft(
            name=WB_NAME,
            marketplace=Marketplace.WILDBERRIES,
            token=token,
            service_account_json=SERVICE_ACCOUNT,
            notes="call Ivan on +7 900 000-00-00",
        )
    ).tenant
    service.add(
        TenantDraft(
            name=OZON_NAME, marketplace=Marketplace.OZON, client_id="123456", api_key=OZON_KEY
        )
    )
    runs = SyncRunRepository(locked_ctx.database)
    run_id = uuid.uuid4()
    runs.start(wb.id, wb.name, Trigger.MANUAL, run_id)
    runs.finish(
        run_id,
        RunOutcome(status=RunStatus.FAILED, error_message=f"{WB_NAME}: rejected token={token}"),
    )
    configure_logging(locked_ctx.home)
    log = logging.getLogger("test.diagnostics")
    # Planted in the log file as they would be if a message slipped past the filter once.
    log_file = locked_ctx.home / "logs" / "stock-tracker.log"
    log.info("%s synced", OZON_NAME)
    with log_file.open("a", encoding="utf-8") as stream:
        stream.write(f"leaked Authorization: Bearer {token} api_key={OZON_KEY} {SERVICE_ACCOUNT}\n")
        stream.write(f"passphrase={PASSPHRASE}\n")

    written = export_diagnostics(locked_ctx, tmp_path / "out" / "diagnostics.zip")
    files = _read_all(written)

    assert {"versions.json", "settings.json", "vault.json", "database.json", "runs.json"} <= set(
        files
    )
    assert "logs/stock-tracker.log" in files
    everything = "\n".join(files.values())
    for secret in (token, token.split(".")[1], OZON_KEY, KEY_BODY, PASSPHRASE, WB_NAME, OZON_NAME):
        assert secret not in everything, secret
    assert "+7 900" not in everything and "exporter@agency" not in everything
    assert "horse battery" not in everything  # redaction by shape alone masks only "correct"

    versions = json.loads(files["versions.json"])
    assert versions["app"] and versions["qt"] and versions["sqlcipher"].startswith("4.")
    database = json.loads(files["database.json"])
    assert database["integrity_check"] == "ok"
    assert database["revision"] == database["head"] and database["pending"] == []
    assert database["row_counts"]["tenants"] == 2 and database["row_counts"]["sync_runs"] == 1
    assert json.loads(files["vault.json"])["store"] == "passphrase"
    run = json.loads(files["runs.json"])[0]
    assert run["tenant"] == "seller-1" and run["status"] == "failed"
    assert run["error"]["message"].startswith("seller-1: rejected token=[redacted]")
    sellers = {s["seller"]: s for s in json.loads(files["sellers.json"])}
    assert sellers["seller-2"]["marketplace"] == "ozon"
    assert sellers["seller-1"]["exports_to_sheets"] is True
    assert "seller-2 synced" in files["logs/stock-tracker.log"]
