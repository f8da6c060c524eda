"""Text cells that a spreadsheet would run as formulas, and what the exports do about them.

Names, brands, subjects, vendor codes, warehouse names and the seller's name come from the
marketplace or from the user. A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is taken for a formula by Excel, LibreOffice or Google Sheets ("CSV injection", OWASP): a
product called ``=HYPERLINK(...)`` could send the sheet's data elsewhere when the seller opens it.
Only text is ever neutralised: numbers, negative ones included, are written as numbers.

- XLSX: such a cell is written as a string with Excel's quote prefix (``quotePrefix``): it shows
  the text exactly and stays text when edited.
- The Excel-flavoured CSV has no types: such a field gets a leading apostrophe (OWASP's advice).
- The plain RFC 4180 CSV is for programs and keeps every byte.
- Google Sheets gets typed values (``stringValue``), which Google never parses as formulas.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# The control characters XML 1.0, hence XLSX, cannot hold (openpyxl refuses them).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def excel_csv_text(text: str) -> str:
    """A field of the Excel-flavoured CSV: formula-like text behind an apostrophe."""
    return QUOTE + text if looks_like_formula(text) else text


def xlsx_text(text: str) -> str:
    """The text as an XLSX can hold it: characters XML forbids become spaces, and carriage
    returns line feeds (XML reads every CR back as LF anyway)."""
    if text.isprintable():  # nearly every text: spare the large exports the substitutions
        return text
    return _NOT_IN_XML.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
