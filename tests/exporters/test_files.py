"""CSV and XLSX exports re-read with the csv module and openpyxl give back the snapshot exactly."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.exporters.texts import long_headers, wide_headers
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.exports import NoSnapshot, export_files
from tests.exporters.conftest import add_tenant, write_demo_snapshot
from tests.exporters.expected import expected_long, snapshot_of, total_days, truth

ISSUE_HEADER = (
    "tenant,marketplace,product_id,vendor_code,name,brand,subject,warehouse,warehouse_type,stock,"
    "in_transit_to_customers,in_transit_returns,orders,days_of_stock,low_stock,snapshot_at"
)


def _two_tenants(ctx: AppContext) -> list[str]:
    write_demo_snapshot(ctx, add_tenant(ctx, "Магазин «Ёлка»"), products=30, seed=3)
    write_demo_snapshot(ctx, add_tenant(ctx, "Ozon; shop", Marketplace.OZON), products=12, seed=4)
    return ["Магазин «Ёлка»", "Ozon; shop"]


def _parse_csv_row(row: list[str], decimal: str) -> tuple[Any, ...]:
    days = float(row[13].replace(decimal, ".")) if row[13] else None
    numbers = tuple(int(v) for v in row[9:13])
    return (*row[:9], *numbers, days, int(row[14]), row[15])


@pytest.mark.parametrize("excel", [False, True])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_csv_round_trip(ctx: AppContext, tmp_path: Path, language: str, excel: bool) -> None:
    names = _two_tenants(ctx)
    path = export_files(ctx, names, "csv", tmp_path / "out.csv", excel=excel, language=language)  # type: ignore[arg-type]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == excel
    assert b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";" if excel else ","))
    assert tuple(rows[0]) == long_headers(language)  # type: ignore[arg-type]
    if language == "en":
        assert text.splitlines()[0] == (ISSUE_HEADER.replace(",", ";") if excel else ISSUE_HEADER)
    decimal = "," if excel else "."
    parsed = [_parse_csv_row(row, decimal) for row in rows[1:]]
    assert parsed == expected_long(ctx, names)
    # days of stock: empty without orders, decimal separator as chosen, never a thousands mark
    assert any(r[13] == "" for r in rows[1:])
    assert all("." not in r[13] for r in rows[1:]) if excel else True
    assert any(decimal in r[13] for r in rows[1:])
    assert rows[1][15].endswith("+03:00")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_xlsx_round_trip(ctx: AppContext, tmp_path: Path, language: str) -> None:
    names = _two_tenants(ctx)
    path = export_files(ctx, names, "xlsx", tmp_path, language=language)  # type: ignore[arg-type]
    assert path.parent == tmp_path and path.suffix == ".xlsx"
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 4  # a wide sheet per tenant, the long form, the facts
    assert book.sheetnames[:2] == names
    long_sheet = book.worksheets[2]
    values = list(long_sheet.iter_rows(values_only=True))
    assert values[0] == long_headers(language)  # type: ignore[arg-type]
    # XLSX has no empty text distinct from an empty cell: the "" warehouse reads back as None
    text_columns = {*range(9), 15}
    reread = [
        tuple("" if v is None and i in text_columns else v for i, v in enumerate(r))
        for r in values[1:]
    ]
    assert reread == expected_long(ctx, names)
    facts = list(book.worksheets[3].iter_rows(values_only=True))
    info, _ = snapshot_of(ctx, names[0])
    assert facts[1][:3] == (names[0], "wildberries", info.taken_at.astimezone(MOSCOW).isoformat())
    assert facts[1][5:7] == (7, 14.0)
    assert "POST /content/v2/get/cards/list" in facts[1][9]
    assert "POST /v3/product/list" in facts[2][9]
    for sheet, name in zip(book.worksheets[:2], names, strict=True):
        _check_wide_sheet(ctx, sheet, name, language)


def _check_wide_sheet(ctx: AppContext, sheet: Any, name: str, language: str) -> None:
    info, levels = snapshot_of(ctx, name)
    marketplace = Marketplace.WILDBERRIES if name.startswith("Магазин") else Marketplace.OZON
    rows = list(sheet.iter_rows(values_only=True))
    headers = wide_headers(language, marketplace, 7)  # type: ignore[arg-type]
    assert rows[1][:9] == headers
    assert sheet.freeze_panes == "A3"
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    labels = [rows[0][c] for c in range(9, len(rows[0]), 3)]
    assert labels == sorted(labels, key=lambda s: (s.split(" (")[0], s))
    assert len(merged) == 2 + len(labels)
    header = sheet.cell(row=2, column=1)
    assert header.font.bold and header.font.color.rgb.endswith("FFFFFF")
    assert header.fill.start_color.rgb.endswith("6679EB")
    expected = truth(levels)
    assert len(rows) - 2 == len(expected)
    for r, row in enumerate(rows[2:], start=3):
        product_id = str(row[3])
        product = expected[product_id]
        assert row[:3] == (product.brand, product.subject, product.vendor_code)
        assert row[4:9] == (
            product.to_customers,
            product.returns,
            product.orders,
            product.stock,
            total_days(product, info.window_days),
        )
        for i, label in enumerate(labels):
            figures = product.places.get(label)
            cells = row[9 + i * 3 : 12 + i * 3]
            assert cells == (figures[:3] if figures else (None, None, None))
            red = sheet.cell(row=r, column=12 + i * 3).fill.start_color.rgb.endswith("F4CCCC")
            assert red == bool(figures and figures[3] and figures[2] is not None)
    ids = [row[3] for row in rows[2:]]
    assert any(isinstance(v, int) for v in ids)
    assert all(isinstance(v, str) for v in ids if str(v).startswith("0"))


def test_single_tenant_xlsx_uses_the_worksheet_name(ctx: AppContext, tmp_path: Path) -> None:
    write_demo_snapshot(ctx, add_tenant(ctx, "Solo"), products=3)
    path = export_files(ctx, ["Solo"], "xlsx", tmp_path / "solo.xlsx", language="ru")
    assert openpyxl.load_workbook(path).sheetnames == ["Остатки", "Построчно", "О выгрузке"]
    assert not list(tmp_path.glob(".*partial"))


def test_tenant_without_snapshot_is_named(ctx: AppContext, tmp_path: Path) -> None:
    write_demo_snapshot(ctx, add_tenant(ctx, "Synced"), products=2)
    add_tenant(ctx, "Never synced")
    with pytest.raises(NoSnapshot, match="Never synced"):
        export_files(ctx, ["Synced", "Never synced"], "csv", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
