"""The one ``spreadsheets.batchUpdate`` body that writes the wide layout into a worksheet.

Order matters and is all-or-nothing on Google's side: back up a worksheet we did not write
before (duplicateSheet), clear it (unmerge, wipe values and formats, resize to the grid, freeze
the two header rows), mark it as ours (developer metadata, so later exports skip the backup),
then write every cell with its type and format in a single updateCells, merge the group headers,
set the days-of-stock number format and the column widths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stock_tracker_desktop.exporters.wide import (
    HEADER_BACKGROUND,
    HEADER_FOREGROUND,
    HEADER_ROWS,
    LOW_STOCK_BACKGROUND,
    Cell,
    WideGrid,
)

Json = dict[str, Any]
MARKER_KEY = "stock-tracker-export"
MARKER_VALUE = "wide-v1"
DAYS_PATTERN = "0.0"
PIXELS_PER_CHARACTER = 7
PIXEL_PADDING = 8


@dataclass(frozen=True, slots=True)
class Worksheet:
    """What the metadata call told about the target worksheet."""

    sheet_id: int
    index: int
    marked: bool


def rgb(hex_colour: str) -> Json:
    return {
        "red": int(hex_colour[0:2], 16) / 255,
        "green": int(hex_colour[2:4], 16) / 255,
        "blue": int(hex_colour[4:6], 16) / 255,
    }


_HEADER_FORMAT: Json = {
    "backgroundColor": rgb(HEADER_BACKGROUND),
    "textFormat": {"bold": True, "foregroundColor": rgb(HEADER_FOREGROUND)},
    "horizontalAlignment": "CENTER",
    "verticalAlignment": "MIDDLE",
    "wrapStrategy": "WRAP",
}
_LOW_FORMAT: Json = {"backgroundColor": rgb(LOW_STOCK_BACKGROUND)}


def _value(value: Cell) -> Json:
    if isinstance(value, bool):  # never in the grid; keep a flag from becoming a number
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": value}


def _rows(grid: WideGrid) -> list[Json]:
    rows = []
    for r, values in enumerate(grid.rows):
        cells: list[Json] = []
        for c, value in enumerate(values):
            cell: Json = {} if value is None else {"userEnteredValue": _value(value)}
            if r < HEADER_ROWS:
                cell["userEnteredFormat"] = _HEADER_FORMAT
            elif (r, c) in grid.low_stock:
                cell["userEnteredFormat"] = _LOW_FORMAT
            cells.append(cell)
        rows.append({"values": cells})
    return rows


def _range(sheet_id: int, **bounds: int) -> Json:
    """A GridRange: the whole sheet, or the rows and columns ``bounds`` name."""
    return {"sheetId": sheet_id, **bounds}


def _dimension_range(sheet_id: int, dimension: str, start: int, end: int) -> Json:
    """A DimensionRange (ROWS or COLUMNS ``start`` to ``end``), unlike a GridRange."""
    return {"sheetId": sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end}


def _grid_size(grid: WideGrid) -> tuple[int, int]:
    # Google refuses to freeze every row of a sheet: keep one row below the headers.
    return max(grid.height, HEADER_ROWS + 1), max(grid.width, 1)


def _clear(sheet: Worksheet, grid: WideGrid) -> list[Json]:
    rows, columns = _grid_size(grid)
    properties = {
        "sheetId": sheet.sheet_id,
        "gridProperties": {
            "rowCount": rows,
            "columnCount": columns,
            "frozenRowCount": HEADER_ROWS,
            "frozenColumnCount": 0,
        },
    }
    fields = "gridProperties(rowCount,columnCount,frozenRowCount,frozenColumnCount)"
    return [
        {"unmergeCells": {"range": _range(sheet.sheet_id)}},
        {"updateCells": {"range": _range(sheet.sheet_id), "fields": "*"}},
        {"updateSheetProperties": {"properties": properties, "fields": fields}},
    ]


def _add(sheet: Worksheet, title: str, grid: WideGrid) -> Json:
    rows, columns = _grid_size(grid)
    return {
        "addSheet": {
            "properties": {
                "sheetId": sheet.sheet_id,
                "title": title,
                "index": sheet.index,
                "gridProperties": {
                    "rowCount": rows,
                    "columnCount": columns,
                    "frozenRowCount": HEADER_ROWS,
                },
            }
        }
    }


def _mark(sheet: Worksheet) -> Json:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": MARKER_KEY,
                "metadataValue": MARKER_VALUE,
                "location": {"sheetId": sheet.sheet_id},
                "visibility": "DOCUMENT",
            }
        }
    }


def _widths(sheet_id: int, grid: WideGrid) -> list[Json]:
    """One request per run of equal widths (the warehouse columns share one)."""
    found: list[Json] = []
    start = 0
    for i in range(1, grid.width + 1):
        if i == grid.width or grid.widths[i] != grid.widths[start]:
            pixels = grid.widths[start] * PIXELS_PER_CHARACTER + PIXEL_PADDING
            found.append(
                {
                    "updateDimensionProperties": {
                        "range": _dimension_range(sheet_id, "COLUMNS", start, i),
                        "properties": {"pixelSize": pixels},
                        "fields": "pixelSize",
                    }
                }
            )
            start = i
    return found


def _days_format(sheet_id: int, grid: WideGrid) -> list[Json]:
    return [
        {
            "repeatCell": {
                "range": _range(
                    sheet_id,
                    startRowIndex=HEADER_ROWS,
                    endRowIndex=grid.height,
                    startColumnIndex=span.end - 1,
                    endColumnIndex=span.end,
                ),
                "cell": {
                    "userEnteredFormat": {
                        "numberFormat": {"type": "NUMBER", "pattern": DAYS_PATTERN}
                    }
                },
                "fields": "userEnteredFormat.numberFormat",
            }
        }
        for span in grid.spans[1:]
        if grid.height > HEADER_ROWS
    ]


def batch_update_body(
    grid: WideGrid,
    sheet: Worksheet,
    *,
    title: str,
    exists: bool,
    backup_title: str | None,
) -> Json:
    """The whole export as one request body. ``backup_title``: copy the worksheet first."""
    requests: list[Json] = []
    if not exists:
        requests.append(_add(sheet, title, grid))
    else:
        if backup_title is not None:
            requests.append(
                {
                    "duplicateSheet": {
                        "sourceSheetId": sheet.sheet_id,
                        "insertSheetIndex": sheet.index + 1,
                        "newSheetName": backup_title,
                    }
                }
            )
        requests.extend(_clear(sheet, grid))
    if not sheet.marked:
        requests.append(_mark(sheet))
    requests.append(
        {
            "updateCells": {
                "start": {"sheetId": sheet.sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": _rows(grid),
                "fields": "userEnteredValue,userEnteredFormat",
            }
        }
    )
    requests.extend(
        {
            "mergeCells": {
                "range": _range(
                    sheet.sheet_id,
                    startRowIndex=0,
                    endRowIndex=1,
                    startColumnIndex=span.start,
                    endColumnIndex=span.end,
                ),
                "mergeType": "MERGE_ALL",
            }
        }
        for span in grid.spans
    )
    requests.extend(_days_format(sheet.sheet_id, grid))
    requests.extend(_widths(sheet.sheet_id, grid))
    return {"requests": requests}
