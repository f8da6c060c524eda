"""The long form as CSV: one row per product and warehouse, several tenants in one file.

Default: RFC 4180 (comma, CRLF, quotes only where needed), UTF-8, ``.`` decimals. ``excel=True``
writes what Russian Excel opens with a double click: a UTF-8 byte order mark, ``;`` between
fields, a decimal comma, and formula-like text behind an apostrophe (``cell_text``), because
Excel would run it. The plain CSV is for programs: it keeps every text as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from stock_tracker_desktop.exporters.cell_text import excel_csv_text
from stock_tracker_desktop.exporters.table import ExportTable, LongValue
from stock_tracker_desktop.exporters.texts import Language, long_headers


def _text(value: LongValue, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return excel_csv_text(value) if excel else value
    if isinstance(value, float) and excel:
        return str(value).replace(".", ",")
    return str(value)


def write_csv(
    tables: Iterable[ExportTable],
    path: Path,
    *,
    excel: bool = False,
    language: Language = "en",
) -> int:
    """Write the long form of every table into ``path``; return the number of data rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writerow(long_headers(language))
        for table in tables:
            for row in table.long_rows():
                writer.writerow([_text(value, excel) for value in row])
                count += 1
    return count
