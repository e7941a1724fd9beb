"""The export in Uppföljning Finsam's shape and the yearly summary, as CSV and XLSX."""

from __future__ import annotations

from flask import Response

from workflow import http, limits, permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.registry import route
from workflow.api.statistics import CSV
from workflow.errors import Forbidden, NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, User
from workflow.rules import national_export, statistics

YEAR = {
    "minimum": limits.YEAR_MIN,
    "maximum": limits.YEAR_MAX,
    "description": "The calendar year; outside the range answers 404.",
}
KIND = {
    "enum": list(national_export.KINDS),
    "description": "The kind of insats: one file each, as Uppföljning Finsam registers them.",
}
NATIONAL = "/associations/<slug>/statistics/national/<int:year>/<kind>"
SUMMARY = "/associations/<slug>/statistics/summary/<int:year>"


def readable(slug: str, user: User) -> Association:
    """The association if the user sees its statistics (the statistics page's rule)."""
    association = load_association(slug, user)
    if not permissions.can_view_statistics(user, association):
        raise Forbidden(
            _l("Only the association's officers, board members and auditors see its statistics.")
        )
    return association


def _year(year: int) -> int:
    if not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        raise NotFound(_l("No such year."))
    return year


def _national(user: User, slug: str, year: int, kind: str) -> tuple[str, list]:
    association = readable(slug, user)
    if kind not in national_export.KINDS:
        raise NotFound(_l("No such kind of insats."))
    rows = national_export.insatser(db.session, association, _year(year), kind)
    return f"uppfoljning-finsam-{association.slug}-{year}-{kind}", rows


@route(
    f"{NATIONAL}.csv",
    summary="One kind of insatser's year in Uppföljning Finsam's columns, as CSV",
    tag="statistics",
    errors=(403,),
    params={"slug": SLUG, "year": YEAR, "kind": KIND},
    media_type=CSV,
)
def get_national_csv(user: User, slug: str, year: int, kind: str) -> Response:
    """Whoever sees the statistics. The columns: docs/uppfoljning-finsam.md."""
    name, rows = _national(user, slug, year, kind)
    header, lines = national_export.table(rows, kind)
    return http.csv_response(f"{name}.csv", header, lines)


@route(
    f"{NATIONAL}.xlsx",
    summary="One kind of insatser's year in Uppföljning Finsam's columns, as XLSX",
    tag="statistics",
    errors=(403,),
    params={"slug": SLUG, "year": YEAR, "kind": KIND},
    media_type=http.XLSX_MIMETYPE,
)
def get_national_xlsx(user: User, slug: str, year: int, kind: str) -> Response:
    """Whoever sees the statistics; one sheet, the columns of the CSV."""
    name, rows = _national(user, slug, year, kind)
    return http.xlsx_response(f"{name}.xlsx", [national_export.sheet(rows, kind, year)])


def _summary(user: User, slug: str, year: int) -> tuple[str, statistics.YearFigures]:
    association = readable(slug, user)
    year = _year(year)
    figures = statistics.figures(db.session, association, year, year)[0]
    return f"sammanstallning-{association.slug}-{year}", figures


@route(
    f"{SUMMARY}.csv",
    summary="The year's figures for the verksamhetsberättelse, as CSV",
    tag="statistics",
    errors=(403,),
    params={"slug": SLUG, "year": YEAR},
    media_type=CSV,
)
def get_summary_csv(user: User, slug: str, year: int) -> Response:
    """Participants, outcomes, costs and cost per participant, by women and men."""
    name, figures = _summary(user, slug, year)
    header, lines = national_export.summary(figures)
    return http.csv_response(f"{name}.csv", header, lines)


@route(
    f"{SUMMARY}.xlsx",
    summary="The year's figures for the verksamhetsberättelse, as XLSX",
    tag="statistics",
    errors=(403,),
    params={"slug": SLUG, "year": YEAR},
    media_type=http.XLSX_MIMETYPE,
)
def get_summary_xlsx(user: User, slug: str, year: int) -> Response:
    """The summary's one sheet."""
    name, figures = _summary(user, slug, year)
    return http.xlsx_response(f"{name}.xlsx", [national_export.summary_sheet(figures)])
