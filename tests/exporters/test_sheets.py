"""The Google Sheets export against the local fake Google (tests/fake_sheets.py)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.exporters.sheets import SheetsError, SheetTarget
from stock_tracker_desktop.exporters.sheets_pacer import SheetsQuota
from stock_tracker_desktop.exporters.texts import warehouse_headers, wide_headers
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.exports import check_sheet_access, export_sheet
from stock_tracker_desktop.services.tenants import TenantService
from tests.exporters.conftest import add_tenant, write_demo_snapshot
from tests.exporters.expected import snapshot_of, total_days, truth
from tests.fake_sheets import FakeSheet, RunningGoogle

TIME_FACTOR = 0.01
QUOTA = SheetsQuota(time_factor=TIME_FACTOR)
HEADER_BLUE = {"red": 0x66 / 255, "green": 0x79 / 255, "blue": 0xEB / 255}
LOW_RED = {"red": 0xF4 / 255, "green": 0xCC / 255, "blue": 0xCC / 255}


def _account() -> str:
    # pacers are process-wide per account: a fresh account keeps tests independent
    return f"exporter-{uuid.uuid4().hex[:8]}@agency-project.iam.gserviceaccount.com"


def _seller_sheet(
    ctx: AppContext,
    google: RunningGoogle,
    name: str,
    *,
    products: int = 20,
    role: str | None = "writer",
    sheets: tuple[str, ...] = (),
    account: str | None = None,
    key: str | None = None,
) -> tuple[str, str]:
    """A tenant with a snapshot and a spreadsheet; returns (spreadsheet id, account e-mail)."""
    account = account or _account()
    key = key or google.fake.add_account(account)
    shared = {account: role} if role else {}
    sheet_id = google.fake.add_spreadsheet(f"{name} остатки", shared=shared, sheets=sheets)
    link = f"https://docs.google.com/spreadsheets/d/{sheet_id}/edit#gid=0"
    tenant = add_tenant(ctx, name, service_account_json=key, overrides={"google_sheet": link})
    write_demo_snapshot(ctx, tenant, products=products, seed=len(name))
    return sheet_id, account


def _expected_grid(ctx: AppContext, name: str, language: str) -> tuple[list[list[Any]], set]:
    info, levels = snapshot_of(ctx, name)
    products = truth(levels)
    labels = sorted({label for p in products.values() for label in p.places})
    labels.sort(key=lambda s: (s.split(" (")[0], s))
    first: list[Any] = ["Product", None, None, None, "All warehouses", None, None, None, None]
    if language == "ru":
        first[0], first[4] = "Товар", "Все склады"
    second = list(wide_headers(language, Marketplace.WILDBERRIES, info.window_days))  # type: ignore[arg-type]
    for label in labels:
        first += [label, None, None]
        second += list(warehouse_headers(language))  # type: ignore[arg-type]
    rows, red = [first, second], set()
    for product_id, product in products.items():
        days = total_days(product, info.window_days)
        number = int(product_id) if not product_id.startswith("0") else product_id
        row = [product.brand, product.subject, product.vendor_code, number, product.to_customers,
               product.returns, product.orders, product.stock, days]  # fmt: skip
        if days is not None and (days <= 14 or (product.stock == 0 and product.orders)):
            red.add((len(rows), 8))
        for i, label in enumerate(labels):
            figures = product.places.get(label)
            row += list(figures[:3]) if figures else [None, None, None]
            if figures and figures[3] and figures[2] is not None:
                red.add((len(rows), 11 + i * 3))
        rows.append(row)
    return rows, red


def _check_grid(sheet: FakeSheet, expected: list[list[Any]], red: set) -> None:
    assert (sheet.rows, sheet.columns) == (len(expected), len(expected[0]))
    assert sheet.grid() == expected
    for r, row in enumerate(expected):
        for c, value in enumerate(row):
            got = sheet.value(r, c)
            assert type(got) is type(value) or (value is None and got is None), (r, c, got)
    assert sheet.frozen_rows == 2
    spans = sorted((m["startColumnIndex"], m["endColumnIndex"]) for m in sheet.merges)
    assert spans == [(0, 4), (4, 9)] + [(9 + 3 * i, 12 + 3 * i) for i in range(len(spans) - 2)]
    assert all((m["startRowIndex"], m["endRowIndex"]) == (0, 1) for m in sheet.merges)
    header = sheet.format(1, 0)
    assert header["backgroundColor"] == HEADER_BLUE
    assert header["textFormat"]["bold"] is True
    highlighted = {
        (r, c)
        for (r, c), cell in sheet.cells.items()
        if r >= 2 and cell.get("userEnteredFormat", {}).get("backgroundColor") == LOW_RED
    }
    assert highlighted == red
    assert red, "the demo snapshot has low stock"
    assert len(sheet.widths) == sheet.columns


async def test_5000_products_in_three_requests_cell_for_cell(
    ctx: AppContext, google: RunningGoogle
) -> None:
    sheet_id, account = _seller_sheet(ctx, google, "Большой магазин", products=5000)
    result = await export_sheet(
        ctx, "Большой магазин", language="ru", base_url=google.base_url, quota=QUOTA
    )
    assert [e.kind for e in google.fake.log] == ["token", "read", "write"]
    assert all(e.status == 200 and e.account == account for e in google.fake.log)
    assert result.requests == 3 and result.created and result.backup is None
    assert result.products == 5000
    book = google.fake.book(sheet_id)
    assert [s.title for s in sorted(book.sheets, key=lambda s: s.index)] == ["Sheet1", "Остатки"]
    assert book.sheet("Sheet1").cells == {}
    expected, red = _expected_grid(ctx, "Большой магазин", "ru")
    _check_grid(book.sheet("Остатки"), expected, red)


async def test_second_export_rewrites_in_place_without_backup(
    ctx: AppContext, google: RunningGoogle
) -> None:
    sheet_id, _ = _seller_sheet(ctx, google, "Shop", products=30)
    first = await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    write_demo_snapshot(ctx, TenantService(ctx).get("Shop"), products=8, seed=99)  # newer, smaller
    second = await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    assert first.created and not second.created and second.backup is None
    book = google.fake.book(sheet_id)
    assert sorted(s.title for s in book.sheets) == ["Sheet1", "Stock"]
    expected, red = _expected_grid(ctx, "Shop", "en")
    assert len(expected) < 32
    _check_grid(book.sheet("Stock"), expected, red)


async def test_foreign_content_is_backed_up_and_other_sheets_untouched(
    ctx: AppContext, google: RunningGoogle
) -> None:
    sheet_id, _ = _seller_sheet(ctx, google, "Shop", sheets=("Notes", "Stock"))
    book = google.fake.book(sheet_id)
    notes, old = book.sheet("Notes"), book.sheet("Stock")
    notes.cells[(0, 0)] = {"userEnteredValue": {"stringValue": "call the buyer"}}
    for c in range(30):
        old.cells[(5, c)] = {"userEnteredValue": {"numberValue": c}}
    old.merges.append({"sheetId": old.sheet_id, "startRowIndex": 1, "endRowIndex": 3,
                       "startColumnIndex": 0, "endColumnIndex": 2})  # fmt: skip
    old_cells = dict(old.cells)
    result = await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    assert result.backup is not None and result.backup.startswith("Stock (backup ")
    assert len(google.fake.log) == 3
    book = google.fake.book(sheet_id)
    assert book.sheet("Notes").cells == {
        (0, 0): {"userEnteredValue": {"stringValue": "call the buyer"}}
    }
    assert book.sheet(result.backup).cells == old_cells
    assert len(book.sheet(result.backup).merges) == 1
    expected, red = _expected_grid(ctx, "Shop", "en")
    _check_grid(book.sheet("Stock"), expected, red)
    again = await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    assert again.backup is None
    assert len(google.fake.book(sheet_id).sheets) == 3


async def test_not_shared_says_so_with_the_email(ctx: AppContext, google: RunningGoogle) -> None:
    _, account = _seller_sheet(ctx, google, "Shop", role=None)
    with pytest.raises(SheetsError) as caught:
        await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    message = str(caught.value)
    assert "not shared with the service account" in message
    assert f"share it with {account} as an editor" in message
    assert not caught.value.retryable


async def test_viewer_access_is_not_enough(ctx: AppContext, google: RunningGoogle) -> None:
    sheet_id, account = _seller_sheet(ctx, google, "Shop", role="reader")
    with pytest.raises(SheetsError, match=f"not edit it: share it with {account} as an editor"):
        await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    assert [s.title for s in google.fake.book(sheet_id).sheets] == ["Sheet1"]


async def test_server_errors_are_retried(ctx: AppContext, google: RunningGoogle) -> None:
    sheet_id, _ = _seller_sheet(ctx, google, "Shop")
    google.fake.faults.extend([503, 500])
    result = await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    assert result.retries == 2
    assert [e.status for e in google.fake.requests("read")] == [503, 500, 200]
    assert google.fake.book(sheet_id).sheet("Stock").value(2, 0) is not None


async def test_a_key_google_does_not_know_is_refused_without_leaking_it(
    ctx: AppContext, google: RunningGoogle
) -> None:
    account = _account()
    google.fake.add_account(account)
    forged = json.loads(google.fake.add_account("someone-else@x.iam.gserviceaccount.com"))
    forged["client_email"] = account  # signed with a key Google never issued to this account
    _seller_sheet(ctx, google, "Shop", account=account, key=json.dumps(forged))
    with pytest.raises(SheetsError) as caught:
        await export_sheet(ctx, "Shop", base_url=google.base_url, quota=QUOTA)
    assert f"refused the key of service account {account}" in str(caught.value)
    assert "PRIVATE KEY" not in str(caught.value) and forged["private_key_id"] not in str(
        caught.value
    )


async def test_check_access_gives_the_title(ctx: AppContext, google: RunningGoogle) -> None:
    _seller_sheet(ctx, google, "Shop", role="reader")
    title = await check_sheet_access(ctx, "Shop", base_url=google.base_url)
    assert title == "Shop остатки"


async def test_thirty_tenants_under_one_account_stay_within_quota(
    ctx: AppContext, make_google: Any
) -> None:
    """A scheduled run exporting 30 sheets at once: Google's 60 reads and 60 writes per minute
    hold, and with a quota of 10 per minute the exporter paces itself instead of meeting 429s."""
    for per_minute in (60, 10):
        google = make_google(time_factor=TIME_FACTOR, per_minute=per_minute)
        account = _account()
        key = google.fake.add_account(account)
        names = [f"Seller {per_minute}-{i:02d}" for i in range(30)]
        for name in names:
            _seller_sheet(ctx, google, name, products=5, account=account, key=key)
        quota = SheetsQuota(reads=per_minute, writes=per_minute, time_factor=TIME_FACTOR)
        started = time.monotonic()
        results = await asyncio.gather(
            *(export_sheet(ctx, n, base_url=google.base_url, quota=quota) for n in names)
        )
        elapsed = time.monotonic() - started
        assert all(r.retries == 0 and r.created for r in results)
        assert {e.status for e in google.fake.log} == {200}
        assert len(google.fake.requests("write")) == 30
        for kind in ("read", "write"):
            assert google.fake.busiest_window(account, kind) <= per_minute
        if per_minute == 10:  # 30 writes at 10 per window need two full windows of waiting
            assert elapsed >= 2 * 60 * TIME_FACTOR


async def test_quota_refusals_from_elsewhere_are_retried(ctx: AppContext, make_google: Any) -> None:
    """Another program spending the same account's quota: the fake answers 429 and the
    exporter backs off until the window frees, so no export fails."""
    google = make_google(time_factor=TIME_FACTOR, per_minute=4)
    account = _account()
    key = google.fake.add_account(account)
    names = [f"Seller {i}" for i in range(6)]
    for name in names:
        _seller_sheet(ctx, google, name, products=3, account=account, key=key)
    unpaced = SheetsQuota(reads=1000, writes=1000, time_factor=TIME_FACTOR)
    results = await asyncio.gather(
        *(export_sheet(ctx, n, base_url=google.base_url, quota=unpaced) for n in names)
    )
    assert sum(r.retries for r in results) > 0
    assert 429 in {e.status for e in google.fake.log}
    assert len([e for e in google.fake.requests("write") if e.status == 200]) == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://docs.google.com/spreadsheets/d/1AbC-dEf_0123456789xyzXYZ/edit#gid=0",
         "1AbC-dEf_0123456789xyzXYZ"),
        ("  1AbC-dEf_0123456789xyzXYZ  ", "1AbC-dEf_0123456789xyzXYZ"),
        ("docs.google.com/spreadsheets/d/1AbC-dEf_0123456789xyzXYZ", "1AbC-dEf_0123456789xyzXYZ"),
    ],
)  # fmt: skip
def test_sheet_target_parses_links_and_ids(text: str, expected: str) -> None:
    assert SheetTarget.parse(text).spreadsheet_id == expected


def test_sheet_target_refuses_nonsense() -> None:
    with pytest.raises(SheetsError, match="neither a Google Sheets link nor a spreadsheet id"):
        SheetTarget.parse("my sheet")
