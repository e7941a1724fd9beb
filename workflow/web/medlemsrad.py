"""The medlemsråd view: the associations' insatser and results over the years, as a page and
a PDF, for one association or for every association of the county the user reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlmodel import select

from workflow import http, pdf, permissions
from workflow.errors import NotFound, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.labels import OUTCOME_LABELS
from workflow.models import Association, today
from workflow.models.reports import OUTCOMES
from workflow.operations import associations
from workflow.pagecache import cached_page
from workflow.rules import medlemsrad, statistics
from workflow.rules.medlemsrad import AssociationView
from workflow.web.charts import Group, gender_bars
from workflow.web.formerrors import FormErrors, int_arg
from workflow.web.menu import in_menu

bp = Blueprint("medlemsrad", __name__)


def _association(slug: str) -> Association:
    """The association if the user may present it: 404 if not theirs, 403 by role."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_view_medlemsrad(current_user, association):
        abort(403)
    return association


def _county() -> list[Association]:
    """Every association the user may present; 403 when there is none."""
    scope = permissions.medlemsrad_scope(current_user)
    if scope is None:
        rows = list(db.session.exec(select(Association).order_by(Association.name)).all())
    else:
        rows = associations.by_ids(db.session, scope)
    rows = [a for a in rows if permissions.can_view_medlemsrad(current_user, a)]
    if not rows:
        abort(403)
    return rows


def _reported(rows: list[Association]) -> list[range]:
    """The runs of years with accepted reports of the associations (links on the page)."""
    ids = [a.id for a in rows if a.id is not None]
    years = statistics.reported_years(db.session, ids, today().year) if ids else []
    return statistics.year_runs(years, medlemsrad.YEARS_MAX)


def _years(errors: FormErrors, runs: list[range]) -> range:
    """The years asked for (`from`..`to`); by default the latest years with reports (up to
    three, a year's reports coming in the next), else this year and the two before it."""
    labels = {"from": gettext("From year"), "to": gettext("To year")}
    this_year = today().year
    last = int_arg("to", errors, labels["to"])
    first = int_arg("from", errors, labels["from"])
    default = medlemsrad.choose_years(None, None, this_year)
    if runs:
        latest = runs[-1]
        default = range(max(latest.start, latest.stop - medlemsrad.DEFAULT_YEARS), latest.stop)
    if errors or (first is None and last is None):
        return default
    try:
        return medlemsrad.choose_years(first, last, this_year)
    except ValidationFailed as exc:
        for problem in exc.problems:
            errors.add(problem.field, labels.get(problem.field or "", ""), problem.message)
        return default


@dataclass(frozen=True)
class Chart:
    """A chart with its title, shown above it (the SVG's own title is for screen readers)."""

    title: str
    svg: Markup


# The page's chart colours (static/style.css) for the PDF, which loads no page stylesheet:
# WeasyPrint styles an inline SVG only from a <style> of its own.
PRINT_CHART_STYLE = (
    "<style>"
    ".stat-chart__bar--women{fill:#9fbfe3;stroke:#083a73;stroke-width:1}"
    ".stat-chart__bar--men{fill:#fff;stroke:#1b1b1b;stroke-width:2.5}"
    ".budget-chart__grid{stroke:#d0d0d0;stroke-width:1}"
    ".budget-chart__zero{stroke:#1b1b1b;stroke-width:2}"
    "text{fill:#1b1b1b;font-family:'DejaVu Sans',sans-serif;font-size:13px}"
    ".budget-chart__value{font-size:12px;font-weight:700}"
    "</style>"
)


def _for_print(svg: Markup) -> Markup:
    """The chart with its colours inside it, for the PDF."""
    head, _, rest = str(svg).partition(">")
    # Only our own constant goes in; the chart's text was escaped by gender_bars.
    return Markup(f"{head}>{PRINT_CHART_STYLE}{rest}" if rest else str(svg))  # noqa: S704


def _charts(view: AssociationView, *, printed: bool = False) -> dict[Any, Chart]:
    """Per association: participants and those to work or studies by year; per insats its
    participants by year. Each chart's figures are in the table beside it."""
    legend = (gettext("Women"), gettext("Men"))

    def bars(chart_id: str, title: str, pairs: list[tuple[str, int, int]]) -> Chart:
        svg = gender_bars(
            [Group(y, w, m) for y, w, m in pairs],
            chart_id=chart_id,
            title=title,
            description=" ".join(
                gettext("%(year)s: %(women)s women, %(men)s men.", year=y, women=w, men=m)
                for y, w, m in pairs
            ),
            legend=legend,
        )
        return Chart(title, _for_print(svg) if printed else svg)

    participants = [(str(r.year), r.participants.women, r.participants.men) for r in view.years]
    to_work = [(str(r.year), *_pair(medlemsrad.work_or_studies(r.outcomes))) for r in view.years]
    charts: dict[Any, Chart] = {
        "participants": bars(
            f"chart-{view.slug}-participants",
            gettext("Participants by year, women and men – %(name)s", name=view.name),
            participants,
        ),
        "work": bars(
            f"chart-{view.slug}-work",
            gettext("Ended to work or studies by year, women and men – %(name)s", name=view.name),
            to_work,
        ),
    }
    for insats in view.insatser:
        charts[insats.application_id] = bars(
            f"chart-{view.slug}-insats-{insats.application_id}",
            gettext(
                "Participants by year, women and men – %(title)s",
                title=insats.title or gettext("(untitled)"),
            ),
            [(str(c.year), c.participants.women, c.participants.men) for c in insats.years],
        )
    return charts


def _pair(split: Any) -> tuple[int, int]:
    return split.women, split.men


def _context(
    views: list[AssociationView], years: range, errors: FormErrors, *, printed: bool = False
) -> dict[str, Any]:
    return {
        "views": views,
        "county_total": medlemsrad.county_total(views),
        "years": years,
        "charts": {v.slug: _charts(v, printed=printed) for v in views},
        "errors": errors,
        "outcomes": OUTCOMES,
        "outcome_labels": OUTCOME_LABELS,
        "work_or_studies": medlemsrad.work_or_studies,
        "percent": medlemsrad.percent,
        "query": {"from": years.start, "to": years.stop - 1},
        "printed": today(),
        "for_print": printed,
    }


def _span(years: range) -> str:
    return str(years.start) if len(years) == 1 else f"{years.start}-{years.stop - 1}"


@bp.route("/associations/<slug>/medlemsrad")
@cached_page
@login_required
def association(slug: str) -> ResponseReturnValue:
    """One association's insatser and results over the years, for its medlemsråd."""
    row = _association(slug)
    errors = FormErrors()
    runs = _reported([row])
    years = _years(errors, runs)
    views = medlemsrad.view(db.session, [row], years.start, years.stop - 1)
    return render_template(
        "medlemsrad/index.html",
        association=row,
        runs=runs,
        action=url_for("medlemsrad.association", slug=row.slug),
        pdf_url=url_for(
            "medlemsrad.association_pdf",
            slug=row.slug,
            **{"from": years.start, "to": years.stop - 1},
        ),
        **_context(views, years, errors),
    )


@bp.route("/associations/<slug>/medlemsrad.pdf")
@login_required
def association_pdf(slug: str) -> ResponseReturnValue:
    """The same as a PDF to hand out at the medlemsråd."""
    row = _association(slug)
    years = _years(FormErrors(), _reported([row]))
    views = medlemsrad.view(db.session, [row], years.start, years.stop - 1)
    body = pdf.render(
        "medlemsrad/pdf.html",
        association=row,
        **_context(views, years, FormErrors(), printed=True),
    )
    return http.pdf_response(body, f"medlemsrad-{row.slug}-{_span(years)}.pdf")


@bp.route("/medlemsrad")
@cached_page
@login_required
def county() -> ResponseReturnValue:
    """Every association the user reads, side by side: the county's medlemsråd."""
    rows = _county()
    errors = FormErrors()
    runs = _reported(rows)
    years = _years(errors, runs)
    views = medlemsrad.view(db.session, rows, years.start, years.stop - 1)
    return render_template(
        "medlemsrad/index.html",
        association=None,
        runs=runs,
        action=url_for("medlemsrad.county"),
        pdf_url=url_for("medlemsrad.county_pdf", **{"from": years.start, "to": years.stop - 1}),
        **_context(views, years, errors),
    )


@bp.route("/medlemsrad.pdf")
@login_required
def county_pdf() -> ResponseReturnValue:
    """The county's medlemsråd view as a PDF."""
    rows = _county()
    years = _years(FormErrors(), _reported(rows))
    views = medlemsrad.view(db.session, rows, years.start, years.stop - 1)
    body = pdf.render(
        "medlemsrad/pdf.html",
        association=None,
        **_context(views, years, FormErrors(), printed=True),
    )
    return http.pdf_response(body, f"medlemsrad-{_span(years)}.pdf")


@bp.app_template_global("medlemsrad_links")
def medlemsrad_links() -> list[tuple[str, str]]:
    """One menu link: the county's view for whoever reads several associations (or an
    admin), else the view of the menu's association."""
    scope = permissions.medlemsrad_scope(current_user)
    label = gettext("Medlemsråd")
    if scope is None or len(scope) > 1:
        return [(label, url_for("medlemsrad.county"))]
    return [
        (label, url_for("medlemsrad.association", slug=a.slug))
        for a in associations.by_ids(db.session, in_menu(scope))
    ]
