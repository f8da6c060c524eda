"""A tenant's configured exports run after each sync; one that fails leaves the run partly
succeeded with the reason, and the snapshot saved."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from stock_tracker_desktop.services import agency, vault_service
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import TenantChanges, TenantService
from stock_tracker_desktop.simulator import RunningSimulator
from stock_tracker_desktop.storage import snapshots
from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository, Trigger
from stock_tracker_desktop.sync.engine import SyncEngine
from tests.fake_sheets import RunningGoogle
from tests.support.cli import run_cli
from tests.sync.conftest import add_wb


@pytest.fixture
def google(
    make_google: Callable[..., RunningGoogle], monkeypatch: pytest.MonkeyPatch
) -> RunningGoogle:
    """A fake Google that this process's exports are routed to."""
    running = make_google(time_factor=0.01)
    monkeypatch.setenv("STOCK_TRACKER_GOOGLE_BASE_URL", running.base_url)
    return running


async def _sync_one(ctx: AppContext, name: str) -> RunStatus | None:
    engine = SyncEngine(ctx)
    try:
        return (await engine.sync([name]))[0].status
    finally:
        await engine.aclose()


async def test_sheet_and_files_are_written_after_the_sync(
    ctx: AppContext,
    sim: RunningSimulator,
    google: RunningGoogle,
    tmp_path: Path,
) -> None:
    account = "exports@agency.iam.gserviceaccount.com"
    key = google.fake.add_account(account)
    book = google.fake.add_spreadsheet("Acme", shared={account: "writer"})
    add_wb(ctx, sim.world.sellers[0], "Acme")
    TenantService(ctx).edit(
        "Acme",
        TenantChanges(
            service_account_json=key,
            overrides={
                "google_sheet": f"https://docs.google.com/spreadsheets/d/{book}/edit",
                "export_folder": str(tmp_path / "out"),
                "export_formats": ["csv", "xlsx"],
            },
        ),
    )
    assert await _sync_one(ctx, "Acme") is RunStatus.SUCCEEDED
    run = SyncRunRepository(ctx.database).history()[0]
    assert "export" in [stage.stage for stage in run.stages]
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert written == [".csv", ".xlsx"]
    tenant = TenantService(ctx).get("Acme")
    current = snapshots.current_snapshot(ctx.database, tenant.id)
    assert current is not None
    levels = snapshots.stock_levels(ctx.database, current.id)
    csv_file = next((tmp_path / "out").glob("*.csv"))
    with csv_file.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(levels)
    sheet = google.fake.books[book]
    assert any(len(s.grid()) > 2 for s in sheet.sheets)


async def test_an_export_that_fails_leaves_the_run_partly_succeeded(
    ctx: AppContext,
    sim: RunningSimulator,
    google: RunningGoogle,
) -> None:
    account = "exports@agency.iam.gserviceaccount.com"
    key = google.fake.add_account(account)
    book = google.fake.add_spreadsheet("Not shared")
    add_wb(ctx, sim.world.sellers[0], "Acme")
    TenantService(ctx).edit(
        "Acme", TenantChanges(service_account_json=key, overrides={"google_sheet": book})
    )
    assert await _sync_one(ctx, "Acme") is RunStatus.PARTLY_SUCCEEDED
    run = SyncRunRepository(ctx.database).history()[0]
    assert run.error_stage == "export"
    assert account in run.error_message
    assert "share it with" in run.error_message
    tenant = TenantService(ctx).get("Acme")
    assert snapshots.current_snapshot(ctx.database, tenant.id) is not None


def test_export_command_writes_files(sim: RunningSimulator, tmp_path: Path) -> None:
    env = {
        "STOCK_TRACKER_WB_BASE_URL": sim.base_url,
        "STOCK_TRACKER_TIME_FACTOR": "0.01",
        "T": sim.world.sellers[0].wb_token,
    }
    run_cli(
        "tenants",
        "add",
        "--name",
        "Acme",
        "--marketplace",
        "wildberries",
        "--token-env",
        "T",
        env=env,
    )
    nothing = run_cli("export", "csv", "--tenant", "Acme", "--out", str(tmp_path), env=env)
    assert nothing.returncode == 1
    assert "sync first" in nothing.stderr
    assert run_cli("sync", "--tenant", "Acme", env=env).returncode == 0
    result = run_cli(
        "export", "csv", "--tenant", "Acme", "--out", str(tmp_path), "--excel", env=env
    )
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.strip())
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's BOM
    assert ";" in written.read_text(encoding="utf-8-sig").splitlines()[0]
    xlsx = run_cli("export", "xlsx", "--all", "--out", str(tmp_path / "all.xlsx"), env=env)
    assert xlsx.returncode == 0, xlsx.stderr
    assert (tmp_path / "all.xlsx").stat().st_size > 0


async def test_the_agency_default_key_serves_sellers_without_their_own(
    ctx: AppContext,
    sim: RunningSimulator,
    google: RunningGoogle,
) -> None:
    account = "agency@agency.iam.gserviceaccount.com"
    key = google.fake.add_account(account)
    assert agency.set_default_service_account(ctx, key) == account
    vault_service.rotate(ctx)  # the default key is re-encrypted with everything else
    assert agency.default_service_account(ctx) == key.strip()
    book = google.fake.add_spreadsheet("Acme", shared={account: "writer"})
    add_wb(ctx, sim.world.sellers[0], "Acme")
    TenantService(ctx).edit("Acme", TenantChanges(overrides={"google_sheet": book}))
    assert await _sync_one(ctx, "Acme") is RunStatus.SUCCEEDED
    assert any(len(s.grid()) > 2 for s in google.fake.books[book].sheets)


def test_default_service_account_command(tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    key.write_text(
        '{"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com",'
        ' "private_key": "-----BEGIN PRIVATE KEY-----\\nAAA\\n-----END PRIVATE KEY-----"}'
    )
    result = run_cli("settings", "service-account", str(key))
    assert result.returncode == 0, result.stderr
    assert "a@b.iam.gserviceaccount.com" in result.stdout
    shown = run_cli("settings", "show", "--json")
    assert '"default_service_account": "a@b.iam.gserviceaccount.com"' in shown.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = run_cli("settings", "service-account", str(bad))
    assert refused.returncode == 2
    assert "client_email and private_key" in refused.stderr
    assert run_cli("settings", "service-account", "--clear").returncode == 0


async def test_a_scheduled_run_exports_thirty_sheets_within_the_quota(
    ctx: AppContext, point_clients_at: Callable[..., RunningSimulator], google: RunningGoogle
) -> None:
    sim = point_clients_at(seed=30, sellers=30, products=5, time_factor=0.01)
    account = "exports@agency.iam.gserviceaccount.com"
    key = google.fake.add_account(account)
    agency.set_default_service_account(ctx, key)
    for index, seller in enumerate(sim.world.sellers):
        name = f"Seller {index:02d}"
        add_wb(ctx, seller, name)
        book = google.fake.add_spreadsheet(name, shared={account: "writer"})
        TenantService(ctx).edit(name, TenantChanges(overrides={"google_sheet": book}))
    engine = SyncEngine(ctx, concurrency=30)
    try:
        results = await engine.sync(trigger=Trigger.SCHEDULE)
    finally:
        await engine.aclose()
    assert [r.status for r in results] == [RunStatus.SUCCEEDED] * 30
    assert {entry.status for entry in google.fake.log} == {200}
    assert len(google.fake.requests("write")) == 30
    for kind in ("read", "write"):
        assert google.fake.busiest_window(account, kind) <= 60
