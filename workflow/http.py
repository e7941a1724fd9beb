"""Exports: CSV for every list page and XLSX workbooks for tables of figures.

CSV is written as UTF-8 with a byte-order mark and `;` between fields: Excel in a Swedish
locale reads a BOM-less file as Windows-1252 (å, ä, ö come out garbled) and takes the list
separator from the locale, which is `;` where the decimal separator is the comma. Rows are
streamed, so a list of any length is never held in memory as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from workflow.models import (
    Application,
    Association,
    BudgetLine,
    Decision,
    DecisionAmount,
    Meeting,
    Member,
)

BOM = "\ufeff"
DELIMITER = ";"
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Whole kronor with a thousands separator; shares and months with decimals.
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: Any) -> str:
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
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, line by line: the BOM and header first, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")

    def line(values: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell_text(v) for v in values])
        return buffer.getvalue()

    yield BOM + line([str(h) for h in header])
    for row in rows:
        yield line(row)


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download; rows given as a generator (reading the database) are streamed."""
    lines = csv_lines(header, rows)
    if isinstance(rows, Sequence):
        body: Any = "".join(lines)
    else:
        # The generator runs after the view returns: it keeps the request's context.
        body = stream_with_context(lines)
    response = Response(body, mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


@dataclass
class Sheet:
    """One table of a workbook: a title, a header row and rows of plain values."""

    title: str
    header: Sequence[Any]
    rows: Sequence[Sequence[Any]]


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook, a sheet per table, bold header, numbers formatted."""
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
        widths = [len(str(h)) for h in sheet.header]
        for row in sheet.rows:
            values = [float(v) if isinstance(v, Decimal) else v for v in row]
            ws.append(["" if v is None else v for v in values])
            for index, value in enumerate(values):
                if index < len(widths):
                    widths[index] = max(widths[index], len(_cell_text(value)))
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, bool):
                    continue
                if isinstance(cell.value, int):
                    cell.number_format = INTEGER_FORMAT
                elif isinstance(cell.value, float):
                    cell.number_format = DECIMAL_FORMAT
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> Response:
    """An XLSX download."""
    response = Response(workbook_bytes(sheets), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


# --- the rows of the list pages, read in SQL ---------------------------------------------------


def application_rows(
    session: Session, user: Any, *, state: str | None = None, search: str | None = None
) -> Iterator[Any]:
    """The applications the user may see (the dashboard's filter), one row each, streamed.

    One statement: the lead member's name by join and the amount asked by a correlated sum,
    read in batches so a long list is never held in memory.
    """
    from workflow.operations import applications

    visible = applications.visible_query(user, state=state, search=search).subquery()
    asked = (
        select(func.coalesce(func.sum(BudgetLine.amount_sek), 0))
        .where(BudgetLine.application_id == visible.c.id)
        .scalar_subquery()
    )
    statement = (
        select(
            visible.c.diary_number,
            visible.c.title,
            Association.name,
            Member.name,
            visible.c.kind,
            visible.c.state,
            visible.c.start_date,
            visible.c.end_date,
            asked,
            visible.c.updated_at,
        )
        .join(Association, Association.id == visible.c.association_id)
        .join(Member, Member.id == visible.c.lead_member_id)
        .order_by(visible.c.updated_at.desc(), visible.c.id.desc())
        .execution_options(yield_per=500)
    )
    yield from session.execute(statement)


@dataclass(frozen=True)
class DecisionRow:
    """One decision of a year, as the list page and its CSV show it."""

    id: int
    application_id: int
    paragraph: int | None
    delegated: bool
    outcome: str
    day: date
    diary_number: str | None
    title: str | None
    lead_name: str
    granted_sek: int


def _decisions_statement(association_id: int, year: int) -> Any:
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    granted = (
        select(func.coalesce(func.sum(DecisionAmount.amount_sek), 0))
        .where(DecisionAmount.decision_id == Decision.id)
        .scalar_subquery()
    )
    return (
        select(
            Decision.id,
            Decision.application_id,
            Decision.paragraph,
            Decision.delegated,
            Decision.outcome,
            Meeting.date,
            Decision.decided_at,
            Application.diary_number,
            Application.title,
            Member.name,
            granted,
        )
        .join(Application, Application.id == Decision.application_id)
        .join(Member, Member.id == Application.lead_member_id)
        .outerjoin(Meeting, Meeting.id == Decision.meeting_id)
        .where(
            Decision.association_id == association_id,
            or_(
                and_(Decision.delegated == False, Decision.paragraph_year == year),  # noqa: E712
                and_(
                    Decision.delegated == True,  # noqa: E712
                    Decision.decided_at >= start,
                    Decision.decided_at < end,
                ),
            ),
        )
    )


def _decision_row(row: Any) -> DecisionRow:
    (id_, app_id, paragraph, delegated, outcome, meeting_day, decided_at, diary, title) = row[:9]
    return DecisionRow(
        id=id_,
        application_id=app_id,
        paragraph=paragraph,
        delegated=bool(delegated),
        outcome=outcome,
        day=meeting_day or decided_at.date(),
        diary_number=diary,
        title=title,
        lead_name=row[9],
        granted_sek=int(row[10] or 0),
    )


def decisions_count(session: Session, association_id: int, year: int) -> int:
    """How many decisions the association took in the year."""
    statement = _decisions_statement(association_id, year).order_by(None).subquery()
    return int(session.execute(select(func.count()).select_from(statement)).scalar_one())


def decisions_of_year(
    session: Session,
    association_id: int,
    year: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[DecisionRow]:
    """The board's decisions (by §) and the delegated ones (by date) of one year, streamed."""
    statement = (
        _decisions_statement(association_id, year)
        .order_by(
            Decision.delegated,
            Decision.paragraph,
            Decision.decided_at,
            Decision.id,
        )
        .offset(offset)
        .execution_options(yield_per=500)
    )
    if limit is not None:
        statement = statement.limit(limit)
    for row in session.execute(statement):
        yield _decision_row(row)
