"""Start, the reporting plan and the yearly and final reports of an insats.

The plan follows from the insats period (DESIGN.md, issue 6): an annual report for each
calendar year of the period *before the year it ends*, due by the association's date in the
following year, and a final report for the last calendar year (and the whole period), due a set
number of days after the end. A period within one calendar year therefore has only the final
report; a period ending on 31 December has no annual report for that year either, because the
final report covers it. Each report's figures are those of its own `year`, so accepted reports
add up per year in the statistics.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, extract, false, func, or_
from sqlalchemy.orm import lazyload, load_only
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select
from transitions import Machine

from states import report as spec
from states.application import State
from states.common import Role
from workflow import audit, permissions
from workflow import machine as machinery
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, Decision, Goal, User, utcnow
from workflow.models.reports import (
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
    ConditionConfirmation,
    InsatsStart,
    Report,
    ReportGoalResult,
    ReportOutcome,
    ReportSettings,
    ReportSupport,
)

# Application states in which reports are written and can fall overdue.
REPORTING_STATES: frozenset[str] = frozenset({State.ACTIVE, State.LIV_PROPOSED, State.IN_LIV})
# States in which the plan is shown (reports are history after closing).
PLAN_STATES: frozenset[str] = REPORTING_STATES | {State.APPROVED, State.CLOSED, State.ENDED}
COUNT_FIELDS = (
    "participants_women",
    "participants_men",
    "new_women",
    "new_men",
    "ended_women",
    "ended_men",
)
GENDERS = ("women", "men")
# How many days before the due date the first reminder goes out.
REMIND_DAYS_BEFORE = 14


# --- settings and the plan ---------------------------------------------------------------------


def settings_for(session: Session, association_id: int) -> ReportSettings:
    """The association's reporting dates (the defaults when it has set none)."""
    row = session.get(ReportSettings, association_id)
    return row if row is not None else ReportSettings(association_id=association_id)


def save_settings(
    session: Session, association_id: int, *, month: int, day: int, final_days: int, by: User
) -> ReportSettings:
    """Store the association's reporting dates; the day must exist in the month (28 Feb max)."""
    problems = settings_problems(month, day, final_days)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    row = session.get(ReportSettings, association_id)
    if row is None:
        row = ReportSettings(association_id=association_id)
    row.annual_due_month, row.annual_due_day, row.final_due_days = month, day, final_days
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="report_settings",
        entity_type="association",
        entity_id=association_id,
        association_id=association_id,
        actor=by,
        data={"annual_due": f"{month:02d}-{day:02d}", "final_due_days": final_days},
    )
    return row


def settings_problems(month: int, day: int, final_days: int) -> list[Problem]:
    """The due date must exist every year (no 29 February); the delay 0–366 days."""
    problems = []
    if not 1 <= month <= 12:
        problems.append(Problem("annual_due_month", _l("Choose a month from 1 to 12.")))
    elif not 1 <= day <= calendar.monthrange(2001, month)[1]:
        problems.append(Problem("annual_due_day", _l("The day does not exist in that month.")))
    if not 0 <= final_days <= 366:
        problems.append(Problem("final_due_days", _l("Give 0 to 366 days.")))
    return problems


def annual_due(settings: ReportSettings, year: int) -> date:
    """When the annual report for `year` is due: the association's date in the next year."""
    month = settings.annual_due_month
    day = min(settings.annual_due_day, calendar.monthrange(year + 1, month)[1])
    return date(year + 1, month, day)


def final_due(settings: ReportSettings, end: date) -> date:
    """When the final report is due: the set number of days after the end of the period."""
    return end + timedelta(days=settings.final_due_days)


@dataclass
class PlannedReport:
    """One report the insats owes: its kind, year and due date, and the report if written."""

    application: Application
    kind: str
    year: int
    due_date: date
    report: Report | None = None

    @property
    def delivered(self) -> bool:
        return self.report is not None and self.report.state in spec.DELIVERED

    def overdue_on(self, today: date) -> bool:
        """Due before `today` and not submitted (a returned report counts as not delivered)."""
        return not self.delivered and self.due_date < today

    def days_overdue(self, today: date) -> int:
        return max((today - self.due_date).days, 0)


def plan_entries(app: Application, settings: ReportSettings) -> list[tuple[str, int, date]]:
    """(kind, year, due date) for every report the period calls for, in due order."""
    if app.start_date is None or app.end_date is None:
        return []
    entries = [
        ("annual", year, annual_due(settings, year))
        for year in range(app.start_date.year, app.end_date.year)
    ]
    entries.append(("final", app.end_date.year, final_due(settings, app.end_date)))
    return entries


def reports_of(session: Session, app: Application) -> list[Report]:
    """Every report of the insats, by year then kind."""
    return list(
        session.exec(
            select(Report).where(Report.application_id == app.id).order_by(Report.year, Report.kind)  # type: ignore[arg-type]
        ).all()
    )


def plan(session: Session, app: Application) -> list[PlannedReport]:
    """The insats's reporting plan with the reports written so far (LIV years added)."""
    settings = settings_for(session, app.association_id)
    written = {(r.kind, r.year): r for r in reports_of(session, app)}
    planned = [
        PlannedReport(app, kind, year, due, written.pop((kind, year), None))
        for kind, year, due in plan_entries(app, settings)
    ]
    # Annual reports beyond the period (a LIV activity reports every year) join the plan.
    planned += [
        PlannedReport(app, r.kind, r.year, r.due_date, r)
        for r in sorted(written.values(), key=lambda r: r.due_date)
    ]
    return sorted(planned, key=lambda p: (p.due_date, p.kind))


def reporting_apps(
    session: Session, association_ids: Iterable[int], *, only: ColumnElement[bool] | None = None
) -> list[Application]:
    """Applications in a reporting state that still owe a report of their plan, by id.

    An insats whose every planned report is delivered is left out in SQL, so the work does
    not grow with a decade of finished ones. Children are not loaded: callers read columns.
    """
    ids = list(association_ids)
    if not ids:
        return []
    end_year = extract("year", Application.end_date)
    delivered = (
        select(func.count(Report.id))
        .where(
            Report.application_id == Application.id,
            Report.state.in_(sorted(spec.DELIVERED)),  # type: ignore[attr-defined]
            or_(Report.kind == "final", and_(Report.kind == "annual", Report.year < end_year)),
        )
        .correlate(Application)
        .scalar_subquery()
    )
    owed = end_year - extract("year", Application.start_date) + 1
    query = (
        select(Application)
        .where(
            Application.association_id.in_(ids),  # type: ignore[attr-defined]
            Application.state.in_(sorted(REPORTING_STATES)),  # type: ignore[attr-defined]
            Application.start_date.is_not(None),  # type: ignore[union-attr]
            Application.end_date.is_not(None),  # type: ignore[union-attr]
            delivered < owed,
        )
        .options(
            lazyload("*"),
            load_only(
                Application.association_id,  # type: ignore[arg-type]
                Application.lead_member_id,  # type: ignore[arg-type]
                Application.title,  # type: ignore[arg-type]
                Application.diary_number,  # type: ignore[arg-type]
                Application.state,  # type: ignore[arg-type]
                Application.start_date,  # type: ignore[arg-type]
                Application.end_date,  # type: ignore[arg-type]
                Application.version,  # type: ignore[arg-type]
            ),
        )
        .order_by(Application.id)  # type: ignore[arg-type]
    )
    if only is not None:
        query = query.where(only)
    return list(session.exec(query).all())


def open_entries(session: Session, apps: Sequence[Application]) -> list[PlannedReport]:
    """Every planned report not yet delivered, of the given applications, by due date."""
    if not apps:
        return []
    settings: dict[int, ReportSettings] = {}
    written: dict[tuple[int, str, int], Report] = {}
    # Columns only: a report's figures (outcomes, goals, support) play no part in the plan.
    query = select(Report).where(Report.application_id.in_([a.id for a in apps]))  # type: ignore[attr-defined]
    for report in session.exec(query.options(lazyload("*"))).all():
        written[(report.application_id, report.kind, report.year)] = report
    entries = []
    for app in apps:
        if app.association_id not in settings:
            settings[app.association_id] = settings_for(session, app.association_id)
        for kind, year, due in plan_entries(app, settings[app.association_id]):
            entry = PlannedReport(app, kind, year, due, written.get((app.id, kind, year)))
            if not entry.delivered:
                entries.append(entry)
    return sorted(entries, key=lambda p: (p.due_date, p.application.id, p.kind))


def overdue_for(session: Session, user: Any, today: date | None = None) -> list[PlannedReport]:
    """The overdue reports a user should see on the dashboard: own insatser for applicants."""
    today = today or date.today()
    apps = reporting_apps(
        session, permissions.association_ids(user), only=_sees_reports_clause(user)
    )
    return [e for e in open_entries(session, apps) if e.overdue_on(today)]


def _sees_reports_clause(user: Any) -> ColumnElement[bool]:
    """SQL for the insatser whose reports the user follows on the dashboard.

    Reporting states all lie after submission, so any role but preparer sees the
    association's; an applicant alone sees those of the members they speak for.
    """
    clauses = []
    for assoc_id in sorted(permissions.association_ids(user)):
        roles = permissions.roles_in(user, assoc_id) - {Role.PREPARER}
        if roles - {Role.APPLICANT}:
            clauses.append(Application.association_id == assoc_id)
        elif own := permissions.member_ids_for(user, assoc_id, Role.APPLICANT):
            clauses.append(
                and_(
                    Application.association_id == assoc_id,
                    Application.lead_member_id.in_(sorted(own)),  # type: ignore[attr-defined]
                )
            )
    return or_(*clauses) if clauses else false()


def due_list(
    session: Session, association_id: int, *, only_overdue: bool = False, today: date | None = None
) -> list[PlannedReport]:
    """The association's planned reports not yet delivered (the officer's list)."""
    today = today or date.today()
    entries = open_entries(session, reporting_apps(session, [association_id]))
    return [e for e in entries if e.overdue_on(today)] if only_overdue else entries


def granted_by_year(session: Session, app: Application) -> dict[int, int]:
    """What the latest approving decision granted per year (empty before a decision)."""
    decision = approving_decision(session, app)
    return {a.year: a.amount_sek for a in decision.amounts} if decision else {}


def approving_decision(session: Session, app: Application) -> Decision | None:
    """The newest approve or approve_with_conditions decision on the application."""
    return session.exec(
        select(Decision)
        .where(
            Decision.application_id == app.id,
            Decision.outcome.in_(("approve", "approve_with_conditions")),  # type: ignore[attr-defined]
        )
        .order_by(Decision.decided_at.desc(), Decision.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()


# --- start: agreement date and the decision's conditions ---------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s*")


def conditions_of(decision: Decision | None) -> list[str]:
    """The decision's conditions, one per non-blank line, bullets and numbers stripped."""
    if decision is None or decision.outcome != "approve_with_conditions" or not decision.conditions:
        return []
    lines = (_BULLET.sub("", line).strip() for line in decision.conditions.splitlines())
    return [line for line in lines if line]


def start_conditions(session: Session, app: Application) -> list[str]:
    """The conditions the officer confirms before `start`."""
    return conditions_of(approving_decision(session, app))


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _confirmed(payload: dict[str, Any]) -> set[int]:
    value = payload.get("confirmed_conditions") or []
    if not isinstance(value, list):
        return set()
    return {v for v in value if isinstance(v, int) and not isinstance(v, bool)}


def guard_agreement_recorded(step: Any) -> list[Problem]:
    """`start` records the date the agreement was signed: a real date, not in the future."""
    raw = step.payload.get("agreement_date")
    signed = _parse_date(raw)
    if raw in (None, ""):
        return [Problem("agreement_date", _l("Give the date the agreement was signed."))]
    if signed is None:
        return [Problem("agreement_date", _l("Must be a date written YYYY-MM-DD."))]
    if signed > date.today():
        return [Problem("agreement_date", _l("The agreement date cannot be in the future."))]
    return []


def guard_conditions_met(step: Any) -> list[Problem]:
    """Every condition of an approval with conditions is confirmed, each named when not."""
    conditions = start_conditions(step.session, step.application)
    confirmed = _confirmed(step.payload)
    return [
        Problem(
            f"confirmed_conditions.{number}",
            _l("Confirm that the condition is met: %(condition)s", condition=text),
        )
        for number, text in enumerate(conditions, start=1)
        if number not in confirmed
    ]


def guard_final_report_accepted(step: Any) -> list[Problem]:
    """The insats closes only on an accepted final report."""
    final = step.session.exec(
        select(Report).where(
            Report.application_id == step.application.id,
            Report.kind == "final",
            Report.state == spec.ReportState.ACCEPTED.value,
        )
    ).first()
    if final is None:
        return [Problem("final_report", _l("The final report has not been accepted yet."))]
    return []


def effect_start(step: Any) -> None:
    """Store the agreement date and a confirmation per condition."""
    app: Application = step.application
    decision = approving_decision(step.session, app)
    signed = _parse_date(step.payload.get("agreement_date"))
    assert signed is not None  # guarded
    step.session.add(
        InsatsStart(
            application_id=app.id,
            decision_id=decision.id if decision else None,
            agreement_date=signed,
            started_by_id=step.by.id,
        )
    )
    for number, text in enumerate(conditions_of(decision), start=1):
        assert decision is not None
        step.session.add(
            ConditionConfirmation(
                application_id=app.id,
                decision_id=decision.id,
                position=number,
                text=text,
                confirmed_by_id=step.by.id,
            )
        )


def start_record(session: Session, app: Application) -> InsatsStart | None:
    """The insats's start, if it has started."""
    return session.exec(select(InsatsStart).where(InsatsStart.application_id == app.id)).first()


def confirmations(session: Session, app: Application) -> list[ConditionConfirmation]:
    """The conditions confirmed at the start, in the decision's order."""
    return list(
        session.exec(
            select(ConditionConfirmation)
            .where(ConditionConfirmation.application_id == app.id)
            .order_by(ConditionConfirmation.position)  # type: ignore[arg-type]
        ).all()
    )


# --- report content ----------------------------------------------------------------------------


@dataclass
class ReportInput:
    """What an applicant writes in a report; None means "not given" (kept as it was)."""

    year: int | None = None
    kind: str | None = None
    participants_women: int | None = None
    participants_men: int | None = None
    new_women: int | None = None
    new_men: int | None = None
    ended_women: int | None = None
    ended_men: int | None = None
    # outcome → {"women": n, "men": n}
    outcomes: dict[str, dict[str, int]] | None = None
    costs_sek: int | None = None
    # [(goal_index, value)]
    goal_results: list[tuple[int, str]] | None = None
    narrative: str | None = None
    # phase → source → {"women": n, "men": n}
    support: dict[str, dict[str, dict[str, int]]] | None = None
    given: set[str] = field(default_factory=set)


def _counts(report: Report) -> dict[str, int]:
    return {name: getattr(report, name) for name in COUNT_FIELDS}


def outcome_table(report: Report) -> dict[str, dict[str, int]]:
    """Every outcome with its women and men (zero when not reported)."""
    table = {name: {"women": 0, "men": 0} for name in OUTCOMES}
    for row in report.outcomes:
        table[row.outcome] = {"women": row.women, "men": row.men}
    return table


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


def _plan_year_problems(
    session: Session, app: Application, kind: str, year: int | None
) -> tuple[int | None, date | None, list[Problem]]:
    """The report's year and due date from the plan, or the problem with them."""
    settings = settings_for(session, app.association_id)
    entries = {(k, y): due for k, y, due in plan_entries(app, settings)}
    if kind == "final":
        finals = [(y, due) for (k, y), due in entries.items() if k == "final"]
        if not finals:
            return None, None, [Problem("kind", _l("The insats has no period to report on."))]
        final_year, due = finals[0]
        if year is not None and year != final_year:
            return (
                None,
                None,
                [
                    Problem(
                        "year",
                        _l(
                            "The final report is for the year the insats ends: %(year)s.",
                            year=final_year,
                        ),
                    )
                ],
            )
        return final_year, due, []
    if year is None:
        return None, None, [Problem("year", _l("This field is required."))]
    if ("annual", year) in entries:
        return year, entries[("annual", year)], []
    # A LIV activity reports each year after the period too.
    if (
        app.state in (State.LIV_PROPOSED, State.IN_LIV)
        and app.start_date
        and (app.start_date.year <= year <= date.today().year)
    ):
        return year, annual_due(settings, year), []
    return (
        None,
        None,
        [Problem("year", _l("The reporting plan has no annual report for that year."))],
    )


def _apply(session: Session, app: Application, report: Report, data: ReportInput) -> None:
    """Write the given fields onto the report, after every check passed."""
    for name in COUNT_FIELDS:
        value = getattr(data, name)
        if value is not None:
            setattr(report, name, value)
    if data.costs_sek is not None:
        report.costs_sek = data.costs_sek
    if "narrative" in data.given:
        report.narrative = (data.narrative or "").strip() or None
    if data.outcomes is not None:
        current = {row.outcome: row for row in report.outcomes}
        rows = []
        for outcome in OUTCOMES:
            figures = data.outcomes.get(outcome, {})
            women, men = figures.get("women", 0), figures.get("men", 0)
            if not women and not men:
                continue
            row = current.get(outcome) or ReportOutcome(outcome=outcome)
            row.women, row.men = women, men
            rows.append(row)
        report.outcomes = rows
    if data.support is not None:
        current_support = {(row.phase, row.source): row for row in report.supports}
        support_rows = []
        for phase in SUPPORT_PHASES:
            for source in SUPPORT_SOURCES:
                figures = data.support.get(phase, {}).get(source, {})
                women, men = figures.get("women", 0), figures.get("men", 0)
                if not women and not men:
                    continue
                row_s = current_support.get((phase, source)) or ReportSupport(
                    phase=phase, source=source
                )
                row_s.women, row_s.men = women, men
                support_rows.append(row_s)
        report.supports = support_rows
    if data.goal_results is not None:
        goals = {g.position: g for g in app.goals}
        current_goals = {row.goal_index: row for row in report.goal_results}
        goal_rows = []
        for index, value in data.goal_results:
            row_g = current_goals.get(index) or ReportGoalResult(
                goal_index=index, goal_id=goals[index].id
            )
            row_g.value = value.strip()
            goal_rows.append(row_g)
        report.goal_results = goal_rows
    report.updated_at = utcnow()


def _check_content(app: Application, report: Report | None, data: ReportInput) -> list[Problem]:
    """Merge what is given with what is stored and check the whole."""
    counts: dict[str, int | None] = {
        name: getattr(data, name)
        if getattr(data, name) is not None
        else (getattr(report, name) if report else 0)
        for name in COUNT_FIELDS
    }
    outcomes = (
        data.outcomes if data.outcomes is not None else (outcome_table(report) if report else {})
    )
    full_outcomes = {o: {g: (outcomes.get(o) or {}).get(g, 0) for g in GENDERS} for o in OUTCOMES}
    problems = figure_problems(counts, full_outcomes, data.costs_sek, data.support)
    if data.goal_results is not None:
        problems += goal_problems(app, data.goal_results)
    return problems


def create_report(session: Session, app: Application, data: ReportInput, *, by: User) -> Report:
    """A new report draft by the lead member's applicant; every check a 422 naming the field."""
    if not permissions.can_view_application(by, app):
        raise NotFound(_l("No such application."))
    if not can_write_reports(by, app):
        raise Forbidden(_l("Only the applicants of the lead member organisation write reports."))
    if app.state not in REPORTING_STATES:
        raise Conflict(
            _l("Reports are written once the insats has started."), code="invalid_transition"
        )
    kind = data.kind or "annual"
    if kind == "final" and app.state != State.ACTIVE:
        raise Conflict(
            _l("The final report is written while the insats is active."),
            code="invalid_transition",
        )
    year, due, problems = _plan_year_problems(session, app, kind, data.year)
    problems += _check_content(app, None, data)
    if year is not None and _existing(session, app, kind, year) is not None:
        problems.append(
            Problem(
                "year",
                _l("There is already a report of this kind for %(year)s.", year=year)
                if kind == "annual"
                else _l("The insats already has a final report."),
            )
        )
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    assert year is not None
    assert due is not None
    report = Report(
        association_id=app.association_id,
        application_id=app.id,
        kind=kind,
        year=year,
        due_date=due,
        created_by_id=by.id,
    )
    with session.no_autoflush:
        _apply(session, app, report, data)
    session.add(report)
    session.flush()
    audit.record(
        session,
        action="report_create",
        entity_type="report",
        entity_id=report.id,
        association_id=app.association_id,
        actor=by,
        to_state=report.state,
        data={"application_id": app.id, "kind": kind, "year": year},
    )
    return report


def _existing(session: Session, app: Application, kind: str, year: int) -> Report | None:
    query = select(Report).where(Report.application_id == app.id, Report.kind == kind)
    if kind == "annual":
        query = query.where(Report.year == year)
    return session.exec(query).first()


def stale_report() -> Conflict:
    """The 409 for a report changed since the caller read it."""
    return Conflict(
        _l("The report was changed by someone else; reload and try again."),
        code="stale_version",
    )


def update_report(
    session: Session,
    report: Report,
    data: ReportInput,
    *,
    by: User,
    expected_version: int | None = None,
) -> Report:
    """Change a draft (or returned) report: the lead member's applicants only."""
    app = application_of(session, report)
    if not can_edit_report(by, report, app):
        if not can_write_reports(by, app):
            raise Forbidden(
                _l("Only the applicants of the lead member organisation write reports.")
            )
        raise Conflict(
            _l("The report can be changed only while it is a draft or returned."),
            code="invalid_transition",
        )
    if expected_version is not None and expected_version != report.version:
        raise stale_report()
    if "year" in data.given or "kind" in data.given:
        problems = [
            Problem(name, _l("The year and kind of a report cannot be changed."))
            for name in ("year", "kind")
            if name in data.given and getattr(data, name) != getattr(report, name)
        ]
        if problems:
            raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    problems = _check_content(app, report, data)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    try:
        with session.no_autoflush:
            _apply(session, app, report, data)
            session.add(report)
        session.flush()
    except StaleDataError:
        raise stale_report() from None
    audit.record(
        session,
        action="report_update",
        entity_type="report",
        entity_id=report.id,
        association_id=report.association_id,
        actor=by,
        data={"fields": sorted(data.given)},
    )
    return report


def application_of(session: Session, report: Report) -> Application:
    """The report's application."""
    app = session.get(Application, report.application_id)
    assert app is not None
    return app


def load_visible(session: Session, report_id: int, user: Any) -> Report:
    """The report if the user may see its application; 404 otherwise (never told apart)."""
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(_l("No such report."))
    app = session.get(Application, report.application_id)
    if app is None or not can_view_reports(user, app):
        raise NotFound(_l("No such report."))
    return report


# --- permissions --------------------------------------------------------------------------------


def can_view_reports(user: Any, app: Application) -> bool:
    """Whoever sees the application (after submission) sees its reports."""
    return permissions.can_view_application(user, app)


def can_write_reports(user: Any, app: Application) -> bool:
    """The lead member organisation's applicants write the reports."""
    return Role.APPLICANT in permissions.acting_roles(user, app)


def can_edit_report(user: Any, report: Report, app: Application) -> bool:
    """The lead applicants, while the report is a draft or returned."""
    return report.state in spec.EDITABLE and can_write_reports(user, app)


def can_fire_report(user: Any, app: Application, trigger: str) -> bool:
    """Whether one of the user's roles may take this step of a report (state apart)."""
    transition = spec.BY_TRIGGER.get(trigger)
    return transition is not None and bool(transition.roles & permissions.acting_roles(user, app))


def report_transitions(user: Any, report: Report, app: Application) -> list[str]:
    """The report steps the user may take now."""
    return [
        t.trigger
        for t in spec.TRANSITIONS
        if report.state in t.sources and can_fire_report(user, app, t.trigger)
    ]


def can_view_due_list(user: Any, association_id: int) -> bool:
    """The association's officers follow the reports due."""
    return Role.OFFICER in permissions.roles_in(user, association_id)


# --- the report machine -------------------------------------------------------------------


@cache
def report_machine() -> Machine:
    """The report machine, built once per process."""
    return machinery.build((s.value for s in spec.ReportState), spec.TRANSITIONS)


@dataclass
class ReportStep:
    """What a guard or an effect of a report step gets to look at."""

    session: Session
    report: Report
    application: Application
    by: User
    trigger: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str | None:
        value = self.payload.get("reason")
        return value.strip() or None if isinstance(value, str) else None


def _guard_report_complete(step: ReportStep) -> list[Problem]:
    report = step.report
    problems = figure_problems(_counts(report), outcome_table(report), report.costs_sek)
    return problems + missing_goal_results(step.application, report)


def _guard_reason_given(step: ReportStep) -> list[Problem]:
    return [] if step.reason else [Problem("reason", _l("Give a reason."))]


REPORT_GUARDS = {"report_complete": _guard_report_complete, "reason_given": _guard_reason_given}


def _effect_submit(step: ReportStep) -> None:
    step.report.submitted_at = utcnow()
    step.report.submitted_by_id = step.by.id
    step.report.returned_at = None


def _effect_accept(step: ReportStep) -> None:
    step.report.accepted_at = utcnow()
    step.report.accepted_by_id = step.by.id


def _effect_return(step: ReportStep) -> None:
    step.report.submitted_at = None
    step.report.submitted_by_id = None
    step.report.returned_at = utcnow()
    step.report.return_reason = step.reason


REPORT_EFFECTS = {"submit": _effect_submit, "accept": _effect_accept, "return": _effect_return}


def fire_report(
    report: Report,
    trigger: str,
    *,
    by: User,
    session: Session,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Report:
    """Take one report step: role 403, stale or state 409, guards 422; effects, audit; flushes.

    Accepting the final report of an active insats also fires `accept_final_report`, which
    closes the insats, in the same transaction.
    """
    transition = spec.BY_TRIGGER.get(trigger)
    if transition is None:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger), code="unknown_trigger")
    app = application_of(session, report)
    if not can_fire_report(by, app, trigger):
        raise Forbidden(_l("Your role may not take this step."))
    if expected_version is not None and expected_version != report.version:
        raise stale_report()
    target = machinery.next_state(report_machine(), trigger, report.state)
    if target is None:
        raise Conflict(
            _l(
                "This step cannot be taken from the state %(state)s.",
                state=state_label(report.state),
            ),
            code="invalid_transition",
        )
    step = ReportStep(session, report, app, by, trigger, dict(payload or {}))
    problems = [p for name in transition.guards for p in REPORT_GUARDS[name](step)]
    if problems:
        raise ValidationFailed(_l("The step cannot be taken yet."), problems=problems)
    from_state = report.state
    try:
        with session.no_autoflush:
            report.state = target
            report.updated_at = utcnow()
            REPORT_EFFECTS[trigger](step)
            session.add(report)
        session.flush()
    except StaleDataError:
        raise stale_report() from None
    audit.record(
        session,
        action=f"report_{trigger}",
        entity_type="report",
        entity_id=report.id,
        association_id=report.association_id,
        actor=by,
        from_state=from_state,
        to_state=report.state,
        reason=step.reason,
        data={"application_id": app.id, "kind": report.kind, "year": report.year},
    )
    if trigger == "accept" and report.kind == "final" and app.state == State.ACTIVE:
        from workflow import engine  # the application engine imports this module

        engine.fire(app, "accept_final_report", by=by, session=session)
    return report


REPORT_STATE_LABELS: dict[str, Any] = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "accepted": _l("Accepted"),
    "returned": _l("Returned"),
}
REPORT_KIND_LABELS: dict[str, Any] = {"annual": _l("Annual report"), "final": _l("Final report")}
REPORT_ACTION_LABELS: dict[str, Any] = {
    "submit": _l("Submit the report"),
    "accept": _l("Accept the report"),
    "return": _l("Return the report"),
}


def state_label(value: str) -> Any:
    """The report state's label."""
    return REPORT_STATE_LABELS.get(value, value)


def kind_label(value: str) -> Any:
    """The report kind's label."""
    return REPORT_KIND_LABELS.get(value, value)


def goals_with_results(app: Application, report: Report) -> list[tuple[Goal, str | None]]:
    """Each goal of the application with the value this report gives for it."""
    values = {r.goal_index: r.value for r in report.goal_results}
    return [(goal, values.get(goal.position)) for goal in app.goals]


# --- demo data ------------------------------------------------------------------------------------


def build_demo(
    session: Session,
    association: Any,
    *,
    applicant: User,
    preparer: User,
    officer: User,
    year: int,
) -> Application:
    """An active insats started three years ago: last-but-one year's report accepted, one overdue.

    Called by workflow/devdata/demo.py; every step goes through the engine and the services.
    """
    from workflow import engine
    from workflow.operations import applications, meetings
    from workflow.schemas import ApplicationFields

    lead_id = next(
        g.member_id
        for g in applicant.grants
        if g.association_id == association.id and g.role == Role.APPLICANT
    )
    partners = [m.id for m in association.members if m.party in ("af", "fk")]
    first, last = year - 3, year + 1
    amounts = {first: 30_000, first + 1: 40_000, first + 2: 40_000, first + 3: 40_000, last: 30_000}
    fields = ApplicationFields.model_validate(
        {
            "title": "Steg framåt – stöd till unga vuxna",
            "kind": "individual",
            "lead_member_id": lead_id,
            "partner_member_ids": partners,
            "target_group": "Unga vuxna 18–29 år som varken arbetar eller studerar och behöver"
            " stöd från flera parter.",
            "age_min": 18,
            "age_max": 29,
            "participants_women": 12,
            "participants_men": 12,
            "start_date": date(first, 9, 1),
            "end_date": date(last, 6, 30),
            "budget": [{"year": y, "amount_sek": a} for y, a in amounts.items()],
            "goals": [
                {
                    "description": "Andel avslutade till arbete eller studier",
                    "indicator": "Avslutade till arbete eller studier / avslutade",
                    "target": "40 %",
                },
                {
                    "description": "Deltagare som upplever bättre hälsa",
                    "indicator": "Enkät vid start och avslut",
                    "target": "60 %",
                },
            ],
            "follow_up_plan": "Uppföljning Finsam varje kvartal; årsrapport till styrelsen.",
            "gender_equality_plan": "Könsuppdelad statistik; analys av skillnader varje år.",
            "continuation_plan": "Kommunen tar över stödet om resultaten håller.",
            "steering_group": "Kommunen, Arbetsförmedlingen och Försäkringskassan.",
        },
        strict=False,
    )
    app = applications.create_draft(session, association, fields, by=applicant)
    engine.fire(app, "submit", by=applicant, session=session)
    engine.fire(app, "accept_for_preparation", by=officer, session=session)
    engine.fire(
        app,
        "recommend",
        by=preparer,
        session=session,
        payload={"recommendation": "approve", "motivation": "Liten insats med tydliga mål."},
    )
    meetings.decide_delegated(
        session,
        app,
        by=officer,
        outcome="approve",
        amounts=[meetings.AmountIn(y, a) for y, a in amounts.items()],
    )
    engine.fire(
        app,
        "start",
        by=officer,
        session=session,
        payload={"agreement_date": date(first, 8, 20).isoformat()},
    )
    report = create_report(
        session,
        app,
        ReportInput(
            kind="annual",
            year=first,
            participants_women=7,
            participants_men=6,
            new_women=7,
            new_men=6,
            ended_women=2,
            ended_men=1,
            outcomes={"work": {"women": 1, "men": 1}, "studies": {"women": 1, "men": 0}},
            costs_sek=27_500,
            goal_results=[(0, "67 %"), (1, "55 %")],
            narrative="Första terminen: deltagarna rekryterades via Arbetsförmedlingen och"
            " kommunens ungdomsmottagning.",
            given={"narrative"},
        ),
        by=applicant,
    )
    fire_report(report, "submit", by=applicant, session=session)
    fire_report(report, "accept", by=officer, session=session)
    return app
