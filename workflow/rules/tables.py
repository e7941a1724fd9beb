"""Tables as files: CSV text and XLSX workbook bytes, with no HTTP in them (workflow/http.py
answers with them).

CSV is written as UTF-8 with a byte-order mark and `;` between fields: Excel in a Swedish
locale reads a BOM-less file as Windows-1252 (å, ä, ö come out garbled) and takes the list
separator from the locale, which is `;` where the decimal separator is the comma. The lines
are yielded one by one, so a list of any length is never held in memory as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BOM = "\ufeff"
DELIMITER = ";"
# Whole kronor with a thousands separator; shares and months with decimals.
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
# A number that names rather than counts (a year): digits only, else a Swedish Excel
# shows the year 2027 as "2 027".
PLAIN_FORMAT = "0"
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    """Whether a text value would be run as a formula by a spreadsheet (CSV and XLSX alike)."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def cell_text(value: Any) -> str:
    """One value as CSV text: dates in ISO 8601, decimals with a comma as in Swedish Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    # A text cell that a spreadsheet would evaluate is quoted with an apostrophe.
    return "'" + text if formula_like(text) else text


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, line by line: the BOM and header first, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")

    def line(values: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell_text(v) for v in values])
        return buffer.getvalue()

    yield BOM + line([str(h) for h in header])
    for row in rows:
        yield line(row)


@dataclass
class Sheet:
    """One table of a workbook: a title, a header row and rows of plain values.

    `plain`: the indexes of the columns whose numbers name rather than count (years), written
    without a thousands separator.
    """

    title: str
    header: Sequence[Any]
    rows: Sequence[Sequence[Any]]
    plain: frozenset[int] = frozenset()


def _as_text(cell: Any) -> None:
    """Keep a formula-like text a string: openpyxl would store a leading `=` as a live formula.

    The quote prefix is what Excel itself stores for a typed `'=…`: the cell shows the text as
    written and stays text when edited.
    """
    cell.data_type = "s"
    cell.quotePrefix = True


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook, a sheet per table, bold header, numbers formatted, no formulas."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for sheet in sheets:
        # Excel limits sheet names to 31 characters and forbids a few characters.
        title = "".join(c for c in str(sheet.title) if c not in "[]:*?/\\")[:31] or "Blad"
        ws = book.create_sheet(title)
        ws.append([str(h) for h in sheet.header])
        for cell in ws[1]:
            cell.font = bold
            if formula_like(cell.value):
                _as_text(cell)
        widths = [len(str(h)) for h in sheet.header]
        for row in sheet.rows:
            values = [float(v) if isinstance(v, Decimal) else v for v in row]
            ws.append(["" if v is None else v for v in values])
            for index, value in enumerate(values):
                if index < len(widths):
                    widths[index] = max(widths[index], len(cell_text(value)))
        for row_cells in ws.iter_rows(min_row=2):
            for index, cell in enumerate(row_cells):
                if formula_like(cell.value):
                    _as_text(cell)
                    continue
                if isinstance(cell.value, bool):
                    continue
                if index in sheet.plain and isinstance(cell.value, int):
                    cell.number_format = PLAIN_FORMAT
                elif isinstance(cell.value, int):
                    cell.number_format = INTEGER_FORMAT
                elif isinstance(cell.value, float):
                    cell.number_format = DECIMAL_FORMAT
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
