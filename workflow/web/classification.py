"""The insats's national classification on the application page: the officer's small form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from forms.classification import ClassificationForm
from states import application as machine
from workflow import permissions, transaction
from workflow.errors import DomainError
from workflow.extensions import db
from workflow.labels import DIRECTION_LABELS, FOLLOW_UP_METHOD_LABELS, PRECISE_DIRECTION_LABELS
from workflow.models import Application
from workflow.models.classification import InsatsClassification
from workflow.operations import applications
from workflow.operations.classification import classify, refusal
from workflow.rules.classification import PRECISE_DIRECTIONS
from workflow.web.formerrors import FormErrors

bp = Blueprint("classification", __name__)


@dataclass
class Panel:
    """What the application page shows of the classification, and the officer's form."""

    row: InsatsClassification | None
    form: ClassificationForm | None
    # Why it may not change now (fixed after the start), for the officer.
    locked: Any
    errors: FormErrors


def _choices(form: ClassificationForm) -> ClassificationForm:
    """The precise directions grouped under their direction, in the request's language."""
    form.precise_direction.choices = [
        SelectChoice(value="", label=gettext("(choose)")),
        *(
            SelectChoice(
                value=code,
                label=str(PRECISE_DIRECTION_LABELS[code]),
                optgroup=str(DIRECTION_LABELS[direction]),
            )
            for direction, codes in PRECISE_DIRECTIONS.items()
            for code in codes
        ),
    ]
    return form


def _initial(app: Application) -> ClassificationForm:
    row = app.classification
    data: dict[str, Any] = {"direction": app.kind}
    if row is not None:
        data = {
            "direction": row.direction,
            "precise_direction": row.precise_direction,
            "follow_up_method": row.follow_up_method,
            "esf": "yes" if row.esf else "no",
            "esf_project": row.esf_project,
        }
    return _choices(ClassificationForm(formdata=None, data=data))


def _shown(app: Application) -> bool:
    return app.classification is not None or (
        app.state in machine.CLASSIFIABLE or app.state in machine.STARTED
    )


@bp.app_template_global("classification_panel")
def classification_panel(app: Application) -> Panel | None:
    """The panel of the application page, or None where an insats has no classification yet."""
    if not _shown(app):
        return None
    officer = permissions.can_classify(current_user, app)
    locked = refusal(db.session, app) if officer else None
    form = _initial(app) if officer and locked is None else None
    return Panel(app.classification, form, locked.message if locked else None, FormErrors())


@bp.app_template_global("classification_labels")
def classification_labels() -> dict[str, Any]:
    """The labels of the codes, for the panel."""
    return {
        "direction": DIRECTION_LABELS,
        "precise_direction": PRECISE_DIRECTION_LABELS,
        "follow_up_method": FOLLOW_UP_METHOD_LABELS,
    }


def _values(form: ClassificationForm) -> dict[str, Any]:
    esf = {"yes": True, "no": False}.get(form.esf.data or "")
    return {
        "direction": form.direction.data,
        "precise_direction": form.precise_direction.data,
        "follow_up_method": form.follow_up_method.data,
        "esf": esf,
        "esf_project": form.esf_project.data,
    }


def _page(app: Application, form: ClassificationForm, errors: FormErrors, status: int) -> Any:
    return (
        render_template(
            "classification/edit.html",
            application=app,
            form=_choices(form),
            form_errors=errors,
        ),
        status,
    )


@bp.route("/applications/<int:application_id>/classification", methods=["POST"])
@login_required
def save(application_id: int) -> ResponseReturnValue:
    """The officer sets the classification; a refusal keeps the input and says why."""
    app = applications.load_visible(db.session, application_id, current_user)
    if not permissions.can_classify(current_user, app):
        abort(403)
    form = ClassificationForm()
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _page(app, form, errors, 422)
    with transaction.step() as refused:
        classify(db.session, app, _values(form), by=current_user)
    if (exc := refused.error) is not None:
        _place(form, errors, exc)
        app = applications.load_visible(db.session, application_id, current_user)
        return _page(app, form, errors, exc.status)
    flash(gettext("The classification is saved."), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)


def _place(form: ClassificationForm, errors: FormErrors, exc: DomainError) -> None:
    """Each problem beside its field; a refusal without one (fixed, not open) on top."""
    for problem in exc.problems or []:
        field = form._fields.get(problem.field)
        errors.add(field.id if field else None, field.label.text if field else "", problem.message)
    if not exc.problems:
        errors.add(None, "", exc.message)
