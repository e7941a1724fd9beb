"""Report content: the figures' checks and tables, and the report's application."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session

from workflow.errors import Problem
from workflow.i18n import _l
from workflow.models import Application
from workflow.models.reports import (
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


GENDERS = ("women", "men")


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


def figure_problems(
    counts: dict[str, int | None],
    outcomes: dict[str, dict[str, int]],
    costs: Any,
    support: dict[str, dict[str, dict[str, int]]] | None = None,
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
