"""Shared insatser (the financing associations page) and mixed ones (making the other part)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from forms.base import BaseForm
from forms.shares import BLANK_ROWS, SharesForm
from workflow import permissions, transaction
from workflow.extensions import db
from workflow.models import Application, Association
from workflow.operations import applications, associations, parts, shares
from workflow.rules import shares as shares_rules
from workflow.web.formerrors import FormErrors

bp = Blueprint("shares", __name__)


def _form(app: Application, lead: Association, formdata: Any = None) -> SharesForm:
    recorded = [s for s in shares_rules.shares_of(db.session, app.id, lead) if not s.lead]  # type: ignore[arg-type]
    data = {
        "rows": [{"association": s.slug, "percent": s.percent} for s in recorded]
        + [{} for _ in range(BLANK_ROWS)]
    }
    form = SharesForm(formdata=formdata, data=None if formdata else data)
    # Every other association may co-finance it.
    others = [(slug, name) for slug, name in associations.names(db.session) if slug != lead.slug]
    choices = [("", gettext("(none)")), *others]
    for entry in form.rows.entries:
        entry.form.association.choices = choices
    return form


def _render(
    app: Application, lead: Association, form: SharesForm | None, errors: FormErrors, status: int
) -> ResponseReturnValue:
    return (
        render_template(
            "shares/edit.html",
            app=app,
            lead=lead,
            shares=shares_rules.shares_of(db.session, app.id, lead),  # type: ignore[arg-type]
            form=form,
            errors=errors,
        ),
        status,
    )


@bp.route("/applications/<int:application_id>/shares", methods=["GET", "POST"])
@login_required
def edit(application_id: int) -> ResponseReturnValue:
    """Readers of the application see the shares; the leading association's officers edit them."""
    app = applications.load_visible(db.session, application_id, current_user)
    lead = db.session.get(Association, app.association_id)
    assert lead is not None
    may_edit = permissions.can_set_shares(current_user, app.association_id) and (
        permissions.has_been_submitted(app)
    )
    errors = FormErrors()
    if request.method == "GET":
        return _render(app, lead, _form(app, lead) if may_edit else None, errors, 200)
    if not may_edit:
        abort(403)
    form = _form(app, lead, request.form)
    if not form.validate():
        errors.add_form(form)
        return _render(app, lead, form, errors, 422)
    given, origin = [], []
    for index, entry in enumerate(form.rows.entries):
        row = entry.form
        if row.is_blank():
            continue
        origin.append(index)
        given.append(shares_rules.ShareIn(row.association.data or "", row.percent.data or 0))
    with transaction.step() as refusal:
        shares.set_shares(db.session, app, given, by=current_user)
    if (exc := refusal.error) is not None:
        errors.add_row_problems(form.rows, origin, exc)
        return _render(app, lead, form, errors, exc.status)
    flash(gettext("The financing associations are saved."), "success")
    return redirect(url_for("shares.edit", application_id=app.id), code=303)


@bp.route("/applications/<int:application_id>/parts", methods=["POST"])
@login_required
def make_part(application_id: int) -> ResponseReturnValue:
    """Make the other part of a mixed insats and open it for editing."""
    app = applications.load_visible(db.session, application_id, current_user)
    form = BaseForm()
    if not form.validate():
        abort(400)
    with transaction.step() as refusal:
        part = parts.create_part(db.session, app, by=current_user)
    if (exc := refusal.error) is not None:
        flash(str(exc.message), "error")
        return redirect(url_for("applications.show", application_id=app.id), code=303)
    flash(
        gettext("The other part is made as a draft: give it its own budget and goals."), "success"
    )
    return redirect(url_for("applications.edit", application_id=part.id), code=303)
