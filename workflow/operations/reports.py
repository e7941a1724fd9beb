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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, extract, false, func, or_
from sqlalchemy.orm import lazyload, load_only
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from states import report as spec
from states.application import FINAL_REPORTING, LIV_REPORTING, REPORTING
from states.common import Role
from workflow import audit, permissions
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.lifecycles.report import stale_report
from workflow.models import PARTIES, Application, Goal, Member, User, utcnow
from workflow.models import today as current_date
from workflow.models.reports import (
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
    Report,
    ReportAge,
    ReportAttendance,
    ReportGoalResult,
    ReportOutcome,
    ReportResidence,
    ReportSettings,
    ReportSupport,
)
from workflow.permissions import can_edit_report, can_view_reports, can_write_reports
from workflow.rules.reports import (
    COUNT_FIELDS,
    GENDERS,
    WAITING_FIELDS,
    AgeRow,
    AttendanceRow,
    ResidenceRow,
    age_rows,
    application_of,
    attendance_rows,
    breakdown_problems,
    figure_problems,
    goal_problems,
    heltider_problems,
    heltider_table,
    outcome_table,
    residence_rows,
)

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
    if not permissions.can_set_report_settings(by, association_id):
        raise Forbidden(_l("Only the association's officers set the reporting dates."))
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
            Application.state.in_(sorted(REPORTING)),  # type: ignore[attr-defined]
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
    today = today or current_date()
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
    today = today or current_date()
    entries = open_entries(session, reporting_apps(session, [association_id]))
    return [e for e in entries if e.overdue_on(today)] if only_overdue else entries


# --- start: agreement date and the decision's conditions ---------------------------------------


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
    # work / subsidised_work / studies → heltider (None: not given for that outcome)
    heltider: dict[str, Decimal | None] | None = None
    # Köplats at year end.
    waiting_women: int | None = None
    waiting_men: int | None = None
    # The year's budget and a structural insats's activities: set (None clears) when in `given`.
    budget_sek: int | None = None
    activities: int | None = None
    # Breakdowns (None: kept as stored; a list replaces the stored rows).
    residence: list[ResidenceRow] | None = None
    ages: list[AgeRow] | None = None
    attendance: list[AttendanceRow] | None = None
    given: set[str] = field(default_factory=set)


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
        app.state in LIV_REPORTING
        and app.start_date
        and (app.start_date.year <= year <= current_date().year)
    ):
        return year, annual_due(settings, year), []
    return (
        None,
        None,
        [Problem("year", _l("The reporting plan has no annual report for that year."))],
    )


# Participants live in a municipality member (or outside the area); the party code says which.
MUNICIPALITY = PARTIES[3]


def municipalities(session: Session, association_id: int) -> list[Member]:
    """The association's municipality members, by name: where participants may live."""
    query = (
        select(Member)
        .where(Member.association_id == association_id, Member.party == MUNICIPALITY)
        .order_by(Member.name, Member.id)  # type: ignore[arg-type]
    )
    return list(session.exec(query).all())


def _gendered_rows(
    current: Mapping[Any, Any], wanted: Iterable[tuple[Any, int, int]], make: Callable[[Any], Any]
) -> list[Any]:
    """A report's rows by women and men as given: a stored row is kept by its key and a new one
    made, and a row of only zeros is not stored."""
    rows = []
    for key, women, men in wanted:
        if women or men:
            row = current.get(key) or make(key)
            row.women, row.men = women, men
            rows.append(row)
    return rows


def _figures(given: Mapping[str, Mapping[str, int]], key: str) -> tuple[int, int]:
    """(women, men) of one key of a {key: {"women", "men"}} mapping; 0 when not given."""
    figures = given.get(key, {})
    return figures.get("women", 0), figures.get("men", 0)


def _apply_breakdowns(report: Report, data: ReportInput) -> None:
    """Replace the breakdowns given; rows of only zeros are not stored."""
    if data.residence is not None:
        report.residences = _gendered_rows(
            {row.member_id: row for row in report.residences},
            data.residence,
            lambda member_id: ReportResidence(member_id=member_id),
        )
    if data.ages is not None:
        report.ages = _gendered_rows(
            {row.band: row for row in report.ages},
            data.ages,
            lambda band: ReportAge(band=band),
        )
    if data.attendance is not None:
        current_att = {row.category: row for row in report.attendance}
        attendance = []
        for category, total, women, men in data.attendance:
            if total or women or men:
                row_t = current_att.get(category) or ReportAttendance(category=category)
                row_t.total, row_t.women, row_t.men = total, women, men
                attendance.append(row_t)
        report.attendance = attendance


def _apply(session: Session, app: Application, report: Report, data: ReportInput) -> None:
    """Write the given fields onto the report, after every check passed."""
    for name in (*COUNT_FIELDS, *WAITING_FIELDS):
        value = getattr(data, name)
        if value is not None:
            setattr(report, name, value)
    if data.costs_sek is not None:
        report.costs_sek = data.costs_sek
    if "budget_sek" in data.given:
        report.budget_sek = data.budget_sek
    if "activities" in data.given:
        report.activities = data.activities
    _apply_breakdowns(report, data)
    if "narrative" in data.given:
        report.narrative = (data.narrative or "").strip() or None
    if data.outcomes is not None:
        outcomes = data.outcomes
        report.outcomes = _gendered_rows(
            {row.outcome: row for row in report.outcomes},
            ((outcome, *_figures(outcomes, outcome)) for outcome in OUTCOMES),
            lambda outcome: ReportOutcome(outcome=outcome),
        )
    if data.heltider is not None:
        for row in report.outcomes:
            if row.outcome in data.heltider:
                row.full_time_equivalents = data.heltider[row.outcome]
    if data.support is not None:
        support = data.support
        report.supports = _gendered_rows(
            {(row.phase, row.source): row for row in report.supports},
            (
                ((phase, source), *_figures(support.get(phase, {}), source))
                for phase in SUPPORT_PHASES
                for source in SUPPORT_SOURCES
            ),
            lambda key: ReportSupport(phase=key[0], source=key[1]),
        )
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


def _check_content(
    session: Session, app: Application, report: Report | None, data: ReportInput
) -> list[Problem]:
    """Merge what is given with what is stored and check the whole."""
    counts: dict[str, int | None] = {
        name: getattr(data, name)
        if getattr(data, name) is not None
        else (getattr(report, name) if report else 0)
        for name in (*COUNT_FIELDS, *WAITING_FIELDS)
    }
    outcomes = (
        data.outcomes if data.outcomes is not None else (outcome_table(report) if report else {})
    )
    full_outcomes = {o: {g: (outcomes.get(o) or {}).get(g, 0) for g in GENDERS} for o in OUTCOMES}
    problems = figure_problems(
        counts,
        full_outcomes,
        data.costs_sek,
        data.support,
        budget=data.budget_sek,
        activities=data.activities,
    )
    problems += breakdown_problems(
        {g: counts.get(f"participants_{g}") or 0 for g in GENDERS},
        residence=data.residence
        if data.residence is not None
        else (residence_rows(report) if report else None),
        ages=data.ages if data.ages is not None else (age_rows(report) if report else None),
        attendance=data.attendance
        if data.attendance is not None
        else (attendance_rows(report) if report else None),
        municipalities={m.id for m in municipalities(session, app.association_id) if m.id}
        if data.residence
        else None,
    )
    heltider = (report and heltider_table(report)) or {}
    heltider.update(data.heltider or {})
    problems += heltider_problems(full_outcomes, heltider)
    if data.goal_results is not None:
        problems += goal_problems(app, data.goal_results)
    return problems


def create_report(session: Session, app: Application, data: ReportInput, *, by: User) -> Report:
    """A new report draft by the lead member's applicant; every check a 422 naming the field."""
    if not permissions.can_view_application(by, app):
        raise NotFound(_l("No such application."))
    if not can_write_reports(by, app):
        raise Forbidden(_l("Only the applicants of the lead member organisation write reports."))
    if app.state not in REPORTING:
        raise Conflict(
            _l("Reports are written once the insats has started."), code="invalid_transition"
        )
    kind = data.kind or "annual"
    if kind == "final" and not final_report_open(app):
        raise Conflict(
            _l("The final report is written while the insats is active."),
            code="invalid_transition",
        )
    year, due, problems = _plan_year_problems(session, app, kind, data.year)
    problems += _check_content(session, app, None, data)
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
    problems = _check_content(session, app, report, data)
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


def final_report_open(app: Application) -> bool:
    """Whether the insats takes its final report now: while it is active."""
    return app.state in FINAL_REPORTING


def accepting_closes(report: Report, app: Application) -> bool:
    """Whether accepting this report closes the insats: the final report of an active one."""
    return report.kind == "final" and final_report_open(app)


def goals_with_results(app: Application, report: Report) -> list[tuple[Goal, str | None]]:
    """Each goal of the application with the value this report gives for it."""
    values = {r.goal_index: r.value for r in report.goal_results}
    return [(goal, values.get(goal.position)) for goal in app.goals]
