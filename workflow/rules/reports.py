"""Report content: the figures' checks and tables, and the report's application."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session

from workflow.errors import Problem
from workflow.i18n import _l
from workflow.models import Application
from workflow.models.reports import (
    AGE_BANDS,
    ATTENDEE_CATEGORIES,
    FULL_TIME_OUTCOMES,
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
    Report,
)

COUNT_FIELDS = (
    "participants_women",
    "participants_men",
    "new_women",
    "new_men",
    "ended_women",
    "ended_men",
)

# Köplats: women and men waiting for a place at the end of the year.
WAITING_FIELDS = ("waiting_women", "waiting_men")
GENDERS = ("women", "men")

# One row of a breakdown: (member_id or None for outside the area, women, men).
ResidenceRow = tuple[int | None, int, int]
# (age band, women, men)
AgeRow = tuple[str, int, int]
# (category, total, women or None, men or None)
AttendanceRow = tuple[str, int, int | None, int | None]


def report_counts(report: Report) -> dict[str, int]:
    return {name: getattr(report, name) for name in COUNT_FIELDS}


def outcome_table(report: Report) -> dict[str, dict[str, int]]:
    """Every outcome with its women and men (zero when not reported)."""
    table = {name: {"women": 0, "men": 0} for name in OUTCOMES}
    for row in report.outcomes:
        table[row.outcome] = {"women": row.women, "men": row.men}
    return table


def heltider_table(report: Report) -> dict[str, Decimal | None]:
    """The heltider of work, subsidised work and studies; None where the report gave none."""
    table: dict[str, Decimal | None] = dict.fromkeys(FULL_TIME_OUTCOMES)
    for row in report.outcomes:
        if row.outcome in table and row.full_time_equivalents is not None:
            table[row.outcome] = Decimal(row.full_time_equivalents)
    return table


def heltider_problems(
    outcomes: dict[str, dict[str, int]], heltider: dict[str, Decimal | None]
) -> list[Problem]:
    """Heltider are at least 0, in hundredths, and at most one for each person of the outcome."""
    problems = []
    for outcome, value in heltider.items():
        if value is None:
            continue
        name = f"heltider.{outcome}"
        persons = sum((outcomes.get(outcome) or {}).get(g, 0) for g in GENDERS)
        if not value.is_finite() or value < 0:
            problems.append(Problem(name, _l("Must be at least %(n)s.", n=0)))
        elif value != value.quantize(Decimal("0.01")):
            problems.append(Problem(name, _l("At most two decimals.")))
        elif value > persons:
            problems.append(
                Problem(name, _l("At most one heltid a person (%(n)s persons).", n=persons))
            )
    return problems


def support_table(report: Report) -> dict[str, dict[str, dict[str, int]]]:
    """Main source of support at start and end, every source, by gender (zero when absent)."""
    table = {
        phase: {source: {"women": 0, "men": 0} for source in SUPPORT_SOURCES}
        for phase in SUPPORT_PHASES
    }
    for row in report.supports:
        table[row.phase][row.source] = {"women": row.women, "men": row.men}
    return table


def residence_rows(report: Report) -> list[ResidenceRow]:
    """The stored participants by municipality of residence (outside the area last)."""
    rows = [(r.member_id, r.women, r.men) for r in report.residences]
    return sorted(rows, key=lambda r: (r[0] is None, r[0] or 0))


def age_rows(report: Report) -> list[AgeRow]:
    """The stored participants by age band, in band order."""
    order = {band: i for i, band in enumerate(AGE_BANDS)}
    return sorted(((r.band, r.women, r.men) for r in report.ages), key=lambda r: order[r[0]])


def age_table(report: Report) -> dict[str, dict[str, int]]:
    """Every age band with its women and men (zero when not reported)."""
    table = {band: {"women": 0, "men": 0} for band in AGE_BANDS}
    for band, women, men in age_rows(report):
        table[band] = {"women": women, "men": men}
    return table


def attendance_rows(report: Report) -> list[AttendanceRow]:
    """The stored attendees of a structural insats, in category order."""
    order = {c: i for i, c in enumerate(ATTENDEE_CATEGORIES)}
    return sorted(
        ((r.category, r.total, r.women, r.men) for r in report.attendance),
        key=lambda r: order[r[0]],
    )


def _given(rows: list[Any], counts: slice) -> bool:
    """Whether a breakdown says anything: some row with a count above zero."""
    return any(value for row in rows for value in row[counts] if value)


def _sum_message(name: str, gender: str, total: int, taking_part: int) -> Any:
    """The Swedish-translatable refusal of a breakdown that does not add up."""
    if name == "residence" and gender == "women":
        return _l(
            "The women by municipality of residence must add up to the women taking part:"
            " %(sum)s given, %(n)s took part.",
            sum=total,
            n=taking_part,
        )
    if name == "residence":
        return _l(
            "The men by municipality of residence must add up to the men taking part:"
            " %(sum)s given, %(n)s took part.",
            sum=total,
            n=taking_part,
        )
    if gender == "women":
        return _l(
            "The women by age must add up to the women taking part: %(sum)s given,"
            " %(n)s took part.",
            sum=total,
            n=taking_part,
        )
    return _l(
        "The men by age must add up to the men taking part: %(sum)s given, %(n)s took part.",
        sum=total,
        n=taking_part,
    )


def _sum_problems(name: str, rows: list[Any], participants: dict[str, int]) -> list[Problem]:
    """A breakdown is optional; given, each gender adds up to that gender's participants."""
    if not _given(rows, slice(1, 3)):
        return []
    problems = []
    for index, gender in enumerate(GENDERS, start=1):
        total = sum(row[index] for row in rows)
        taking_part = participants.get(gender, 0)
        if total != taking_part:
            problems.append(
                Problem(f"{name}.{gender}", _sum_message(name, gender, total, taking_part))
            )
    return problems


def _nonnegative(name: str, value: int | None) -> list[Problem]:
    if value is not None and value < 0:
        return [Problem(name, _l("Must be at least %(n)s.", n=0))]
    return []


def breakdown_problems(
    participants: dict[str, int],
    *,
    residence: list[ResidenceRow] | None = None,
    ages: list[AgeRow] | None = None,
    attendance: list[AttendanceRow] | None = None,
    municipalities: set[int] | None = None,
) -> list[Problem]:
    """The breakdowns' checks, each naming its field.

    Residence and age are optional, but given they add up, for each gender, to the report's
    participants of that gender (`residence.women`, `ages.men`). A residence row names a
    municipality member of the association (`municipalities`, when given) or None for outside
    the area, once each. An attendance row's women and men, when given, are at most its total.
    """
    problems: list[Problem] = []
    if residence is not None:
        seen: set[int | None] = set()
        for i, (member_id, women, men) in enumerate(residence):
            problems += _nonnegative(f"residence.{i}.women", women)
            problems += _nonnegative(f"residence.{i}.men", men)
            if (
                member_id is not None
                and municipalities is not None
                and member_id not in municipalities
            ):
                problems.append(
                    Problem(
                        f"residence.{i}.member_id", _l("Not a municipality of the association.")
                    )
                )
            elif member_id in seen:
                problems.append(
                    Problem(f"residence.{i}.member_id", _l("This municipality is given twice."))
                )
            seen.add(member_id)
        if not problems:
            problems += _sum_problems("residence", residence, participants)
    if ages is not None:
        age_problems: list[Problem] = []
        seen_bands: set[str] = set()
        for i, (band, women, men) in enumerate(ages):
            age_problems += _nonnegative(f"ages.{i}.women", women)
            age_problems += _nonnegative(f"ages.{i}.men", men)
            if band not in AGE_BANDS:
                age_problems.append(Problem(f"ages.{i}.band", _l("No such age band.")))
            elif band in seen_bands:
                age_problems.append(Problem(f"ages.{i}.band", _l("This age band is given twice.")))
            seen_bands.add(band)
        problems += age_problems or _sum_problems("ages", ages, participants)
    if attendance is not None:
        seen_categories: set[str] = set()
        for i, (category, total, women, men) in enumerate(attendance):
            row_problems = _nonnegative(f"attendance.{i}.total", total)
            row_problems += _nonnegative(f"attendance.{i}.women", women)
            row_problems += _nonnegative(f"attendance.{i}.men", men)
            if category not in ATTENDEE_CATEGORIES:
                row_problems.append(Problem(f"attendance.{i}.category", _l("No such category.")))
            elif category in seen_categories:
                row_problems.append(
                    Problem(f"attendance.{i}.category", _l("This category is given twice."))
                )
            seen_categories.add(category)
            split = (women or 0) + (men or 0)
            if not row_problems and split > total:
                row_problems.append(
                    Problem(
                        f"attendance.{i}.total",
                        _l(
                            "Women and men together may not exceed the total:"
                            " %(sum)s given, %(n)s in all.",
                            sum=split,
                            n=total,
                        ),
                    )
                )
            problems += row_problems
    return problems


def report_breakdown_problems(report: Report) -> list[Problem]:
    """The stored breakdowns' checks (the submit guard): sums and attendance totals."""
    return breakdown_problems(
        {"women": report.participants_women, "men": report.participants_men},
        residence=residence_rows(report),
        ages=age_rows(report),
        attendance=attendance_rows(report),
    )


def figure_problems(
    counts: dict[str, int | None],
    outcomes: dict[str, dict[str, int]],
    costs: Any,
    support: dict[str, dict[str, dict[str, int]]] | None = None,
    *,
    budget: Any = None,
    activities: Any = None,
) -> list[Problem]:
    """Every figure check of a report, each naming its field."""
    problems = []
    for name, value in counts.items():
        if value is not None and value < 0:
            problems.append(Problem(name, _l("Must be at least %(n)s.", n=0)))
    for outcome, by_gender in outcomes.items():
        for gender, value in by_gender.items():
            if value < 0:
                problems.append(
                    Problem(f"outcomes.{outcome}.{gender}", _l("Must be at least %(n)s.", n=0))
                )
    if support:
        for phase, sources in support.items():
            for source, by_gender in sources.items():
                for gender, value in by_gender.items():
                    if value < 0:
                        problems.append(
                            Problem(
                                f"support.{phase}.{source}.{gender}",
                                _l("Must be at least %(n)s.", n=0),
                            )
                        )
    if costs is not None and (isinstance(costs, bool) or not isinstance(costs, int)):
        problems.append(Problem("costs_sek", _l("Give the costs in whole kronor.")))
    elif costs is not None and costs < 0:
        problems.append(Problem("costs_sek", _l("Must be at least %(n)s.", n=0)))
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)):
        problems.append(Problem("budget_sek", _l("Give the budget in whole kronor.")))
    else:
        problems += _nonnegative("budget_sek", budget)
    problems += _nonnegative("activities", activities)
    for gender in GENDERS:
        total = counts.get(f"participants_{gender}") or 0
        for kind in ("ended", "new"):
            value = counts.get(f"{kind}_{gender}") or 0
            if value > total:
                message = (
                    _l("More ended than took part (%(n)s).", n=total)
                    if kind == "ended"
                    else _l("More new than took part (%(n)s).", n=total)
                )
                problems.append(Problem(f"{kind}_{gender}", message))
        ended = counts.get(f"ended_{gender}") or 0
        outcome_sum = sum(o.get(gender, 0) for o in outcomes.values())
        if outcome_sum != ended:
            problems.append(
                Problem(
                    f"outcomes.{gender}",
                    _l(
                        "Where those who ended went must add up to the number who ended:"
                        " %(sum)s given, %(ended)s ended.",
                        sum=outcome_sum,
                        ended=ended,
                    ),
                )
            )
    return problems


def goal_problems(app: Application, results: list[tuple[int, str]]) -> list[Problem]:
    """Goal results must name a goal of the application, once each, with a value."""
    positions = {g.position for g in app.goals}
    problems = []
    seen: set[int] = set()
    for i, (index, value) in enumerate(results):
        if index not in positions:
            problems.append(
                Problem(f"goal_results.{i}.goal_index", _l("The application has no such goal."))
            )
        elif index in seen:
            problems.append(
                Problem(f"goal_results.{i}.goal_index", _l("This goal is reported twice."))
            )
        if not value.strip():
            problems.append(Problem(f"goal_results.{i}.value", _l("Must not be empty.")))
        seen.add(index)
    return problems


def missing_goal_results(app: Application, report: Report) -> list[Problem]:
    """A goal result for every goal of the application, each missing one named."""
    reported = {r.goal_index for r in report.goal_results}
    return [
        Problem(
            f"goal_results.{goal.position}",
            _l("Report a value for the goal: %(goal)s", goal=goal.description),
        )
        for goal in app.goals
        if goal.position not in reported
    ]


def application_of(session: Session, report: Report) -> Application:
    """The report's application."""
    app = session.get(Application, report.application_id)
    assert app is not None
    return app
