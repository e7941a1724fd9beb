"""LIV pages: the applicant's proposal, the activity's years and uppdragsavtal, the flags."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlmodel import select

from forms.liv import AgreementForm, ProposeLivForm
from states.application import BOARD_LIV, State
from workflow import engine, permissions, transaction
from workflow.extensions import db
from workflow.labels import action_label
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, Meeting, Member
from workflow.operations import applications, liv
from workflow.pagecache import cached_page
from workflow.rules import liv as liv_rules
from workflow.rules import meetings as meetings_rules
from workflow.rules.completeness import LIV_FIELDS
from workflow.web.formerrors import FormErrors

bp = Blueprint("liv", __name__)


def _locator(form: Any) -> Any:
    def locate(name: str) -> tuple[str | None, Any, str | None]:
        base = name.split(".")[0]
        if base in form._fields and base != "expected_version":
            return form[base].id, form[base].label.text, None
        return None, "", None

    return locate


# --- the proposal ------------------------------------------------------------------------------


def _render_propose(
    app: Application, form: ProposeLivForm, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    return render_template("liv/propose.html", app=app, form=form, form_errors=errors), status


@bp.route("/applications/<int:application_id>/liv/propose", methods=["GET", "POST"])
@login_required
def propose(application_id: int) -> ResponseReturnValue:
    """The applicant proposes an active or closed insats for LIV, with the three texts."""
    app = applications.load_visible(db.session, application_id, current_user)
    if not permissions.can_fire(current_user, app, "propose_liv"):
        abort(403)
    errors = FormErrors()
    form = ProposeLivForm()
    if not form.is_submitted():
        data = {name: getattr(app, name) for name, _message in LIV_FIELDS}
        form = ProposeLivForm(formdata=None, data={**data, "expected_version": app.version})
        return _render_propose(app, form, errors)
    if not form.validate():
        errors.add_form(form)
        return _render_propose(app, form, errors, 422)
    payload = {name: form[name].data for name, _message in LIV_FIELDS if form[name].data}
    with transaction.step() as refusal:
        engine.fire(
            APPLICATION,
            app,
            "propose_liv",
            by=current_user,
            session=db.session,
            payload=payload,
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        errors.add_problems(exc.problems or [], _locator(form))
        if not exc.problems:
            errors.add(None, "", exc.message)
        app = applications.load_visible(db.session, application_id, current_user)
        return _render_propose(app, form, errors, exc.status)
    flash(gettext("Done: %(step)s.", step=str(action_label("propose_liv"))), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)


# --- the activity: years, uppdragsavtal ----------------------------------------------------------


def _agreement_form(app: Application, posted: AgreementForm | None = None) -> AgreementForm:
    form = posted or AgreementForm(formdata=None)
    form.party_member_ids.choices = [(m.id, m.name) for m in _members(app)]
    return form


def _render_activity(
    app: Application,
    form: AgreementForm | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    can_record = permissions.can_manage_liv(current_user, app.association_id) and (
        app.state == State.IN_LIV
    )
    this_year = liv_rules.suggested_year(app) - 1
    return (
        render_template(
            "liv/activity.html",
            app=app,
            years=liv_rules.years(db.session, app),
            agreements=liv_rules.agreements(db.session, app),
            members={m.id: m.name for m in _members(app)},
            unreported=liv_rules.is_liv_item(app)
            and app.id in liv_rules.unreported(db.session, [app], this_year),
            this_year=this_year,
            form=_agreement_form(app, form) if can_record else None,
            form_errors=errors or FormErrors(),
        ),
        status,
    )


def _members(app: Application) -> list[Member]:
    return list(
        db.session.exec(
            select(Member).where(Member.association_id == app.association_id).order_by(Member.name)  # type: ignore[arg-type]
        ).all()
    )


@bp.route("/applications/<int:application_id>/liv")
@cached_page
@login_required
def activity(application_id: int) -> ResponseReturnValue:
    """The LIV activity: the years the board financed, the uppdragsavtal, the report flag."""
    app = applications.load_visible(db.session, application_id, current_user)
    return _render_activity(app)


@bp.route("/applications/<int:application_id>/liv/agreements", methods=["POST"])
@login_required
def record_agreement(application_id: int) -> ResponseReturnValue:
    """The officer records an uppdragsavtal; a refusal keeps the input."""
    app = applications.load_visible(db.session, application_id, current_user)
    if not permissions.can_manage_liv(current_user, app.association_id):
        abort(403)
    form = _agreement_form(app, AgreementForm())
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render_activity(app, form, errors, 422)
    data = liv.AgreementIn(
        party_member_ids=list(form.party_member_ids.data or []),
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        signed_on=form.signed_on.data,
        reference=form.reference.data,
    )
    with transaction.step() as refusal:
        liv.record_agreement(db.session, app, data, by=current_user)
    if (exc := refusal.error) is not None:
        errors.add_problems(exc.problems or [], _locator(form))
        if not exc.problems:
            errors.add(None, "", exc.message)
        app = applications.load_visible(db.session, application_id, current_user)
        return _render_activity(app, form, errors, exc.status)
    flash(gettext("The uppdragsavtal is recorded."), "success")
    return redirect(url_for("liv.activity", application_id=app.id), code=303)


# --- flags for other pages ------------------------------------------------------------------------


@bp.app_template_global("liv_unreported")
def liv_unreported(meeting: Meeting) -> set[int]:
    """The LIV items on a meeting's agenda lacking an accepted report for the year before."""
    apps = [
        entry.application
        for entry in meetings_rules.agenda(db.session, meeting)
        if entry.application is not None and entry.application.state in BOARD_LIV
    ]
    return liv_rules.unreported(db.session, apps, meeting.date.year)


@bp.app_template_global("liv_agenda_note")
def liv_agenda_note(app: Application) -> dict[str, bool] | None:
    """What a meeting's agenda says of a LIV item: an admission or a yearly financing; None."""
    if not liv_rules.is_liv_item(app):
        return None
    return {"admission": liv_rules.is_liv_admission(app)}


@bp.app_template_global("liv_panel")
def liv_panel(app: Application) -> dict[str, Any] | None:
    """What the application page shows of LIV: a link and the report flag, or None."""
    if not liv_rules.in_liv_or_proposed(app):
        return None
    this_year = liv_rules.suggested_year(app) - 1
    return {
        "unreported": app.id in liv_rules.unreported(db.session, [app], this_year),
        "last_year": this_year - 1,
    }
