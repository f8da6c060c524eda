"""The XLSX workbook: the wide layout, the long form and the sync's facts.

Sheets: the wide layout (one sheet per tenant, named after the tenant; a single tenant's sheet is
named like the Google worksheet, "Остатки"/"Stock"), then the long form of all tenants (the
tenant is its first column), then one row of facts per tenant (time, window, threshold, sources).
Numbers are stored as numbers; days of stock show one decimal. Text is stored as text, also
when it looks like a formula (``cell_text``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from stock_tracker_desktop.domain.window import MOSCOW
from stock_tracker_desktop.exporters.cell_text import looks_like_formula, xlsx_text
from stock_tracker_desktop.exporters.table import ExportTable, LongValue
from stock_tracker_desktop.exporters.texts import (
    LONG_COLUMNS,
    Language,
    fact_headers,
    facts_sheet_title,
    long_headers,
    long_sheet_title,
    worksheet_title,
)
from stock_tracker_desktop.exporters.wide import (
    HEADER_BACKGROUND,
    HEADER_FOREGROUND,
    HEADER_ROWS,
    LOW_STOCK_BACKGROUND,
    WideGrid,
    wide_grid,
)

DAYS_FORMAT = "0.0"
_HEADER_FONT = Font(bold=True, color=HEADER_FOREGROUND)
_HEADER_FILL = PatternFill("solid", start_color=HEADER_BACKGROUND, end_color=HEADER_BACKGROUND)
_LOW_FILL = PatternFill("solid", start_color=LOW_STOCK_BACKGROUND, end_color=LOW_STOCK_BACKGROUND)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MAX_TITLE = 31
_FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")
_DAYS_COLUMN = LONG_COLUMNS.index("days_of_stock") + 1


def _title(wanted: str, taken: set[str]) -> str:
    """A worksheet title Excel accepts (31 characters, no []:*?/\\), unique in the book."""
    base = _FORBIDDEN_IN_TITLE.sub("_", wanted).strip("'") or "_"
    title, n = base[:_MAX_TITLE], 1
    while title.lower() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: _MAX_TITLE - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def _cell(sheet: Worksheet, value: LongValue) -> LongValue | Cell:
    """A value to append; text always as text, formula-like text as a quoted string cell."""
    if not isinstance(value, str):
        return value
    text = xlsx_text(value)
    if not looks_like_formula(value):
        return text
    cell = Cell(sheet, value=text)
    cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula
    cell.quotePrefix = True  # and Excel would, once the cell is edited
    return cell


def _append(sheet: Worksheet, values: Sequence[LongValue]) -> None:
    sheet.append([_cell(sheet, value) for value in values])


def _style_header(sheet: Worksheet, rows: int, columns: int) -> None:
    for row in sheet.iter_rows(min_row=1, max_row=rows, max_col=columns):
        for cell in row:
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = _CENTRED


def _write_wide(sheet: Worksheet, grid: WideGrid) -> None:
    for values in grid.rows:
        _append(sheet, values)
    _style_header(sheet, HEADER_ROWS, grid.width)
    for span in grid.spans:
        sheet.merge_cells(start_row=1, start_column=span.start + 1, end_row=1, end_column=span.end)
    for row, column in grid.low_stock:
        sheet.cell(row=row + 1, column=column + 1).fill = _LOW_FILL
    days_columns = [span.end for span in grid.spans[1:]]  # the last column of each figure group
    for column in days_columns:
        for (cell,) in sheet.iter_rows(
            min_row=HEADER_ROWS + 1, min_col=column, max_col=column, max_row=grid.height
        ):
            cell.number_format = DAYS_FORMAT
    for i, width in enumerate(grid.widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROWS + 1, column=1)


def _write_long(sheet: Worksheet, tables: Sequence[ExportTable], language: Language) -> None:
    headers = long_headers(language)
    sheet.append(list(headers))
    for table in tables:
        for row in table.long_rows():
            _append(sheet, row)
    _style_header(sheet, 1, len(headers))
    for (cell,) in sheet.iter_rows(min_row=2, min_col=_DAYS_COLUMN, max_col=_DAYS_COLUMN):
        cell.number_format = DAYS_FORMAT
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, len(header) + 2)
    sheet.freeze_panes = "A2"


def _moscow(table: ExportTable, which: str) -> str:
    moment = getattr(table.snapshot, which)
    return moment.astimezone(MOSCOW).isoformat(timespec="seconds")


def _write_facts(sheet: Worksheet, tables: Sequence[ExportTable], language: Language) -> None:
    headers = fact_headers(language)
    sheet.append(list(headers))
    for table in tables:
        _append(
            sheet,
            [
                table.tenant,
                table.marketplace.value,
                table.snapshot_at,
                _moscow(table, "window_start"),
                _moscow(table, "window_end"),
                table.snapshot.window_days,
                table.snapshot.threshold_days,
                len(table.products),
                len(table.warehouses),
                ", ".join(table.sources),
            ],
        )
    _style_header(sheet, 1, len(headers))
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(14, len(header) + 2)
    sheet.freeze_panes = "A2"


def write_xlsx(tables: Sequence[ExportTable], path: Path, *, language: Language = "en") -> None:
    book = Workbook()
    taken: set[str] = set()
    first = book.active
    assert first is not None  # a new workbook always has one sheet
    book.remove(first)
    for table in tables:
        wanted = worksheet_title(language) if len(tables) == 1 else table.tenant
        _write_wide(book.create_sheet(_title(wanted, taken)), wide_grid(table, language))
    _write_long(book.create_sheet(_title(long_sheet_title(language), taken)), tables, language)
    _write_facts(book.create_sheet(_title(facts_sheet_title(language), taken)), tables, language)
    book.save(path)
