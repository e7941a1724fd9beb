"""Annotation pages: annotate a section, read a thread, reply, resolve and reopen.

The application page shows the annotations beside their sections through the template
global `annotation_panel(app)`; the forms there post here. A refused form comes back on
this blueprint's own pages (the annotation form or the thread), with what was typed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forms.annotations import AnnotationForm, ReplyForm, ResolutionForm
from forms.base import options
from workflow import transaction
from workflow.errors import ValidationFailed
from workflow.extensions import db
from workflow.models import Annotation, Application
from workflow.operations import annotations, applications
from workflow.operations.annotations import Access, Thread
from workflow.rules import versions as versions_rules
from workflow.rules.sections import BY_KEY
from workflow.web.formerrors import FormErrors

bp = Blueprint("annotations", __name__)

APPLICATION = "/applications/<int:application_id>"
ANNOTATION = f"{APPLICATION}/annotations/<int:annotation_id>"


# --- the panel on the application page ------------------------------------------------------


@dataclass
class Panel:
    """What the application page shows of the annotations to the signed-in user."""

    level: Access
    can_annotate: bool = False
    body_max: int = annotations.BODY_MAX
    newest_version: int = 0
    # Open annotations the user may read (for an applicant: shared ones only).
    open_count: int = 0
    open: dict[str, list[Thread]] = field(default_factory=dict)
    resolved: dict[str, list[Thread]] = field(default_factory=dict)

    @property
    def shows_applicant_view(self) -> bool:
        """The user reads shared annotations only (the lead member's applicant)."""
        return self.level is Access.SHARED


@bp.app_template_global("annotation_panel")
def annotation_panel(app: Application) -> Panel:
    """The annotations of `app` the signed-in user may read, by section, and what they may do."""
    level = annotations.access(current_user, app)
    if level is Access.NONE:
        return Panel(level)
    rows = annotations.visible_annotations(db.session, current_user, app)
    panel = Panel(
        level,
        can_annotate=annotations.can_annotate(current_user, app),
        newest_version=versions_rules.latest_version_number(db.session, app),
        open_count=annotations.open_count(db.session, current_user, app),
    )
    by_state: dict[bool, dict[str, list[Thread]]] = {
        False: defaultdict(list),
        True: defaultdict(list),
    }
    for thread in annotations.threads(db.session, current_user, app, rows):
        by_state[thread.annotation.resolved][thread.annotation.section].append(thread)
    panel.open, panel.resolved = dict(by_state[False]), dict(by_state[True])
    return panel


# --- loading --------------------------------------------------------------------------------


def _application(application_id: int) -> Application:
    return applications.load_visible(db.session, application_id, current_user)


def _thread(app: Application, annotation: Annotation) -> Thread:
    return annotations.threads(db.session, current_user, app, [annotation])[0]


def _back_to(app: Application, annotation_id: int) -> Response:
    return redirect(
        url_for("applications.show", application_id=app.id, _anchor=f"annotation-{annotation_id}"),
        code=303,
    )


def _locate(form: Any) -> Any:
    """Map a service problem's field to the form field that shows it."""

    def locate(name: str) -> tuple[str | None, Any, str | None]:
        if name in form._fields:
            return form[name].id, form[name].label.text, None
        return None, "", None

    return locate


# --- annotate -------------------------------------------------------------------------------


def _annotation_form(app: Application, *, posted: bool) -> AnnotationForm:
    """The annotation form: the posted input, or the section asked for on the newest version."""
    numbers = [v.number for v in applications.versions(db.session, app)]
    if posted:
        form = AnnotationForm()
    else:
        section = request.args.get("section")
        form = AnnotationForm(
            formdata=None,
            data={
                "section": section if section in BY_KEY else None,
                "version": numbers[-1] if numbers else None,
                "quote": request.args.get("quote", ""),
            },
        )
    form.version.choices = options((n, gettext("Version %(n)s", n=n)) for n in reversed(numbers))
    return form


def _render_new(
    app: Application, form: AnnotationForm, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "annotations/new.html", application=app, form=form, errors=errors
    ), status


@bp.route(f"{APPLICATION}/annotations/new")
@login_required
def new(application_id: int) -> ResponseReturnValue:
    """The full annotation form (any version, any section)."""
    app = _application(application_id)
    if not annotations.can_annotate(current_user, app):
        abort(403)
    return _render_new(app, _annotation_form(app, posted=False), FormErrors())


@bp.route(f"{APPLICATION}/annotations", methods=["POST"])
@login_required
def create(application_id: int) -> ResponseReturnValue:
    """Annotate a section of a version; a refusal comes back on the full form."""
    app = _application(application_id)
    if not annotations.can_annotate(current_user, app):
        abort(403)
    form = _annotation_form(app, posted=True)
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render_new(app, form, errors, 422)
    with transaction.step(ValidationFailed) as refusal:
        annotation = annotations.annotate(
            db.session,
            app,
            by=current_user,
            section=form.section.data or "",
            body=form.body.data or "",
            version_number=form.version.data,
            quote=form.quote.data,
            shared_with_applicant=form.shared_with_applicant.data,
            requests_completion=form.requests_completion.data,
        )
    if (exc := refusal.error) is not None:
        errors.add_problems(exc.problems, _locate(form))
        return _render_new(_application(application_id), form, errors, 422)
    flash(gettext("The annotation is saved."), "success")
    return _back_to(app, annotation.id or 0)


# --- one thread -----------------------------------------------------------------------------


def _render_thread(
    app: Application,
    annotation: Annotation,
    *,
    reply_form: ReplyForm | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "annotations/thread.html",
        application=app,
        thread=_thread(app, annotation),
        section=BY_KEY.get(annotation.section),
        reply_form=reply_form or ReplyForm(formdata=None),
        errors=errors or FormErrors(),
        notes=Panel(
            annotations.access(current_user, app),
            can_annotate=annotations.can_annotate(current_user, app),
            newest_version=versions_rules.latest_version_number(db.session, app),
        ),
    ), status


@bp.route(ANNOTATION)
@login_required
def thread(application_id: int, annotation_id: int) -> ResponseReturnValue:
    """One annotation with its replies, on a page of its own."""
    app = _application(application_id)
    annotation = annotations.load(db.session, app, annotation_id, current_user)
    return _render_thread(app, annotation)


@bp.route(f"{ANNOTATION}/replies", methods=["POST"])
@login_required
def reply(application_id: int, annotation_id: int) -> ResponseReturnValue:
    """Reply in the thread; a refusal comes back on the thread's page."""
    app = _application(application_id)
    annotation = annotations.load(db.session, app, annotation_id, current_user)
    if not annotations.can_reply(current_user, app, annotation):
        abort(403)
    form = ReplyForm()
    errors = FormErrors()
    if form.validate():
        with transaction.step(ValidationFailed) as refusal:
            annotations.reply(db.session, app, annotation, by=current_user, body=form.body.data)
        if (exc := refusal.error) is not None:
            errors.add_problems(exc.problems, _locate(form))
        else:
            flash(gettext("The reply is saved."), "success")
            return _back_to(app, annotation_id)
    else:
        errors.add_form(form)
    app = _application(application_id)
    annotation = annotations.load(db.session, app, annotation_id, current_user)
    return _render_thread(app, annotation, reply_form=form, errors=errors, status=422)


@bp.route(f"{ANNOTATION}/resolution", methods=["POST"])
@login_required
def resolution(application_id: int, annotation_id: int) -> ResponseReturnValue:
    """Mark resolved or reopen; a stale version is a 409 page asking to reload."""
    app = _application(application_id)
    annotation = annotations.load(db.session, app, annotation_id, current_user)
    if not annotations.can_resolve(current_user, app, annotation):
        abort(403)
    form = ResolutionForm()
    if not form.validate():
        errors = FormErrors()
        errors.add_form(form, labels={form.resolved.id: "", form.expected_version.id: ""})
        return _render_thread(app, annotation, errors=errors, status=422)
    resolved = form.resolved.data == "true"
    annotations.set_resolved(
        db.session,
        app,
        annotation,
        by=current_user,
        resolved=resolved,
        expected_version=form.expected_version.data,
    )
    flash(
        gettext("The annotation is marked resolved.")
        if resolved
        else gettext("The annotation is reopened."),
        "success",
    )
    return _back_to(app, annotation_id)
