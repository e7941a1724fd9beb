"""Beredning pages: a partner's answer, the officer's proposal, the association's settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms import Form

from forms.beredning import AssociationSettingsForm, EndorsementForm, ProposalForm
from states import application as machine
from workflow import engine, http, permissions, transaction
from workflow.errors import Conflict, DomainError, NotFound, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.labels import action_label, state_label
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, Association, Proposal, Recommendation
from workflow.operations import applications, associations, endorsements, proposals
from workflow.operations.endorsements import PartnerAnswer
from workflow.web.formerrors import FormErrors

bp = Blueprint("beredning", __name__)


def _locator(form: Form) -> Callable[[str], tuple[str | None, Any, str | None]]:
    """Map a service's problem field to the form field that shows it."""

    def locate(name: str) -> tuple[str | None, Any, str | None]:
        head = name.split(".")[0]
        if head in form._fields:
            return form[head].id, form[head].label.text, None
        return None, "", None

    return locate


def _add_error(errors: FormErrors, form: Form, exc: DomainError) -> None:
    if exc.problems:
        errors.add_problems(exc.problems, _locator(form))
    else:
        errors.add(None, "", exc.message)


# --- the panel on the application page -------------------------------------------------------


@dataclass
class BeredningPanel:
    """What applications/_beredning.html shows: partners' answers, recommendation, proposal."""

    answers: list[PartnerAnswer]
    require_partner_endorsement: bool
    recommendation: Recommendation | None
    proposal: Proposal | None
    forms: list[tuple[PartnerAnswer, EndorsementForm]] = field(default_factory=list)
    errors: FormErrors = field(default_factory=FormErrors)


def _endorsement_form(answer: PartnerAnswer, posted: bool = False) -> EndorsementForm:
    prefix = f"endorsement-{answer.member_id}"
    if posted:
        return EndorsementForm(prefix=prefix)
    row = answer.endorsement
    data = {
        "decision": answer.decision,
        "comment": answer.comment,
        "expected_version": row.version if row is not None else None,
    }
    return EndorsementForm(formdata=None, prefix=prefix, data=data)


@bp.app_template_global("beredning_panel")
def beredning_panel(app: Application) -> BeredningPanel:
    """The beredning panel of an application, as the signed-in user may see and use it."""
    association = db.session.get(Association, app.association_id)
    answers = endorsements.listing(db.session, app)
    panel = BeredningPanel(
        answers=answers,
        require_partner_endorsement=bool(association and association.require_partner_endorsement),
        recommendation=app.recommendations[-1] if app.recommendations else None,
        proposal=app.proposals[-1] if app.proposals else None,
    )
    if app.state in machine.ENDORSABLE:
        panel.forms = [
            (answer, _endorsement_form(answer))
            for answer in answers
            if permissions.can_endorse(current_user, app, answer.member_id)
        ]
    return panel


# --- a partner's answer ----------------------------------------------------------------------


def _partner_answer(app: Application, member_id: int) -> PartnerAnswer:
    """The partner's current answer; 404 when the member is not a partner of the application."""
    for answer in endorsements.listing(db.session, app):
        if answer.member_id == member_id:
            return answer
    raise NotFound(_l("The member organisation is not a partner of this application."))


@bp.route(
    "/applications/<int:application_id>/endorsements/<int:member_id>", methods=["GET", "POST"]
)
@login_required
def endorsement(application_id: int, member_id: int) -> ResponseReturnValue:
    """A partner member's answer: it stands behind the application, or declines and says why."""
    app = applications.load_visible(db.session, application_id, current_user)
    answer = _partner_answer(app, member_id)
    if not permissions.can_endorse(current_user, app, member_id):
        abort(403)
    errors = FormErrors()
    if request.method == "GET":
        form = _endorsement_form(answer)
        return _render_endorsement(app, answer, form, errors)
    form = _endorsement_form(answer, posted=True)
    if not form.validate():
        errors.add_form(form)
        return _render_endorsement(app, answer, form, errors, 422)
    with transaction.step(ValidationFailed, Conflict) as refusal:
        endorsements.answer(
            db.session,
            app,
            member_id,
            form.decision.data or "",
            by=current_user,
            comment=form.comment.data,
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        _add_error(errors, form, exc)
        app = applications.load_visible(db.session, application_id, current_user)
        return _render_endorsement(app, _partner_answer(app, member_id), form, errors, exc.status)
    flash(gettext("The answer of %(member)s is saved.", member=answer.member_name), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)


def _render_endorsement(
    app: Application,
    answer: PartnerAnswer,
    form: EndorsementForm,
    errors: FormErrors,
    status: int = 200,
) -> ResponseReturnValue:
    return (
        render_template(
            "beredning/endorsement.html",
            application=app,
            answer=answer,
            form=form,
            errors=errors,
            open_for_answers=app.state in machine.ENDORSABLE,
        ),
        status,
    )


# --- the officer's proposal ------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/proposal.pdf")
@login_required
def proposal_pdf(application_id: int) -> ResponseReturnValue:
    """The tjänsteskrivelse as a PDF, for whoever may see the application."""
    app = applications.load_visible(db.session, application_id, current_user)
    return http.proposal_pdf_response(proposals.document_of(db.session, app))


@bp.route("/applications/<int:application_id>/proposal.docx")
@login_required
def proposal_docx(application_id: int) -> ResponseReturnValue:
    """The tjänsteskrivelse as a Word document, for whoever may see the application."""
    app = applications.load_visible(db.session, application_id, current_user)
    return http.proposal_docx_response(proposals.document_of(db.session, app))


@bp.route("/applications/<int:application_id>/propose", methods=["GET", "POST"])
@login_required
def propose(application_id: int) -> ResponseReturnValue:
    """The proposal to the board, pre-filled from the application; sent with the propose step."""
    app = applications.load_visible(db.session, application_id, current_user)
    if not permissions.can_fire(current_user, app, "propose"):
        abort(403)
    errors = FormErrors()
    if request.method == "GET":
        if not APPLICATION.is_allowed_from("propose", app.state):
            raise Conflict(
                _l(
                    "This step cannot be taken from the state %(state)s.",
                    state=state_label(app.state),
                ),
                code="invalid_transition",
            )
        form = ProposalForm(
            formdata=None,
            data={
                "expected_version": app.version,
                "proposal": proposals.draft_proposal(db.session, app),
            },
        )
        return _render_proposal(app, form, errors)
    form = ProposalForm()
    if not form.validate():
        errors.add_form(form)
        return _render_proposal(app, form, errors, 422)
    with transaction.step() as refusal:
        engine.fire(
            APPLICATION,
            app,
            "propose",
            by=current_user,
            session=db.session,
            payload={"proposal": form.proposal.data or ""},
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        _add_error(errors, form, exc)
        app = applications.load_visible(db.session, application_id, current_user)
        return _render_proposal(app, form, errors, exc.status)
    flash(gettext("Done: %(step)s.", step=str(action_label("propose"))), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)


def _render_proposal(
    app: Application, form: ProposalForm, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template("beredning/propose.html", application=app, form=form, errors=errors),
        status,
    )


# --- the association's settings --------------------------------------------------------------


def _managed(slug: str) -> Association:
    """The association if the user manages it: 404 if none of theirs, 403 if only working there."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_manage_association(current_user, association):
        abort(403)
    return association


@bp.route("/admin/associations/<slug>", methods=["GET", "POST"])
@login_required
def association_settings(slug: str) -> ResponseReturnValue:
    """Name and whether submission waits for every partner's endorsement."""
    association = _managed(slug)
    errors = FormErrors()
    if request.method == "GET":
        form = AssociationSettingsForm(
            formdata=None,
            data={
                "version": association.version,
                "name": association.name,
                "require_partner_endorsement": association.require_partner_endorsement,
                "notice_days": association.notice_days,
                "capital_limit_percent": association.capital_limit_percent,
                "publish_protocols": association.publish_protocols,
            },
        )
        return _render_settings(association, form, errors)
    form = AssociationSettingsForm()
    if not form.validate():
        errors.add_form(form)
        return _render_settings(association, form, errors, 422)
    with transaction.step() as refusal:
        associations.update_settings(
            db.session,
            association,
            by=current_user,
            name=form.name.data,
            require_partner_endorsement=bool(form.require_partner_endorsement.data),
            notice_days=form.notice_days.data,
            capital_limit_percent=form.capital_limit_percent.data,
            publish_protocols=bool(form.publish_protocols.data),
            expected_version=form.version.data,
        )
    if (exc := refusal.error) is not None:
        _add_error(errors, form, exc)
        return _render_settings(_managed(slug), form, errors, exc.status)
    flash(gettext("The settings of %(name)s are saved.", name=association.name), "success")
    return redirect(url_for("beredning.association_settings", slug=association.slug), code=303)


def _render_settings(
    association: Association, form: AssociationSettingsForm, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "beredning/association.html", association=association, form=form, errors=errors
        ),
        status,
    )
