"""Text that looks like a formula reaches every spreadsheet as text, never as a formula.

Product names, brands, subjects, vendor codes, warehouse names and the seller's name come from
the marketplace or the user; a name such as ``=HYPERLINK(...)`` must not run in the seller's
Excel or Google Sheet. Numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from stock_tracker_desktop.exporters.cell_text import excel_csv_text, looks_like_formula
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.exports import export_files, export_sheet
from tests.exporters.conftest import (
    HOSTILE_TENANT,
    HOSTILE_TEXTS,
    HOSTILE_WAREHOUSES,
    VERTICAL_TAB,
    add_tenant,
    write_hostile_snapshot,
)
from tests.exporters.expected import expected_long
from tests.exporters.test_sheets import QUOTA, _account
from tests.fake_sheets import RunningGoogle

FORMULA_LIKE = frozenset((*HOSTILE_TEXTS, *HOSTILE_WAREHOUSES, HOSTILE_TENANT))
TEXT_COLUMNS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 15)
STOCK_COLUMN = 9


@pytest.fixture
def hostile(ctx: AppContext) -> str:
    write_hostile_snapshot(ctx, add_tenant(ctx, HOSTILE_TENANT))
    return HOSTILE_TENANT


def _negative_stock(expected: list[tuple[Any, ...]]) -> int:
    """The index of the level whose stock is -5 (the first product on the first warehouse)
    among the long form's rows, whatever their order."""
    return next(
        i
        for i, row in enumerate(expected)
        if row[2] == "200000" and row[7] == HOSTILE_WAREHOUSES[0]
    )


def _csv_rows(path: Path, *, excel: bool) -> list[list[str]]:
    # newline="" keeps a carriage return inside a quoted field as it is
    with path.open(encoding="utf-8-sig" if excel else "utf-8", newline="") as stream:
        return list(csv.reader(stream, delimiter=";" if excel else ","))


@pytest.mark.parametrize(
    "text",
    [*HOSTILE_TEXTS, *HOSTILE_WAREHOUSES, "=", "-", "\t", "\r", "+", "@"],
)
def test_formula_like_texts_are_recognised(text: str) -> None:
    assert looks_like_formula(text)
    assert excel_csv_text(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["", "Коледино", "5-й склад", " =1+1", "'=1+1", "Ёлка", VERTICAL_TAB, "\n=1"]
)
def test_plain_texts_are_left_alone(text: str) -> None:
    assert not looks_like_formula(text)
    assert excel_csv_text(text) == text


def test_plain_csv_keeps_every_text_exactly(ctx: AppContext, hostile: str, tmp_path: Path) -> None:
    path = export_files(ctx, [hostile], "csv", tmp_path / "plain.csv")
    rows = _csv_rows(path, excel=False)[1:]
    expected = expected_long(ctx, [hostile])
    assert len(rows) == len(expected) == 16
    for row, want in zip(rows, expected, strict=True):
        assert [row[i] for i in TEXT_COLUMNS] == [want[i] for i in TEXT_COLUMNS]
        assert row[STOCK_COLUMN] == str(want[STOCK_COLUMN])
    assert rows[_negative_stock(expected)][STOCK_COLUMN] == "-5"
    assert {row[4] for row in rows} >= set(HOSTILE_TEXTS)


def test_excel_csv_prefixes_an_apostrophe_to_formula_like_text(
    ctx: AppContext, hostile: str, tmp_path: Path
) -> None:
    path = export_files(ctx, [hostile], "csv", tmp_path / "excel.csv", excel=True)
    rows = _csv_rows(path, excel=True)[1:]
    expected = expected_long(ctx, [hostile])
    for row, want in zip(rows, expected, strict=True):
        for i in TEXT_COLUMNS:
            assert row[i] == ("'" + want[i] if want[i] in FORMULA_LIKE else want[i]), (i, row[i])
        assert row[STOCK_COLUMN] == str(want[STOCK_COLUMN])  # numbers carry no apostrophe
    assert rows[_negative_stock(expected)][STOCK_COLUMN] == "-5"
    assert rows[0][0] == "'" + HOSTILE_TENANT


def _xlsx_text(text: str) -> str:
    """What an XLSX can hold of a text: XML turns a carriage return into a line feed and
    cannot hold a vertical tab at all (the exporter writes a space)."""
    return text.replace("\r", "\n").replace("\x0b", " ")


def test_xlsx_holds_formula_like_text_as_text(
    ctx: AppContext, hostile: str, tmp_path: Path
) -> None:
    path = export_files(ctx, [hostile], "xlsx", tmp_path / "hostile.xlsx")
    book = openpyxl.load_workbook(path)
    as_text: dict[str, set[bool]] = {}  # each text shown, and whether its cells are quoted text
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    quoted = cell.data_type == "s" and bool(cell.quotePrefix)
                    as_text.setdefault(cell.value, set()).add(quoted)
    for text in FORMULA_LIKE:
        assert as_text[_xlsx_text(text)] == {True}, text
    assert as_text["wildberries"] == as_text[_xlsx_text(VERTICAL_TAB)] == {False}
    long_rows = list(book["Rows"].iter_rows(min_row=2, values_only=True))
    expected = expected_long(ctx, [hostile])
    for row, want in zip(long_rows, expected, strict=True):
        assert [row[i] for i in TEXT_COLUMNS] == [_xlsx_text(want[i]) for i in TEXT_COLUMNS]
    stock = book["Rows"].cell(row=_negative_stock(expected) + 2, column=STOCK_COLUMN + 1)
    assert (stock.value, stock.data_type) == (-5, "n")


async def test_google_sheet_gets_typed_string_values(
    ctx: AppContext, google: RunningGoogle
) -> None:
    account = _account()
    key = google.fake.add_account(account)
    sheet_id = google.fake.add_spreadsheet("Hostile", shared={account: "writer"})
    overrides = {"google_sheet": sheet_id}
    tenant = add_tenant(ctx, HOSTILE_TENANT, service_account_json=key, overrides=overrides)
    write_hostile_snapshot(ctx, tenant)
    await export_sheet(ctx, HOSTILE_TENANT, base_url=google.base_url, quota=QUOTA)
    sheet = google.fake.book(sheet_id).sheet("Stock")
    entered: dict[tuple[int, int], dict[str, Any]] = {
        place: cell["userEnteredValue"]
        for place, cell in sheet.cells.items()
        if "userEnteredValue" in cell
    }
    # typed values only: no formulaValue, nothing for Google to parse as the user would type it
    assert all(set(value) <= {"stringValue", "numberValue"} for value in entered.values())
    strings = {value["stringValue"] for value in entered.values() if "stringValue" in value}
    assert strings >= {*HOSTILE_TEXTS, *HOSTILE_WAREHOUSES, VERTICAL_TAB}
    row_of = {v["numberValue"]: r for (r, c), v in entered.items() if c == 3 and r >= 2}
    assert entered[(row_of[200_007], 0)] == {"stringValue": HOSTILE_TEXTS[0]}  # the brand
    assert entered[(0, 9)] == {"stringValue": HOSTILE_WAREHOUSES[0]}
    assert entered[(row_of[200_000], 9)] == {"numberValue": -5}
