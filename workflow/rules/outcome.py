"""Reading a year's outcome (utfall) from the accounts: a CSV or XLSX file, one row per line.

The file may be the budget's own export (columns År, Kategori, Rad, …, Utfall) or any sheet
with a column named like "Rad"/"Benämning" and one like "Utfall"; without such a header the
first column is the line and the second the amount. Amounts may carry spaces, "kr" and a
decimal comma (rounded to whole kronor).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice
from typing import Any

from openpyxl import load_workbook

from workflow.errors import Problem
from workflow.i18n import _l

# The most rows read: a year's budget has a few dozen lines.
ROWS_MAX = 2000
_LABEL = re.compile(r"^(rad|line|label|benämning|post|konto(namn)?)\b", re.I)
_AMOUNT = re.compile(r"^(utfall|outcome)\b", re.I)
_YEAR = re.compile(r"^(år|year)$", re.I)


def _table(data: bytes, filename: str) -> list[list[Any]]:
    if filename.lower().endswith(".xlsx"):
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [list(row) for row in islice(sheet.iter_rows(values_only=True), ROWS_MAX)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:4096]
    delimiter = max(";,\t", key=sample.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return list(islice(reader, ROWS_MAX))


def _amount(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = re.sub(r"[\s\u00a0]|kr$", "", str(value or "")).replace(",", ".")
    if not text:
        return None
    try:
        return int(Decimal(text).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return None


def parse_outcome(data: bytes, filename: str, year: int) -> tuple[dict[str, int], list[Problem]]:
    """The outcome per line label read from the file, and the problems found (field `file`)."""
    try:
        rows = [row for row in _table(data, filename) if any(row)]
    except Exception:  # any unreadable file is the same answer to the user
        return {}, [Problem("file", _l("The file could not be read as CSV or XLSX."))]
    if not rows:
        return {}, [Problem("file", _l("The file is empty."))]
    header = [str(cell or "").strip() for cell in rows[0]]
    label_at = next((i for i, h in enumerate(header) if _LABEL.match(h)), None)
    amount_at = next((i for i, h in enumerate(header) if _AMOUNT.match(h)), None)
    year_at = next((i for i, h in enumerate(header) if _YEAR.match(h)), None)
    if amount_at is None:
        label_at, amount_at, body = 0, 1, rows
    else:
        label_at = 0 if label_at is None else label_at
        body = rows[1:]
    found: dict[str, int] = {}
    problems = []
    for number, row in enumerate(body, start=2 if body is not rows else 1):
        if year_at is not None and _amount(row[year_at] if year_at < len(row) else None) != year:
            continue
        label = str(row[label_at] or "").strip() if label_at < len(row) else ""
        if not label:
            continue
        amount = _amount(row[amount_at]) if amount_at < len(row) else None
        if amount is None or amount < 0:
            problems.append(
                Problem(
                    "file",
                    _l("Row %(n)s (%(label)s) has no outcome amount.", n=number, label=label),
                )
            )
            continue
        found[label] = amount
    if not found and not problems:
        problems.append(Problem("file", _l("The file has no outcome for %(year)s.", year=year)))
    return found, problems
