"""Report pages: start an insats, the reporting plan, write and handle reports, reports due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from forms.reports import (
    ReportSettingsForm,
    ReportStepForm,
    StartForm,
    field_for_problem,
    form_data,
    form_input,
    report_form,
)
from states import report as spec
from states.application import REPORT_PLAN, REPORTING, State
from workflow import engine, http, labels, permissions, transaction
from workflow.errors import Conflict, DomainError, Forbidden, NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.report import REPORT
from workflow.models import Application, Association
from workflow.models import today as local_today
from workflow.models.reports import InsatsStart, Report
from workflow.operations import applications, associations
from workflow.operations import reports as service
from workflow.pagecache import cached_page
from workflow.rules import insats as insats_rules
from workflow.rules import paging
from workflow.rules import reports as reports_rules
from workflow.rules.completeness import STRUCTURAL
from workflow.web.formerrors import FormErrors

bp = Blueprint("reports", __name__)


def _errors_from(exc: DomainError, form: Any) -> FormErrors:
    """A refusal's problems placed on the form's fields (or the summary)."""
    errors = FormErrors()

    def locate(name: str) -> tuple[str | None, Any, str | None]:
        key = field_for_problem(name, form)
        if key is not None and key in form._fields:
            return form[key].id, form[key].label.text, None
        return None, "", None

    if exc.problems:
        errors.add_problems(exc.problems, locate)
    else:
        errors.add(None, "", exc.message)
    return errors


def _form_errors(form: Any) -> FormErrors:
    errors = FormErrors()
    errors.add_form(form)
    return errors


# --- the panel on the application page and the dashboard ---------------------------------------


@dataclass
class ReportsPanel:
    """What reports/_application.html shows: the start, the plan and what the user may do."""

    start: InsatsStart | None
    confirmations: list[Any]
    plan: list[service.PlannedReport]
    today: date
    can_write: bool
    granted: dict[int, int]
    # The insats runs: a report past its due date is flagged overdue.
    reporting: bool = False
    # The insats takes its final report now (annual reports are written whenever it reports).
    final_open: bool = False
    start_form: StartForm | None = None
    conditions: list[str] = field(default_factory=list)
    start_errors: FormErrors = field(default_factory=FormErrors)


@bp.app_template_global("reports_panel")
def reports_panel(
    app: Application, start_form: StartForm | None = None, start_errors: FormErrors | None = None
) -> ReportsPanel | None:
    """The start and the reporting plan of an approved or running insats."""
    if app.state not in REPORT_PLAN:
        return None
    session = db.session
    reporting = app.state in REPORTING
    panel = ReportsPanel(
        start=insats_rules.start_record(session, app),
        confirmations=insats_rules.confirmations(session, app),
        plan=service.plan(session, app),
        today=local_today(),
        can_write=permissions.can_write_reports(current_user, app) and reporting,
        granted=insats_rules.granted_by_year(session, app),
        reporting=reporting,
        final_open=service.final_report_open(app),
    )
    if app.state == State.APPROVED and permissions.can_fire(current_user, app, "start"):
        panel.conditions = insats_rules.start_conditions(session, app)
        posted = g.get("reports_start_form")
        if posted is not None and start_form is None:
            start_form, start_errors = posted
        form = start_form or StartForm(formdata=None, data={"expected_version": app.version})
        form.confirmed_conditions.choices = list(enumerate(panel.conditions, start=1))
        panel.start_form = form
        panel.start_errors = start_errors or FormErrors()
    return panel


@bp.app_template_global("overdue_reports")
def overdue_reports() -> list[service.PlannedReport]:
    """The overdue reports the signed-in user should see on the dashboard."""
    if not current_user.is_authenticated:
        return []
    return service.overdue_for(db.session, current_user)


@bp.app_template_global("reports_due_associations")
def reports_due_associations() -> list[Association]:
    """The associations whose list of reports due the signed-in user may open."""
    if not current_user.is_authenticated:
        return []
    ids = [
        a
        for a in permissions.association_ids(current_user)
        if permissions.can_view_due_list(current_user, a)
    ]
    if not ids:
        return []
    return associations.by_ids(db.session, ids)


@bp.app_template_global("report_labels")
def report_labels() -> dict[str, Any]:
    """Labels of report states, kinds, steps, outcomes and sources for templates."""
    return {
        "state": labels.REPORT_STATE_LABELS,
        "kind": labels.REPORT_KIND_LABELS,
        "action": labels.REPORT_ACTION_LABELS,
        "outcome": labels.OUTCOME_LABELS,
        "support": labels.SUPPORT_LABELS,
        "age": labels.AGE_BAND_LABELS,
        "attendee": labels.ATTENDEE_LABELS,
    }


# --- start ------------------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/start", methods=["POST"])
@login_required
def start(application_id: int) -> ResponseReturnValue:
    """`start`: the agreement date and the conditions met, through the engine."""
    app = applications.load_visible(db.session, application_id, current_user)
    form = StartForm()
    conditions = insats_rules.start_conditions(db.session, app)
    form.confirmed_conditions.choices = list(enumerate(conditions, start=1))
    if not form.validate():
        return _show_application(app, form, _form_errors(form), 422)
    payload: dict[str, Any] = {
        "agreement_date": form.agreement_date.data.isoformat()
        if form.agreement_date.data
        else None,
        "confirmed_conditions": sorted(form.confirmed_conditions.data or []),
    }
    with transaction.step() as refusal:
        engine.fire(
            APPLICATION,
            app,
            "start",
            by=current_user,
            session=db.session,
            payload=payload,
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        app = applications.load_visible(db.session, application_id, current_user)
        return _show_application(app, form, _errors_from(exc, form), exc.status)
    flash(gettext("The insats has started."), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)


def _show_application(
    app: Application, form: StartForm, errors: FormErrors, status: int
) -> ResponseReturnValue:
    """The application page again; the start panel keeps what was posted and its errors."""
    from workflow.web import applications as application_pages

    g.reports_start_form = (form, errors)
    return application_pages._render_show(app, status=status)


# --- a report: new, show, edit, steps ------------------------------------------------------------


def _goals(app: Application) -> list[Any]:
    return list(app.goals)


def _form(app: Application, report: Report | None, *, new: bool, **kwargs: Any) -> Any:
    """The report form for the insats's kind, with the municipalities participants live in."""
    structural = app.kind == STRUCTURAL
    places = [] if structural else service.municipalities(db.session, app.association_id)
    kept = {r.member_id for r in report.residences} if report is not None else set()
    return report_form(
        _goals(app),
        new=new,
        structural=structural,
        municipalities=[m for m in places if m.active or m.id in kept],
        **kwargs,
    )


def _residence_named(report: Report) -> list[tuple[str, int, int]]:
    """Participants by municipality, each with its name (outside the area last)."""
    rows = reports_rules.residence_rows(report)
    if not rows:
        return []
    names = {m.id: m.name for m in service.municipalities(db.session, report.association_id)}
    outside = gettext("Outside the area")
    return [
        (names.get(member_id, "") if member_id is not None else outside, women, men)
        for member_id, women, men in rows
    ]


@bp.route("/applications/<int:application_id>/reports/new", methods=["GET", "POST"])
@login_required
def new(application_id: int) -> ResponseReturnValue:
    """Write a yearly or final report (kind and year from the plan entry followed)."""
    app = applications.load_visible(db.session, application_id, current_user)
    if not permissions.can_write_reports(current_user, app):
        raise NotFound(_l("No such page."))
    goals = _goals(app)
    if request.method == "GET":
        kind = request.args.get("kind") if request.args.get("kind") in spec.REPORT_KINDS else None
        year = request.args.get("year", type=int)
        form = _form(app, None, new=True, formdata=None, data={"kind": kind, "year": year})
        return render_template(
            "reports/form.html", application=app, form=form, report=None, errors=FormErrors()
        )
    form = _form(app, None, new=True)
    if not form.validate():
        return _render_form(app, None, form, _form_errors(form), 422)
    with transaction.step() as refusal:
        report = service.create_report(
            db.session, app, form_input(form, goals, new=True), by=current_user
        )
    if (exc := refusal.error) is not None:
        return _render_form(app, None, form, _errors_from(exc, form), exc.status)
    flash(gettext("The report was saved as a draft."), "success")
    return redirect(url_for("reports.show", report_id=report.id), code=303)


def _render_form(
    app: Application, report: Report | None, form: Any, errors: FormErrors, status: int
) -> ResponseReturnValue:
    return (
        render_template(
            "reports/form.html", application=app, form=form, report=report, errors=errors
        ),
        status,
    )


@bp.route("/reports/<int:report_id>")
@cached_page
@login_required
def show(report_id: int) -> ResponseReturnValue:
    """A report: figures by gender, goals against targets, costs against the grant, steps."""
    report = service.load_visible(db.session, report_id, current_user)
    return _render_show(report)


def _render_show(
    report: Report,
    *,
    refused: tuple[str, DomainError] | None = None,
    posted: ReportStepForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    app = service.application_of(db.session, report)
    triggers = permissions.report_transitions(current_user, report, app)
    forms = {
        t: (
            posted
            if posted is not None and refused and refused[0] == t
            else ReportStepForm(formdata=None, prefix=t, data={"expected_version": report.version})
        )
        for t in triggers
    }
    errors = FormErrors()
    if refused is not None:
        exc = refused[1]
        for problem in exc.problems or []:
            errors.add(None, "", problem.message)
        if not exc.problems:
            errors.add(None, "", exc.message)
    return (
        render_template(
            "reports/show.html",
            application=app,
            report=report,
            goals=service.goals_with_results(app, report),
            outcomes=service.outcome_table(report),
            heltider=reports_rules.heltider_table(report),
            support=reports_rules.support_table(report),
            structural=app.kind == STRUCTURAL,
            residence=_residence_named(report),
            ages=reports_rules.age_table(report) if report.ages else None,
            attendance=reports_rules.attendance_rows(report),
            granted=insats_rules.granted_by_year(db.session, app).get(report.year),
            triggers=triggers,
            forms=forms,
            refused=refused,
            errors=errors,
            can_edit=permissions.can_edit_report(current_user, report, app),
            returned=report.state == spec.ReportState.RETURNED,
            accepting_closes=service.accepting_closes(report, app),
        ),
        status,
    )


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@login_required
def edit(report_id: int) -> ResponseReturnValue:
    """Change a draft or returned report; a refusal keeps what was written."""
    report = service.load_visible(db.session, report_id, current_user)
    app = service.application_of(db.session, report)
    if not permissions.can_write_reports(current_user, app):
        raise Forbidden(_l("Only the applicants of the lead member organisation write reports."))
    if not permissions.can_edit_report(current_user, report, app):
        raise Conflict(
            _l("The report can be changed only while it is a draft or returned."),
            code="invalid_transition",
        )
    goals = _goals(app)
    if request.method == "GET":
        form = _form(app, report, new=False, formdata=None, data=form_data(report))
        return _render_form(app, report, form, FormErrors(), 200)
    form = _form(app, report, new=False)
    if not form.validate():
        return _render_form(app, report, form, _form_errors(form), 422)
    with transaction.step() as refusal:
        service.update_report(
            db.session,
            report,
            form_input(form, goals, new=False),
            by=current_user,
            expected_version=form["expected_version"].data,
        )
    if (exc := refusal.error) is not None:
        report = service.load_visible(db.session, report_id, current_user)
        return _render_form(app, report, form, _errors_from(exc, form), exc.status)
    flash(gettext("The report was saved."), "success")
    return redirect(url_for("reports.show", report_id=report.id), code=303)


@bp.route("/reports/<int:report_id>/transitions/<trigger>", methods=["POST"])
@login_required
def transition(report_id: int, trigger: str) -> ResponseReturnValue:
    """Submit, accept or return; a refusal is shown on the report page."""
    report = service.load_visible(db.session, report_id, current_user)
    if trigger not in spec.PUBLIC_TRIGGERS:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger))
    form = ReportStepForm(prefix=trigger)
    if not form.validate():
        return _render_show(report, status=422)
    reason = (form.reason.data or "").strip()
    with transaction.step() as refusal:
        engine.fire(
            REPORT,
            report,
            trigger,
            by=current_user,
            session=db.session,
            payload={"reason": reason} if reason else {},
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        report = service.load_visible(db.session, report_id, current_user)
        return _render_show(report, refused=(trigger, exc), posted=form, status=exc.status)
    flash(gettext("Done: %(step)s.", step=str(labels.REPORT_ACTION_LABELS[trigger])), "success")
    return redirect(url_for("reports.show", report_id=report.id), code=303)


# --- reports due (the officer's list) -------------------------------------------------------------


def _association(slug: str) -> Association:
    from sqlmodel import select

    association = db.session.exec(select(Association).where(Association.slug == slug)).first()
    if association is None or not permissions.can_view_due_list(current_user, association.id):
        raise NotFound(_l("No such page."))
    return association


def _due_rows(association: Association) -> tuple[list[service.PlannedReport], bool]:
    overdue_only = request.args.get("overdue") == "1"
    return service.due_list(db.session, association.id, only_overdue=overdue_only), overdue_only


@bp.route("/associations/<slug>/reports")
@cached_page
@login_required
def due(slug: str) -> ResponseReturnValue:
    """The reports due and overdue of the association, paginated; reporting dates below."""
    association = _association(slug)
    rows, overdue_only = _due_rows(association)
    per_page = current_app.config["PAGE_SIZE"]
    pages = paging.page_count(len(rows), per_page)
    page = paging.clamp(paging.page_number(request.args.get("page")), len(rows), per_page)
    settings = service.settings_for(db.session, association.id)
    form = ReportSettingsForm(
        formdata=None,
        data={
            "annual_due_month": settings.annual_due_month,
            "annual_due_day": settings.annual_due_day,
            "final_due_days": settings.final_due_days,
        },
    )
    return _render_due(association, rows, overdue_only, page, pages, per_page, form, FormErrors())


def _render_due(
    association: Association,
    rows: list[service.PlannedReport],
    overdue_only: bool,
    page: int,
    pages: int,
    per_page: int,
    form: ReportSettingsForm,
    errors: FormErrors,
    status: int = 200,
) -> ResponseReturnValue:
    return (
        render_template(
            "reports/due.html",
            association=association,
            rows=rows[paging.offset(page, per_page) : paging.offset(page + 1, per_page)],
            total=len(rows),
            overdue_only=overdue_only,
            page=page,
            pages=pages,
            today=local_today(),
            form=form,
            errors=errors,
        ),
        status,
    )


@bp.route("/associations/<slug>/reports.csv")
@login_required
def due_csv(slug: str) -> ResponseReturnValue:
    """The list of reports due, with its filter, as CSV."""
    association = _association(slug)
    rows, _overdue_only = _due_rows(association)
    today = local_today()
    header = [
        gettext("Diary number"),
        gettext("Title"),
        gettext("Report"),
        gettext("Year"),
        gettext("Due date"),
        gettext("Report state"),
        gettext("Days overdue"),
    ]

    # Built before streaming: the rows are few, and the ORM rows need the request's session.
    lines = [
        [
            entry.application.diary_number,
            entry.application.title,
            str(labels.report_kind_label(entry.kind)),
            entry.year,
            entry.due_date,
            str(labels.report_state_label(entry.report.state))
            if entry.report
            else gettext("Not started"),
            entry.days_overdue(today),
        ]
        for entry in rows
    ]
    return http.csv_response(f"rapporter-{association.slug}.csv", header, lines)


@bp.route("/associations/<slug>/reports/settings", methods=["POST"])
@login_required
def settings(slug: str) -> ResponseReturnValue:
    """Store the association's reporting dates."""
    association = _association(slug)
    form = ReportSettingsForm()
    per_page = current_app.config["PAGE_SIZE"]

    def again(errors: FormErrors, status: int) -> ResponseReturnValue:
        rows, overdue_only = _due_rows(association)
        pages = paging.page_count(len(rows), per_page)
        return _render_due(
            association, rows, overdue_only, 1, pages, per_page, form, errors, status
        )

    if not form.validate():
        return again(_form_errors(form), 422)
    with transaction.step() as refusal:
        service.save_settings(
            db.session,
            association.id,
            month=form.annual_due_month.data,
            day=form.annual_due_day.data,
            final_days=form.final_due_days.data,
            by=current_user,
        )
    if (exc := refusal.error) is not None:
        return again(_errors_from(exc, form), exc.status)
    flash(gettext("The reporting dates were saved."), "success")
    return redirect(url_for("reports.due", slug=association.slug), code=303)
