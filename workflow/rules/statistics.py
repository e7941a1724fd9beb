"""The association's statistics per year, counted in SQL from accepted reports only.

Which reports count: for each insats and year its accepted annual report; a year with no
accepted annual report but an accepted final report (an insats shorter than a year, or
one reporting only at the end) counts the final report instead, so no year is counted twice.

Every query groups by year (and by outcome, source, insats or goal): a range of years costs
the same six statements whatever the number of reports. Money is whole kronor, rounded
half up with Decimal; the payback time has one decimal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from states.report import ReportState
from workflow import labels, limits
from workflow.errors import Problem, ValidationFailed
from workflow.i18n import _l
from workflow.labels import OUTCOME_LABELS, SUPPORT_LABELS
from workflow.models import Application, Association, Goal
from workflow.models.reports import (
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
    Report,
    ReportGoalResult,
    ReportOutcome,
    ReportSupport,
)
from workflow.models.statistics import (
    DEFAULT_FULL_TIME_MONTH_SEK,
    DEFAULT_STUDIES_SHARE,
    DEFAULT_SUBSIDISED_SHARE,
    SocioeconomicParameters,
)
from workflow.rules.tables import Sheet

# A series covers at most this many years (one page, one export).
SERIES_MAX = 20
ONE = Decimal(1)
TENTH = Decimal("0.1")


def kronor(value: Decimal) -> int:
    """Whole kronor, rounded half up (0.5 → 1)."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP))


# --- parameters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameters:
    """What the socio-economic estimate counts an outcome as worth a month."""

    full_time_month_sek: int = DEFAULT_FULL_TIME_MONTH_SEK
    subsidised_share: Decimal = DEFAULT_SUBSIDISED_SHARE
    studies_share: Decimal = DEFAULT_STUDIES_SHARE
    version: int | None = None


def parameters(session: Session, association: Association) -> Parameters:
    """The association's parameters, or the seeds' defaults when it has set none."""
    row = session.get(SocioeconomicParameters, association.id)
    if row is None:
        return Parameters()
    return Parameters(
        row.full_time_month_sek,
        Decimal(row.subsidised_share),
        Decimal(row.studies_share),
        row.version,
    )


# --- the figures -------------------------------------------------------------------------------


@dataclass
class Split:
    """One figure by women and men."""

    women: int = 0
    men: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men

    def as_dict(self) -> dict[str, int]:
        return {"women": self.women, "men": self.men, "total": self.total}


@dataclass
class GoalResult:
    """A goal of an insats with its target and the value reported for the year."""

    description: str
    target: str | None
    value: str | None


@dataclass
class InsatsFigures:
    """One insats's reported figures for a year."""

    application_id: int
    title: str | None
    diary_number: str | None
    participants: Split
    costs_sek: int
    goals: list[GoalResult] = field(default_factory=list)


@dataclass
class Socioeconomic:
    """The estimated value of the outcomes and the payback time of the costs."""

    monthly_value_sek: int
    yearly_value_sek: int
    payback_months: Decimal | None
    parameters: Parameters


@dataclass
class YearFigures:
    """Everything the statistics show for one year."""

    year: int
    reports: int = 0
    participants: Split = field(default_factory=Split)
    new: Split = field(default_factory=Split)
    ended: Split = field(default_factory=Split)
    outcomes: dict[str, Split] = field(default_factory=lambda: {o: Split() for o in OUTCOMES})
    costs_sek: int = 0
    support: dict[str, dict[str, Split]] = field(
        default_factory=lambda: {p: {s: Split() for s in SUPPORT_SOURCES} for p in SUPPORT_PHASES}
    )
    insatser: list[InsatsFigures] = field(default_factory=list)
    socioeconomic: Socioeconomic | None = None

    @property
    def cost_per_participant_sek(self) -> int | None:
        """Costs over participants, whole kronor; None without participants."""
        if not self.participants.total:
            return None
        return kronor(Decimal(self.costs_sek) / Decimal(self.participants.total))

    @property
    def support_reported(self) -> bool:
        """Whether any report of the year gave the participants' support."""
        return any(s.total for phase in self.support.values() for s in phase.values())


def estimate(costs_sek: int, outcomes: dict[str, Split], params: Parameters) -> Socioeconomic:
    """The monthly value of the year's outcomes and how many months it takes to pay back.

    monthly = full time × (work + subsidised share × subsidised work + studies share ×
    studies), in whole kronor; yearly = 12 × monthly; payback = costs ÷ monthly, one decimal.
    """
    jobs = (
        Decimal(outcomes["work"].total)
        + params.subsidised_share * outcomes["subsidised_work"].total
        + params.studies_share * outcomes["studies"].total
    )
    monthly = kronor(Decimal(params.full_time_month_sek) * jobs)
    payback = (
        (Decimal(costs_sek) / Decimal(monthly)).quantize(TENTH, rounding=ROUND_HALF_UP)
        if monthly
        else None
    )
    return Socioeconomic(monthly, 12 * monthly, payback, params)


def counted_reports(association_id: int, first: int, last: int) -> Any:
    """SQL: the accepted reports that count for the association's years first..last."""
    annual = aliased(Report)
    # The constant association and years repeat what the correlation implies: they let the
    # planner read only this association's reports (by index) instead of every report.
    has_annual = exists().where(
        annual.application_id == Report.application_id,
        annual.year == Report.year,
        annual.kind == "annual",
        annual.state == ReportState.ACCEPTED.value,
        annual.association_id == association_id,
        annual.year >= first,
        annual.year <= last,
    )
    return and_(
        Report.association_id == association_id,
        Report.state == ReportState.ACCEPTED.value,
        Report.year >= first,
        Report.year <= last,
        or_(Report.kind == "annual", and_(Report.kind == "final", ~has_annual)),
    )


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def figures(session: Session, association: Association, first: int, last: int) -> list[YearFigures]:
    """The statistics of every year first..last (six statements in all)."""
    years = {y: YearFigures(y) for y in range(first, last + 1)}
    counted = counted_reports(association.id, first, last)  # type: ignore[arg-type]
    totals = session.exec(
        select(
            Report.year,
            func.count(Report.id),  # type: ignore[arg-type]
            _sum(Report.participants_women),
            _sum(Report.participants_men),
            _sum(Report.new_women),
            _sum(Report.new_men),
            _sum(Report.ended_women),
            _sum(Report.ended_men),
            _sum(Report.costs_sek),
        )
        .where(counted)
        .group_by(Report.year)
    ).all()
    for year, n, pw, pm, nw, nm, ew, em, costs in totals:
        row = years[year]
        row.reports = int(n)
        row.participants = Split(int(pw), int(pm))
        row.new = Split(int(nw), int(nm))
        row.ended = Split(int(ew), int(em))
        row.costs_sek = int(costs)
    for year, outcome, women, men in session.exec(
        select(
            Report.year, ReportOutcome.outcome, _sum(ReportOutcome.women), _sum(ReportOutcome.men)
        )
        .join(Report, Report.id == ReportOutcome.report_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, ReportOutcome.outcome)
    ).all():
        years[year].outcomes[outcome] = Split(int(women), int(men))
    for year, phase, source, women, men in session.exec(
        select(
            Report.year,
            ReportSupport.phase,
            ReportSupport.source,
            _sum(ReportSupport.women),
            _sum(ReportSupport.men),
        )
        .join(Report, Report.id == ReportSupport.report_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, ReportSupport.phase, ReportSupport.source)
    ).all():
        years[year].support[phase][source] = Split(int(women), int(men))
    _insatser(session, years, counted)
    params = parameters(session, association)
    for row in years.values():
        row.socioeconomic = estimate(row.costs_sek, row.outcomes, params)
    return [years[y] for y in sorted(years)]


def _insatser(session: Session, years: dict[int, YearFigures], counted: Any) -> None:
    """Per insats and year: participants, costs and each goal with its reported value."""
    by_key: dict[tuple[int, int], InsatsFigures] = {}
    for year, app_id, title, diary, pw, pm, costs in session.exec(
        select(
            Report.year,
            Application.id,
            Application.title,
            Application.diary_number,
            _sum(Report.participants_women),
            _sum(Report.participants_men),
            _sum(Report.costs_sek),
        )
        .join(Application, Application.id == Report.application_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, Application.id, Application.title, Application.diary_number)
        .order_by(Report.year, Application.diary_number, Application.id)  # type: ignore[arg-type]
    ).all():
        figures_row = InsatsFigures(app_id, title, diary, Split(int(pw), int(pm)), int(costs))
        by_key[(year, app_id)] = figures_row
        years[year].insatser.append(figures_row)
    if not by_key:
        return
    # Every goal of the insatser reported on, with the value of that year's counted report.
    goals = defaultdict(list)
    rows = session.exec(
        select(
            Report.year,
            Goal.application_id,
            Goal.position,
            Goal.description,
            Goal.target,
            ReportGoalResult.value,
        )
        .join(Goal, Goal.application_id == Report.application_id)  # type: ignore[arg-type]
        .outerjoin(
            ReportGoalResult,
            and_(
                ReportGoalResult.report_id == Report.id,  # type: ignore[arg-type]
                ReportGoalResult.goal_index == Goal.position,
            ),
        )
        .where(counted)
        .order_by(Report.year, Goal.application_id, Goal.position)  # type: ignore[arg-type]
    ).all()
    for year, app_id, _position, description, target, value in rows:
        goals[(year, app_id)].append(GoalResult(description, target, value))
    for key, results in goals.items():
        if key in by_key:
            by_key[key].goals = results


# --- the request's years -----------------------------------------------------------------------


def choose_years(year: int | None, first: int | None, last: int | None, default: int) -> range:
    """The years asked for: one year, or a series from..to (at most SERIES_MAX years)."""
    problems = []
    for name, value in (("year", year), ("from", first), ("to", last)):
        if value is not None and not limits.YEAR_MIN <= value <= limits.YEAR_MAX:
            problems.append(
                Problem(
                    name,
                    _l(
                        "Must be between %(min)s and %(max)s.",
                        min=limits.YEAR_MIN,
                        max=limits.YEAR_MAX,
                    ),
                )
            )
    if not problems and (first is not None or last is not None):
        start = first if first is not None else (last or default)
        end = last if last is not None else (first or default)
        if start > end:
            problems.append(Problem("to", _l("The last year comes before the first.")))
        elif end - start + 1 > SERIES_MAX:
            problems.append(Problem("to", _l("At most %(n)s years at a time.", n=SERIES_MAX)))
        if not problems:
            return range(start, end + 1)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    single = year if year is not None else default
    return range(single, single + 1)


# --- the API's shape and the exports --------------------------------------------------------------


def year_json(row: YearFigures) -> dict[str, Any]:
    """One year as API.md's "Statistics" gives it, plus the support shift when reported."""
    socio = row.socioeconomic
    assert socio is not None  # `figures` always estimates
    params = socio.parameters
    return {
        "year": row.year,
        "participants": row.participants.as_dict(),
        "new": row.new.as_dict(),
        "ended": row.ended.as_dict(),
        "outcomes": {name: row.outcomes[name].as_dict() for name in OUTCOMES},
        "costs_sek": row.costs_sek,
        "cost_per_participant_sek": row.cost_per_participant_sek,
        "socioeconomic": {
            "monthly_value_sek": socio.monthly_value_sek,
            "yearly_value_sek": socio.yearly_value_sek,
            "payback_months": float(socio.payback_months)
            if socio.payback_months is not None
            else None,
            "parameters": {
                "full_time_month_sek": params.full_time_month_sek,
                "subsidised_share": float(params.subsidised_share),
                "studies_share": float(params.studies_share),
            },
        },
        "insatser": [
            {
                "application_id": i.application_id,
                "title": i.title,
                "diary_number": i.diary_number,
                "participants": i.participants.as_dict(),
                "costs_sek": i.costs_sek,
                "goals": [
                    {"description": g.description, "target": g.target, "value": g.value}
                    for g in i.goals
                ],
            }
            for i in row.insatser
        ],
        "support": {
            phase: {source: row.support[phase][source].as_dict() for source in SUPPORT_SOURCES}
            for phase in SUPPORT_PHASES
        }
        if row.support_reported
        else None,
    }


def _labels() -> tuple[dict[str, Any], dict[str, Any]]:
    # The report's labels, so a statistic says "Studier" exactly as its report does.
    return labels.OUTCOME_LABELS, labels.SUPPORT_LABELS


def _split_cells(split: Split) -> list[int]:
    return [split.women, split.men, split.total]


YEAR_COLUMN = frozenset({0})


def sheets(rows: list[YearFigures]) -> list[Sheet]:
    """The statistics as tables: a sheet per table in XLSX, sections of one CSV."""
    gender = [str(_l("Women")), str(_l("Men")), str(_l("Total"))]
    people = Sheet(
        str(_l("Participants")),
        [str(_l("Year")), str(_l("Figure")), *gender],
        [
            [row.year, str(label), *_split_cells(split)]
            for row in rows
            for label, split in (
                (_l("Participants"), row.participants),
                (_l("New participants"), row.new),
                (_l("Participants who ended"), row.ended),
            )
        ],
    )
    outcomes = Sheet(
        str(_l("Outcomes")),
        [str(_l("Year")), str(_l("Outcome")), *gender],
        [
            [row.year, str(OUTCOME_LABELS.get(name, name)), *_split_cells(row.outcomes[name])]
            for row in rows
            for name in OUTCOMES
        ],
    )
    costs = Sheet(
        str(_l("Costs")),
        [
            str(_l("Year")),
            str(_l("Costs (SEK)")),
            str(_l("Cost per participant (SEK)")),
            str(_l("Monthly value (SEK)")),
            str(_l("Yearly value (SEK)")),
            str(_l("Payback (months)")),
            str(_l("Full-time job a month (SEK)")),
            str(_l("Subsidised work, share")),
            str(_l("Studies, share")),
        ],
        [
            [
                row.year,
                row.costs_sek,
                row.cost_per_participant_sek,
                row.socioeconomic.monthly_value_sek,
                row.socioeconomic.yearly_value_sek,
                row.socioeconomic.payback_months,
                row.socioeconomic.parameters.full_time_month_sek,
                row.socioeconomic.parameters.subsidised_share,
                row.socioeconomic.parameters.studies_share,
            ]
            for row in rows
            if row.socioeconomic is not None
        ],
    )
    insatser = Sheet(
        str(_l("Insatser")),
        [
            str(_l("Year")),
            str(_l("Diary number")),
            str(_l("Title")),
            *gender,
            str(_l("Costs (SEK)")),
        ],
        [
            [row.year, i.diary_number, i.title, *_split_cells(i.participants), i.costs_sek]
            for row in rows
            for i in row.insatser
        ],
    )
    goals = Sheet(
        str(_l("Goals")),
        [
            str(_l("Year")),
            str(_l("Diary number")),
            str(_l("Goal")),
            str(_l("Target")),
            str(_l("Reported value")),
        ],
        [
            [row.year, i.diary_number, g.description, g.target, g.value]
            for row in rows
            for i in row.insatser
            for g in i.goals
        ],
    )
    support = Sheet(
        str(_l("Support")),
        [str(_l("Year")), str(_l("When")), str(_l("Main source of support")), *gender],
        [
            [
                row.year,
                str(_l("At start") if phase == "start" else _l("At end")),
                str(SUPPORT_LABELS.get(source, source)),
                *_split_cells(row.support[phase][source]),
            ]
            for row in rows
            if row.support_reported
            for phase in SUPPORT_PHASES
            for source in SUPPORT_SOURCES
        ],
    )
    tables = [people, outcomes, costs, insatser, goals, support]
    # Every table's first column is the year: a name, not an amount.
    for table in tables:
        table.plain = YEAR_COLUMN
    return tables


def csv_rows(rows: list[YearFigures]) -> tuple[list[str], list[list[Any]]]:
    """The statistics as one long table: year, section, item, women, men, total, value."""
    header = [
        str(_l("Year")),
        str(_l("Section")),
        str(_l("Item")),
        str(_l("Women")),
        str(_l("Men")),
        str(_l("Total")),
        str(_l("Value")),
    ]
    out: list[list[Any]] = []
    for row in rows:
        people = str(_l("Participants"))
        for label, split in (
            (_l("Participants"), row.participants),
            (_l("New participants"), row.new),
            (_l("Participants who ended"), row.ended),
        ):
            out.append([row.year, people, str(label), *_split_cells(split), None])
        for name in OUTCOMES:
            out.append(
                [
                    row.year,
                    str(_l("Outcomes")),
                    str(OUTCOME_LABELS.get(name, name)),
                    *_split_cells(row.outcomes[name]),
                    None,
                ]
            )
        socio = row.socioeconomic
        assert socio is not None
        for label, value in (
            (_l("Costs (SEK)"), row.costs_sek),
            (_l("Cost per participant (SEK)"), row.cost_per_participant_sek),
            (_l("Monthly value (SEK)"), socio.monthly_value_sek),
            (_l("Yearly value (SEK)"), socio.yearly_value_sek),
            (_l("Payback (months)"), socio.payback_months),
        ):
            out.append([row.year, str(_l("Costs")), str(label), None, None, None, value])
        for insats in row.insatser:
            name = " ".join(p for p in (insats.diary_number, insats.title) if p)
            out.append(
                [
                    row.year,
                    str(_l("Insatser")),
                    name,
                    *_split_cells(insats.participants),
                    insats.costs_sek,
                ]
            )
            for goal in insats.goals:
                target = f" ({goal.target})" if goal.target else ""
                out.append(
                    [
                        row.year,
                        str(_l("Goals")),
                        f"{insats.diary_number or ''}: {goal.description}{target}",
                        None,
                        None,
                        None,
                        goal.value,
                    ]
                )
        if row.support_reported:
            for phase in SUPPORT_PHASES:
                section = str(_l("Support at start") if phase == "start" else _l("Support at end"))
                for source in SUPPORT_SOURCES:
                    out.append(
                        [
                            row.year,
                            section,
                            str(SUPPORT_LABELS.get(source, source)),
                            *_split_cells(row.support[phase][source]),
                            None,
                        ]
                    )
    return header, out
