"""Attachment pages: the list and upload form, download, and removal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import (
    Blueprint,
    abort,
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

from forms.attachments import DeleteForm, UploadForm
from workflow import http, permissions, transaction
from workflow.errors import ValidationFailed
from workflow.extensions import db
from workflow.models import Application, User
from workflow.models.reports import Report
from workflow.models.security import Attachment
from workflow.operations import applications, reports
from workflow.operations import attachments as service
from workflow.web.formerrors import FormErrors

bp = Blueprint("attachments", __name__)


@dataclass
class Panel:
    """What the application page shows of its attachments to the signed-in user."""

    rows: list[Attachment] = field(default_factory=list)
    uploaders: dict[int, str] = field(default_factory=dict)
    can_add: bool = False
    deletable: set[int] = field(default_factory=set)
    upload_form: Any = None
    delete_form: Any = None
    errors: FormErrors = field(default_factory=FormErrors)


def _uploader_names(rows: list[Attachment]) -> dict[int, str]:
    ids = {row.uploaded_by_id for row in rows}
    return {u.id: u.name for u in (db.session.get(User, i) for i in ids) if u is not None}


@bp.app_template_global("attachment_panel")
def attachment_panel(app: Application) -> Panel:
    """The attachments of `app` the signed-in user may see, and what they may do with them."""
    if not permissions.can_view_attachments(current_user, app):
        return Panel()
    rows = service.for_application(db.session, app)
    return Panel(
        rows=rows,
        uploaders=_uploader_names(rows),
        can_add=permissions.can_add_attachment(current_user, app),
        deletable={
            row.id
            for row in rows
            if permissions.can_delete_attachment(current_user, app, row.uploaded_by_id)
        },
        upload_form=UploadForm(),
        delete_form=DeleteForm(),
    )


@bp.app_template_global("report_attachment_panel")
def report_attachment_panel(report: Report) -> Panel:
    """The report's attachments for the signed-in user, with the upload form when it may add."""
    app = db.session.get(Application, report.application_id)
    if app is None or not permissions.can_view_report_attachments(current_user, report, app):
        return Panel()
    rows = service.for_report(db.session, report)
    # A refused upload re-renders the report page with what was sent and why it was refused.
    form, errors = g.get("report_upload") or (UploadForm(formdata=None), FormErrors())
    return Panel(
        rows=rows,
        uploaders=_uploader_names(rows),
        can_add=permissions.can_add_report_attachment(current_user, report, app),
        deletable={
            row.id
            for row in rows
            if permissions.can_delete_report_attachment(
                current_user, report, app, row.uploaded_by_id
            )
        },
        upload_form=form,
        delete_form=DeleteForm(formdata=None),
        errors=errors,
    )


def _render(app: Application, form: UploadForm, errors: FormErrors, status: int = 200) -> Any:
    return (
        render_template(
            "attachments/index.html",
            application=app,
            panel=attachment_panel(app),
            form=form,
            errors=errors,
        ),
        status,
    )


@bp.route("/applications/<int:application_id>/attachments", methods=["GET", "POST"])
@login_required
def upload(application_id: int) -> ResponseReturnValue:
    """The application's attachments, and the form to add one."""
    app = applications.load_visible(db.session, application_id, current_user)
    form = UploadForm()
    errors = FormErrors()
    if request.method == "GET":
        return _render(app, form, errors)
    if not permissions.can_add_attachment(current_user, app):
        abort(403)
    if not form.validate():
        errors.add_form(form)
        return _render(app, form, errors, 422)
    upload_file = form.file.data
    try:
        staged = service.stage(upload_file.stream, upload_file.filename)
    except ValidationFailed as exc:
        errors.add_problems(exc.problems, lambda name: (form.file.id, form.file.label.text, None))
        return _render(app, form, errors, 422)
    with service.staged_until_commit(staged):
        service.add(db.session, app, staged, by=current_user)
    flash(gettext("The file %(name)s is attached.", name=staged.filename), "info")
    return redirect(url_for("applications.show", application_id=app.id) + "#attachments", 303)


@bp.route("/reports/<int:report_id>/attachments", methods=["POST"])
@login_required
def upload_to_report(report_id: int) -> ResponseReturnValue:
    """Attach a file to a report (its lead applicants, while it is a draft or returned)."""
    from workflow.web.reports import _render_show

    report = reports.load_visible(db.session, report_id, current_user)
    app = reports.application_of(db.session, report)
    service.require_report_upload(current_user, report, app)
    form = UploadForm()
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        g.report_upload = (form, errors)
        return _render_show(report, status=422)
    upload_file = form.file.data
    try:
        staged = service.stage(upload_file.stream, upload_file.filename)
    except ValidationFailed as exc:
        errors.add_problems(exc.problems, lambda name: (form.file.id, form.file.label.text, None))
        g.report_upload = (form, errors)
        return _render_show(report, status=422)
    with service.staged_until_commit(staged):
        service.add(db.session, app, staged, by=current_user, report=report)
    flash(gettext("The file %(name)s is attached.", name=staged.filename), "info")
    return redirect(url_for("reports.show", report_id=report.id) + "#attachments", 303)


def _back_to(app: Application, report: Report | None) -> str:
    """The page that lists the file: its report's, or its application's."""
    if report is not None:
        return url_for("reports.show", report_id=report.id) + "#attachments"
    return url_for("applications.show", application_id=app.id) + "#attachments"


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> ResponseReturnValue:
    """Download a file (for whoever may see its application, or its report)."""
    row, _app, _report = service.load_visible(db.session, attachment_id, current_user)
    return http.attachment_response(row)


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id: int) -> ResponseReturnValue:
    """Remove a file; the bytes go once the removal is committed."""
    row, app, report = service.load_visible(db.session, attachment_id, current_user)
    form = DeleteForm()
    form.validate()  # raises on a missing or wrong CSRF token; there is nothing else to check
    name = row.filename
    path = service.remove(db.session, row, application=app, report=report, by=current_user)
    transaction.after_commit(lambda: service.unlink_quietly(path))
    flash(gettext("The file %(name)s is removed.", name=name), "info")
    return redirect(_back_to(app, report), 303)


@bp.errorhandler(413)
def _too_large(_exc: Exception) -> ResponseReturnValue:
    """A file over the limit: say how large a file may be."""
    from workflow.web.errors import PAGES

    title, _explanation = PAGES[413]
    html = render_template(
        "errors/error.html",
        status=413,
        title=title,
        explanation=gettext("Go back and choose a smaller file."),
        message=gettext("The file is larger than %(mb)s MB.", mb=20),
        details=[],
    )
    return html, 413
