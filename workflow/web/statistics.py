"""The statistics page: a year or a series, tables, charts, exports and the parameters."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from forms.statistics import ParametersForm
from workflow import http, limits, permissions, transaction
from workflow.errors import NotFound, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.labels import AGE_BAND_LABELS, ATTENDEE_LABELS, OUTCOME_LABELS, SUPPORT_LABELS
from workflow.models import Association, today
from workflow.models.reports import (
    AGE_BANDS,
    ATTENDEE_CATEGORIES,
    FULL_TIME_OUTCOMES,
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
)
from workflow.operations import associations
from workflow.operations.statistics import set_parameters
from workflow.pagecache import cached_page
from workflow.rules import national_export, statistics
from workflow.rules.statistics import YearFigures
from workflow.web.charts import Group, gender_bars
from workflow.web.formerrors import FormErrors, int_arg
from workflow.web.menu import in_menu

bp = Blueprint("statistics", __name__)
PARAMETER_LABELS = {
    name: field.args[0]
    for name, field in vars(ParametersForm).items()
    if name in statistics.PARAMETER_NAMES
}
# The series the page shows beside the chosen year.
SERIES_YEARS = 5


def _association(slug: str) -> Association:
    """The association if the user may read its statistics: 404 if not theirs, 403 by role."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_view_statistics(current_user, association):
        abort(403)
    return association


def _latest(reported: list[int]) -> int:
    """The year a page opens on: the latest with reports (a year reports in the next), else
    this year."""
    return reported[-1] if reported else today().year


def _years(errors: FormErrors, default: int) -> range:
    """The years asked for (one year, or from..to); problems go to `errors`."""
    labels = {"year": gettext("Year"), "from": gettext("From year"), "to": gettext("To year")}
    values = {name: int_arg(name, errors, labels[name]) for name in labels}
    try:
        return statistics.choose_years(values["year"], values["from"], values["to"], default)
    except ValidationFailed as exc:
        for problem in exc.problems:
            errors.add(problem.field, labels.get(problem.field, ""), problem.message)
        return range(default, default + 1)


def _reported_default(association: Association) -> int:
    """The year a download defaults to, as the page does."""
    return _latest(statistics.reported_years(db.session, association.id, today().year))  # type: ignore[arg-type]


def _charts(rows: list[YearFigures], series: list[YearFigures]) -> dict[str, Any]:
    legend = (gettext("Women"), gettext("Men"))
    latest = rows[-1]
    participants = gender_bars(
        [Group(str(r.year), r.participants.women, r.participants.men) for r in series],
        chart_id="chart-participants",
        title=gettext("Participants by year, women and men"),
        description=" ".join(
            gettext(
                "%(year)s: %(women)s women, %(men)s men.",
                year=r.year,
                women=r.participants.women,
                men=r.participants.men,
            )
            for r in series
        ),
        legend=legend,
    )
    outcomes = gender_bars(
        [
            Group(str(OUTCOME_LABELS[name]), latest.outcomes[name].women, latest.outcomes[name].men)
            for name in OUTCOMES
        ],
        chart_id="chart-outcomes",
        title=gettext("Where those who ended went, %(year)s", year=latest.year),
        description=" ".join(
            gettext(
                "%(outcome)s: %(women)s women, %(men)s men.",
                outcome=OUTCOME_LABELS[name],
                women=latest.outcomes[name].women,
                men=latest.outcomes[name].men,
            )
            for name in OUTCOMES
        ),
        legend=legend,
    )
    return {"participants": participants, "outcomes": outcomes}


def _render(
    association: Association,
    *,
    form: ParametersForm | None = None,
    form_errors: FormErrors | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    errors = FormErrors()
    reported = statistics.reported_years(db.session, association.id, today().year)  # type: ignore[arg-type]
    years = _years(errors, _latest(reported))
    last = years.stop - 1
    # The charts show a series: the one asked for, or the years up to the chosen one.
    first = years.start if len(years) > 1 else last - SERIES_YEARS + 1
    series = statistics.figures(db.session, association, first, last)
    rows = series[-len(years) :]
    params = statistics.parameters(db.session, association)
    if form is None and permissions.can_edit_statistics(current_user, association):
        form = ParametersForm(
            formdata=None,
            data={"version": params.version, **params.as_dict(), "source": params.source},
        )
    query = (
        {"year": years.start} if len(years) == 1 else {"from": years.start, "to": years.stop - 1}
    )
    return (
        render_template(
            "statistics/index.html",
            association=association,
            years=years,
            rows=rows,
            series=series,
            charts=_charts(rows, series),
            params=params,
            parameter_names=statistics.PARAMETER_NAMES,
            parameter_labels=PARAMETER_LABELS,
            form=form,
            errors=errors,
            form_errors=form_errors or FormErrors(),
            query=query,
            reported=reported,
            outcomes=OUTCOMES,
            full_time_outcomes=FULL_TIME_OUTCOMES,
            outcome_labels=OUTCOME_LABELS,
            phases=SUPPORT_PHASES,
            sources=SUPPORT_SOURCES,
            support_labels=SUPPORT_LABELS,
            national_kinds=national_export.KINDS,
            age_bands=AGE_BANDS,
            age_labels=AGE_BAND_LABELS,
            attendee_categories=ATTENDEE_CATEGORIES,
            attendee_labels=ATTENDEE_LABELS,
        ),
        status,
    )


@bp.route("/associations/<slug>/statistics")
@cached_page
@login_required
def index(slug: str) -> ResponseReturnValue:
    """The statistics of a year (or `from`..`to`), with charts and the exports."""
    return _render(_association(slug))


@bp.route("/associations/<slug>/statistics.csv")
@login_required
def export_csv(slug: str) -> ResponseReturnValue:
    """The statistics of the chosen years as CSV."""
    association = _association(slug)
    years = _years(FormErrors(), _reported_default(association))
    rows = statistics.figures(db.session, association, years.start, years.stop - 1)
    header, lines = statistics.csv_rows(rows)
    span = str(years.start) if len(years) == 1 else f"{years.start}-{years.stop - 1}"
    return http.csv_response(f"statistik-{association.slug}-{span}.csv", header, lines)


@bp.route("/associations/<slug>/statistics.xlsx")
@login_required
def export_xlsx(slug: str) -> ResponseReturnValue:
    """The statistics of the chosen years as an XLSX workbook."""
    association = _association(slug)
    years = _years(FormErrors(), _reported_default(association))
    rows = statistics.figures(db.session, association, years.start, years.stop - 1)
    span = str(years.start) if len(years) == 1 else f"{years.start}-{years.stop - 1}"
    return http.xlsx_response(f"statistik-{association.slug}-{span}.xlsx", statistics.sheets(rows))


@bp.route("/associations/<slug>/statistics/parameters", methods=["POST"])
@login_required
def parameters(slug: str) -> ResponseReturnValue:
    """The officer sets the socio-economic parameters; a refusal keeps the input."""
    association = _association(slug)
    if not permissions.can_edit_statistics(current_user, association):
        abort(403)
    form = ParametersForm()
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render(association, form=form, form_errors=errors, status=422)
    with transaction.step() as refusal:
        set_parameters(
            db.session,
            association,
            **{name: form[name].data for name in statistics.PARAMETER_NAMES},
            source=form.source.data,
            by=current_user,
            expected_version=form.version.data,
        )
    if (exc := refusal.error) is not None:
        for problem in exc.problems or []:
            field = form._fields.get(problem.field)
            errors.add(
                field.id if field else None, field.label.text if field else "", problem.message
            )
        if not exc.problems:
            errors.add(None, "", exc.message)
        return _render(association, form=form, form_errors=errors, status=exc.status)
    flash(gettext("The parameters are saved."), "success")
    return redirect(url_for("statistics.index", slug=association.slug, **request.args), code=303)


@bp.app_template_global("statistics_links")
def statistics_links() -> list[tuple[str, str]]:
    """The statistics pages of the associations where the user may read them."""
    ids = in_menu(permissions.association_ids(current_user))
    if not ids:
        return []
    rows = [
        a
        for a in associations.by_ids(db.session, ids)
        if permissions.can_view_statistics(current_user, a)
    ]
    label = gettext("Statistics")
    return [
        (
            f"{label} – {a.name}" if len(rows) > 1 else label,
            url_for("statistics.index", slug=a.slug),
        )
        for a in rows
    ]


# --- the export in Uppföljning Finsam's shape and the yearly summary (issue 22) ---------------


def _export_year(year: int) -> int:
    """The year of an export's path: 404 outside the years the product knows."""
    if not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        raise NotFound(_l("No such year."))
    return year


def _national(slug: str, year: int, kind: str) -> tuple[Association, list[Any]]:
    association = _association(slug)
    if kind not in national_export.KINDS:
        raise NotFound(_l("No such kind of insats."))
    return association, national_export.insatser(db.session, association, _export_year(year), kind)


def _national_name(association: Association, year: int, kind: str, ext: str) -> str:
    return f"uppfoljning-finsam-{association.slug}-{year}-{kind}.{ext}"


@bp.route("/associations/<slug>/statistics/national/<int:year>/<kind>.csv")
@login_required
def national_csv(slug: str, year: int, kind: str) -> ResponseReturnValue:
    """One kind of insatser's year in Uppföljning Finsam's columns, as CSV."""
    association, rows = _national(slug, year, kind)
    header, lines = national_export.table(rows, kind)
    return http.csv_response(_national_name(association, year, kind, "csv"), header, lines)


@bp.route("/associations/<slug>/statistics/national/<int:year>/<kind>.xlsx")
@login_required
def national_xlsx(slug: str, year: int, kind: str) -> ResponseReturnValue:
    """One kind of insatser's year in Uppföljning Finsam's columns, as XLSX."""
    association, rows = _national(slug, year, kind)
    return http.xlsx_response(
        _national_name(association, year, kind, "xlsx"),
        [national_export.sheet(rows, kind, year)],
    )


def _summary(slug: str, year: int) -> tuple[Association, YearFigures]:
    association = _association(slug)
    year = _export_year(year)
    return association, statistics.figures(db.session, association, year, year)[0]


@bp.route("/associations/<slug>/statistics/summary/<int:year>.csv")
@login_required
def summary_csv(slug: str, year: int) -> ResponseReturnValue:
    """The year's figures for the verksamhetsberättelse, as CSV."""
    association, figures = _summary(slug, year)
    header, lines = national_export.summary(figures)
    return http.csv_response(f"sammanstallning-{association.slug}-{year}.csv", header, lines)


@bp.route("/associations/<slug>/statistics/summary/<int:year>.xlsx")
@login_required
def summary_xlsx(slug: str, year: int) -> ResponseReturnValue:
    """The year's figures for the verksamhetsberättelse, as XLSX."""
    association, figures = _summary(slug, year)
    return http.xlsx_response(
        f"sammanstallning-{association.slug}-{year}.xlsx", [national_export.summary_sheet(figures)]
    )
