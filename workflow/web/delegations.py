"""The delegationsordning page: the officers keep the association's list of delegated matters."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from forms.delegations import BLANK_ROWS, DelegationsForm
from workflow import permissions, transaction
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association
from workflow.operations import associations, delegations
from workflow.rules import delegations as delegation_rules
from workflow.web.formerrors import FormErrors

bp = Blueprint("delegations", __name__)


def _association(slug: str) -> Association:
    """The association if the user works there (404 otherwise)."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    return association


def _render(
    association: Association, form: DelegationsForm | None, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "delegations/edit.html",
            association=association,
            rows=delegation_rules.rows_of(db.session, association.id),  # type: ignore[arg-type]
            form=form,
            errors=errors,
        ),
        status,
    )


def _blank_form(association: Association) -> DelegationsForm:
    rows: list[dict[str, Any]] = [
        {
            "matter": r.matter,
            "delegate": r.delegate,
            "limit_sek": r.limit_sek,
            "report_to_board": r.report_to_board,
            "note": r.note,
        }
        for r in delegation_rules.rows_of(db.session, association.id)  # type: ignore[arg-type]
    ]
    rows += [{"report_to_board": True} for _ in range(BLANK_ROWS)]
    return DelegationsForm(formdata=None, data={"rows": rows})


@bp.route("/admin/associations/<slug>/delegations", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> ResponseReturnValue:
    """Everyone working in the association reads the delegationsordning; the officers edit it."""
    association = _association(slug)
    may_edit = permissions.can_edit_delegations(current_user, association)
    errors = FormErrors()
    if request.method == "GET":
        return _render(association, _blank_form(association) if may_edit else None, errors)
    if not may_edit:
        abort(403)
    form = DelegationsForm()
    if not form.validate():
        errors.add_form(form)
        return _render(association, form, errors, 422)
    given, origin = [], []
    for index, entry in enumerate(form.rows.entries):
        row = entry.form
        if row.is_blank():
            continue
        origin.append(index)
        given.append(
            delegation_rules.DelegationIn(
                matter=row.matter.data or "",
                delegate=row.delegate.data or "",
                limit_sek=row.limit_sek.data,
                report_to_board=bool(row.report_to_board.data),
                note=row.note.data or None,
            )
        )
    with transaction.step() as refusal:
        delegations.replace(db.session, association, given, by=current_user)
    if (exc := refusal.error) is not None:
        errors.add_row_problems(form.rows, origin, exc)
        return _render(association, form, errors, exc.status)
    flash(gettext("The delegationsordning of %(name)s is saved.", name=association.name), "success")
    return redirect(url_for("delegations.edit", slug=association.slug), code=303)
