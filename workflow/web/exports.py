"""List exports: the applications list as CSV, and the decisions of a year (page and CSV)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from workflow import http, labels, limits, permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, local_date, today
from workflow.operations import applications, associations
from workflow.rules import exports, paging
from workflow.web.main import list_filters
from workflow.web.meetings import OUTCOME_LABELS

bp = Blueprint("exports", __name__)


@bp.route("/applications.csv")
@login_required
def applications_csv() -> ResponseReturnValue:
    """The dashboard's list, with its state and search filters, as CSV."""
    state, search, _error = list_filters()
    header = [
        gettext("Diary number"),
        gettext("Title"),
        gettext("Association"),
        gettext("Lead member organisation"),
        gettext("Kind of insats"),
        gettext("State"),
        gettext("Start date"),
        gettext("End date"),
        gettext("Amount asked (SEK)"),
        gettext("Updated"),
    ]

    def rows() -> Iterator[list[Any]]:
        for (
            diary,
            title,
            assoc,
            lead,
            kind,
            st,
            start,
            end,
            asked,
            updated,
        ) in exports.application_rows(
            db.session, applications.visible_query(current_user, state=state, search=search)
        ):
            yield [
                diary,
                title,
                assoc,
                lead,
                str(labels.kind_label(kind)) if kind else None,
                str(labels.state_label(st)),
                start,
                end,
                int(asked or 0),
                local_date(updated) if updated else None,
            ]

    name = f"ansokningar-{state}.csv" if state else "ansokningar.csv"
    # Read in full before answering: a streamed body kept the request's database connection
    # open past its teardown on PostgreSQL (see the report to the lead).
    return http.csv_response(name, header, list(rows()))


def _association(slug: str) -> Association:
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_view_meetings(current_user, association.id):
        abort(403)
    return association


def _year() -> int:
    year = request.args.get("year", type=int)
    if year is None or not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        return today().year
    return year


def _decision_cells(row: exports.DecisionRow) -> list[Any]:
    return [
        row.paragraph,
        row.day,
        gettext("Delegation") if row.delegated else gettext("Board"),
        row.diary_number,
        row.title,
        row.lead_name,
        str(OUTCOME_LABELS.get(row.outcome, row.outcome)),
        row.granted_sek,
    ]


def _decision_header() -> list[str]:
    return [
        gettext("§"),
        gettext("Date"),
        gettext("Decided by"),
        gettext("Diary number"),
        gettext("Title"),
        gettext("Lead member organisation"),
        gettext("Decision"),
        gettext("Granted (SEK)"),
    ]


@bp.route("/associations/<slug>/decisions")
@login_required
def decisions(slug: str) -> ResponseReturnValue:
    """The decisions of a year, the board's by § and the delegated ones, paginated."""
    association = _association(slug)
    year = _year()
    size = current_app.config["PAGE_SIZE"]
    total = exports.decisions_count(db.session, association.id, year)  # type: ignore[arg-type]
    page = paging.clamp(paging.page_number(request.args.get("page")), total, size)
    rows = list(
        exports.decisions_of_year(
            db.session,
            association.id,  # type: ignore[arg-type]
            year,
            offset=paging.offset(page, size),
            limit=size,
        )
    )
    return render_template(
        "exports/decisions.html",
        association=association,
        year=year,
        rows=rows,
        total=total,
        page=page,
        pages=paging.page_count(total, size),
        outcome_labels=OUTCOME_LABELS,
        years=range(limits.YEAR_MIN, limits.YEAR_MAX + 1),
    )


@bp.route("/associations/<slug>/decisions.csv")
@login_required
def decisions_csv(slug: str) -> ResponseReturnValue:
    """The decisions of a year as CSV."""
    association = _association(slug)
    year = _year()
    rows = [
        _decision_cells(row)
        for row in exports.decisions_of_year(db.session, association.id, year)  # type: ignore[arg-type]
    ]
    return http.csv_response(f"beslut-{association.slug}-{year}.csv", _decision_header(), rows)
