"""The medlemsråd view: each association's insatser over a series of years, as the
associations present them to their members (seeds/001, "Redovisning av de tre förbundens
verksamhet och resultat": "15 av de 19 avslutade 2018 gick till arbete eller studier").

The reports counted are the statistics' (`statistics.counted_reports`: the accepted annual
report of an insats and year, else its accepted final report). Four statements serve any
number of associations, insatser and years: the reports' figures per insats and year, their
outcomes, the goals with the values reported, and what granting decisions gave per insats
and year. The association's totals per year are the sums of its insatser, in the statistics'
`YearFigures`.

The goals of an insats are free text (a description, an indicator, a target like "40 %"):
nothing says which measure a target is of, so the view shows the goal beside the measured
share to work or studies and compares nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, func, select

from workflow.errors import Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, Association, Decision, DecisionAmount
from workflow.models.reports import OUTCOMES, Report, ReportOutcome
from workflow.rules import statistics
from workflow.rules.budget import GRANTING_OUTCOMES
from workflow.rules.statistics import (
    GoalResult,
    InsatsFigures,
    Split,
    YearFigures,
    counted_reports,
    counting_association,
    goal_results,
    kronor,
    report_weight,
    whole_part,
)

# The outcomes that count as "to work or studies" (the seeds' measure): work, with or
# without a subsidy, and studies.
WORK_OR_STUDIES = ("work", "subsidised_work", "studies")
# Years side by side: a wider series no longer fits a page (nor an A4 sheet).
YEARS_MAX = 6
# The default span: the current year and the two before it.
DEFAULT_YEARS = 3


def choose_years(first: int | None, last: int | None, this_year: int) -> range:
    """The years asked for: `last` defaults to this year, `first` to two years before `last`;
    at most YEARS_MAX years (a problem names the field)."""
    last = last if last is not None else this_year
    first = first if first is not None else last - DEFAULT_YEARS + 1
    years = statistics.choose_years(None, first, last, this_year)
    if len(years) > YEARS_MAX:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("to", _l("At most %(n)s years at a time.", n=YEARS_MAX))],
        )
    return years


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` in whole percent, rounded half up; None when `whole` is 0."""
    if not whole:
        return None
    return kronor(Decimal(100 * part) / Decimal(whole))


def _add(a: Split, b: Split) -> Split:
    return Split(a.women + b.women, a.men + b.men)


def work_or_studies(outcomes: dict[str, Split]) -> Split:
    """Those who ended to work, subsidised work or studies."""
    total = Split()
    for name in WORK_OR_STUDIES:
        total = _add(total, outcomes[name])
    return total


@dataclass
class InsatsYear:
    """One insats in one year: its counted report's figures and the money granted for it."""

    year: int
    reports: int = 0
    participants: Split = field(default_factory=Split)
    new: Split = field(default_factory=Split)
    ended: Split = field(default_factory=Split)
    outcomes: dict[str, Split] = field(default_factory=lambda: {o: Split() for o in OUTCOMES})
    costs_sek: int = 0
    granted_sek: int = 0
    goals: list[GoalResult] = field(default_factory=list)

    @property
    def reported(self) -> bool:
        """Whether an accepted report counts for the year."""
        return self.reports > 0

    @property
    def to_work_or_studies(self) -> Split:
        return work_or_studies(self.outcomes)

    @property
    def share_percent(self) -> int | None:
        """The share of those who ended who went to work or studies, whole percent."""
        return percent(self.to_work_or_studies.total, self.ended.total)


@dataclass
class Insats:
    """An insats over the years: a year each, side by side."""

    application_id: int
    title: str | None
    diary_number: str | None
    years: list[InsatsYear]

    @property
    def ended(self) -> Split:
        """Everyone who ended in the years shown."""
        total = Split()
        for row in self.years:
            total = _add(total, row.ended)
        return total

    @property
    def to_work_or_studies(self) -> Split:
        """Everyone who ended to work or studies in the years shown."""
        total = Split()
        for row in self.years:
            total = _add(total, row.to_work_or_studies)
        return total

    @property
    def share_percent(self) -> int | None:
        return percent(self.to_work_or_studies.total, self.ended.total)

    @property
    def latest_reported(self) -> InsatsYear | None:
        """The last year with a counted report."""
        return next((row for row in reversed(self.years) if row.reported), None)

    @property
    def goals(self) -> list[GoalResult]:
        """The goals with the value of the last year that reported them."""
        latest = self.latest_reported
        return latest.goals if latest else []


@dataclass
class AssociationView:
    """One association: its totals per year, its money per year and its insatser."""

    association_id: int
    slug: str
    name: str
    years: list[YearFigures]
    granted_sek: dict[int, int]
    insatser: list[Insats]

    @property
    def latest(self) -> YearFigures:
        return self.years[-1]


def county_total(views: Sequence[AssociationView]) -> tuple[YearFigures, int]:
    """The last year of every association added up, and what was granted for it."""
    year = views[0].latest.year if views else 0
    total = YearFigures(year)
    for v in views:
        row = v.latest
        total.reports += row.reports
        total.participants = _add(total.participants, row.participants)
        total.new = _add(total.new, row.new)
        total.ended = _add(total.ended, row.ended)
        for name in OUTCOMES:
            total.outcomes[name] = _add(total.outcomes[name], row.outcomes[name])
        total.costs_sek += row.costs_sek
    return total, sum(v.granted_sek[year] for v in views)


def share_of(row: YearFigures) -> int | None:
    """A year's share of those who ended who went to work or studies, whole percent."""
    return percent(work_or_studies(row.outcomes).total, row.ended.total)


def view(
    session: Session, associations: Sequence[Association], first: int, last: int
) -> list[AssociationView]:
    """The medlemsråd figures of the associations for the years first..last (four statements)."""
    ids = [a.id for a in associations if a.id is not None]
    span = range(first, last + 1)
    insatser: dict[int, dict[int, Insats]] = {i: {} for i in ids}

    def insats(association_id: int, app_id: int, title: str | None, diary: str | None) -> Insats:
        found = insatser[association_id].get(app_id)
        if found is None:
            found = Insats(app_id, title, diary, [InsatsYear(y) for y in span])
            insatser[association_id][app_id] = found
        return found

    if ids:
        counted = counted_reports(ids, first, last)
        # A shared insats counts by the financing share of the associations shown (once for
        # a county holding every share), under its lead or else the first co-financer shown.
        weight = report_weight(ids)
        by_key: dict[tuple[int, int], InsatsYear] = {}
        for row in _report_rows(session, counted, weight, counting_association(ids)):
            (assoc_id, year, app_id, title, diary, n, pw, pm, nw, nm, ew, em, costs) = row
            cell = insats(assoc_id, app_id, title, diary).years[year - first]
            cell.reports = int(n)
            cell.participants = Split(whole_part(pw), whole_part(pm))
            cell.new = Split(whole_part(nw), whole_part(nm))
            cell.ended = Split(whole_part(ew), whole_part(em))
            cell.costs_sek = whole_part(costs)
            by_key[(year, app_id)] = cell
        for year, app_id, outcome, women, men in _outcome_rows(session, counted, weight):
            by_key[(year, app_id)].outcomes[outcome] = Split(whole_part(women), whole_part(men))
        for key, results in goal_results(session, counted).items():
            if key in by_key:
                by_key[key].goals = results
        for assoc_id, year, app_id, title, diary, amount in _granted_rows(
            session, ids, first, last
        ):
            insats(assoc_id, app_id, title, diary).years[year - first].granted_sek = int(amount)
    views = []
    for association in sorted(associations, key=lambda a: (a.name, a.id)):
        rows = sorted(
            insatser[association.id].values(),  # type: ignore[index]
            key=lambda i: (i.diary_number is None, i.diary_number or "", i.application_id),
        )
        views.append(
            AssociationView(
                association.id,  # type: ignore[arg-type]
                association.slug,
                association.name,
                _totals(rows, span),
                {y: sum(i.years[y - first].granted_sek for i in rows) for y in span},
                rows,
            )
        )
    return views


def _totals(insatser: Iterable[Insats], span: range) -> list[YearFigures]:
    """The association's years: the sums of its insatser's counted reports."""
    years = {y: YearFigures(y) for y in span}
    for insats in insatser:
        for cell in insats.years:
            if not cell.reported:
                continue
            row = years[cell.year]
            row.reports += cell.reports
            row.participants = _add(row.participants, cell.participants)
            row.new = _add(row.new, cell.new)
            row.ended = _add(row.ended, cell.ended)
            for name in OUTCOMES:
                row.outcomes[name] = _add(row.outcomes[name], cell.outcomes[name])
            row.costs_sek += cell.costs_sek
            row.insatser.append(
                InsatsFigures(
                    insats.application_id,
                    insats.title,
                    insats.diary_number,
                    cell.participants,
                    cell.costs_sek,
                    cell.goals,
                )
            )
    return [years[y] for y in span]


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def _report_rows(session: Session, counted: Any, weight: Any, holder: Any) -> list[Any]:
    """Per association, year and insats: the counted reports' figures × their weight."""
    return list(
        session.exec(
            select(
                holder,
                Report.year,
                Application.id,
                Application.title,
                Application.diary_number,
                func.count(Report.id),  # type: ignore[arg-type]
                _sum(Report.participants_women * weight),
                _sum(Report.participants_men * weight),
                _sum(Report.new_women * weight),
                _sum(Report.new_men * weight),
                _sum(Report.ended_women * weight),
                _sum(Report.ended_men * weight),
                _sum(Report.costs_sek * weight),
            )
            .join(Application, Application.id == Report.application_id)  # type: ignore[arg-type]
            .where(counted)
            .group_by(
                holder,
                Report.year,
                Application.id,
                Application.title,
                Application.diary_number,
            )
        ).all()
    )


def _outcome_rows(session: Session, counted: Any, weight: Any) -> list[Any]:
    """Per year, insats and outcome: where those who ended went, women and men × weight."""
    return list(
        session.exec(
            select(
                Report.year,
                Report.application_id,
                ReportOutcome.outcome,
                _sum(ReportOutcome.women * weight),
                _sum(ReportOutcome.men * weight),
            )
            .join(Report, Report.id == ReportOutcome.report_id)  # type: ignore[arg-type]
            .where(counted)
            .group_by(Report.year, Report.application_id, ReportOutcome.outcome)
        ).all()
    )


def _granted_rows(session: Session, ids: list[int], first: int, last: int) -> list[Any]:
    """Per association, year and insats: what granting decisions gave (the budget's
    committed amounts, `budget.committed_by_application`, for several associations)."""
    return list(
        session.exec(
            select(
                Decision.association_id,
                DecisionAmount.year,
                Application.id,
                Application.title,
                Application.diary_number,
                _sum(DecisionAmount.amount_sek),
            )
            .join(Decision, Decision.id == DecisionAmount.decision_id)  # type: ignore[arg-type]
            .join(Application, Application.id == Decision.application_id)  # type: ignore[arg-type]
            .where(
                Decision.association_id.in_(ids),  # type: ignore[attr-defined]
                Decision.outcome.in_(GRANTING_OUTCOMES),  # type: ignore[attr-defined]
                DecisionAmount.year >= first,
                DecisionAmount.year <= last,
            )
            .group_by(
                Decision.association_id,
                DecisionAmount.year,
                Application.id,
                Application.title,
                Application.diary_number,
            )
        ).all()
    )


# --- the API's shape ------------------------------------------------------------------------------


def _figures_json(row: Any) -> dict[str, Any]:
    """The figures a year of an insats and a year of an association share."""
    to_work = work_or_studies(row.outcomes)
    return {
        "year": row.year,
        "reports": row.reports,
        "participants": row.participants.as_dict(),
        "new": row.new.as_dict(),
        "ended": row.ended.as_dict(),
        "outcomes": {name: row.outcomes[name].as_dict() for name in OUTCOMES},
        "to_work_or_studies": to_work.as_dict(),
        "share_percent": percent(to_work.total, row.ended.total),
        "costs_sek": row.costs_sek,
    }


def view_json(view: AssociationView, years: range) -> dict[str, Any]:
    """One association's medlemsråd figures as the API gives them."""
    return {
        "from": years.start,
        "to": years.stop - 1,
        "association": {"slug": view.slug, "name": view.name},
        "years": [
            {**_figures_json(row), "granted_sek": view.granted_sek[row.year]} for row in view.years
        ],
        "insatser": [
            {
                "application_id": i.application_id,
                "title": i.title,
                "diary_number": i.diary_number,
                "ended": i.ended.as_dict(),
                "to_work_or_studies": i.to_work_or_studies.as_dict(),
                "share_percent": i.share_percent,
                "years": [
                    {
                        **_figures_json(cell),
                        "granted_sek": cell.granted_sek,
                        "goals": [
                            {"description": g.description, "target": g.target, "value": g.value}
                            for g in cell.goals
                        ],
                    }
                    for cell in i.years
                ],
            }
            for i in view.insatser
        ],
    }
