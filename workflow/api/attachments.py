"""Attachments through the API: upload (multipart), list, download and remove."""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, request, url_for
from pydantic import Field

from workflow import http, permissions, transaction
from workflow.api.registry import ID, route
from workflow.api.schemas import EmptyOut, Out, Timestamp
from workflow.api.serializers import timestamp
from workflow.errors import Forbidden, Problem, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import User
from workflow.models.security import ATTACHMENT_KINDS, Attachment
from workflow.operations import applications, reports
from workflow.operations import attachments as service

APPLICATION = f"/applications/<{ID}:application_id>"
REPORT = f"/reports/<{ID}:report_id>"
ATTACHMENT = f"/attachments/<{ID}:attachment_id>"
Kind = Literal[ATTACHMENT_KINDS]  # type: ignore[valid-type]


class AttachmentOut(Out):
    """A file of an application or of one of its reports; its bytes are at `download_url`."""

    id: int
    application_id: int
    report_id: int | None = Field(
        description="The report the file belongs to; null for the application's own files."
    )
    filename: str = Field(description="The name it was uploaded with (path and controls removed).")
    kind: Kind = Field(description="Found from the content, never from the name.")  # type: ignore[valid-type]
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by_id: int
    created_at: Timestamp
    download_url: str


class AttachmentListOut(Out):
    """Every attachment of the application (or of the report), oldest first."""

    items: list[AttachmentOut]


def attachment_out(row: Attachment) -> dict[str, Any]:
    """The API shape of an attachment."""
    return {
        "id": row.id,
        "application_id": row.application_id,
        "report_id": row.report_id,
        "filename": row.filename,
        "kind": row.kind,
        "content_type": service.CONTENT_TYPES[row.kind],
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "uploaded_by_id": row.uploaded_by_id,
        "created_at": timestamp(row.created_at),
        "download_url": url_for("api.download_attachment", attachment_id=row.id),
    }


def _file_of_request() -> Any:
    """The multipart field `file`; a 422 naming it when it is missing."""
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(
            _l("The file was not accepted."),
            problems=[Problem("file", _l("Send the file as multipart/form-data field `file`."))],
        )
    return upload


@route(
    f"{APPLICATION}/attachments",
    method="POST",
    summary="Attach a file (multipart/form-data, field `file`)",
    tag="attachments",
    response=AttachmentOut,
    status=201,
    errors=(400, 403, 413, 422),
)
def upload_attachment(user: User, application_id: int) -> dict[str, Any]:
    """PDF, DOCX, XLSX or ODT by content, at most 20 MB. Applicants while the application is
    theirs to edit; officers while it is submitted, in preparation or prepared."""
    app = applications.load_visible(db.session, application_id, user)
    if not permissions.can_add_attachment(user, app):
        raise Forbidden(_l("You may not attach files to this application now."))
    upload = _file_of_request()
    staged = service.stage(upload.stream, upload.filename)
    with service.staged_until_commit(staged):
        row = service.add(db.session, app, staged, by=user)
    return attachment_out(row)


@route(
    f"{APPLICATION}/attachments",
    summary="The attachments of an application",
    tag="attachments",
    response=AttachmentListOut,
)
def list_attachments(user: User, application_id: int) -> dict[str, Any]:
    """Whoever may see the application; its reports' files are listed with each report."""
    app = applications.load_visible(db.session, application_id, user)
    return {"items": [attachment_out(row) for row in service.for_application(db.session, app)]}


@route(
    f"{REPORT}/attachments",
    method="POST",
    summary="Attach a file to a report (multipart/form-data, field `file`)",
    tag="attachments",
    response=AttachmentOut,
    status=201,
    errors=(400, 403, 409, 413, 422),
)
def upload_report_attachment(user: User, report_id: int) -> dict[str, Any]:
    """PDF, DOCX, XLSX or ODT by content, at most 20 MB. The lead member's applicants while the
    report is a draft or returned; 403 for anyone else who sees the report, 409 (code
    `invalid_transition`) once it is submitted or accepted."""
    report = reports.load_visible(db.session, report_id, user)
    app = reports.application_of(db.session, report)
    service.require_report_upload(user, report, app)
    upload = _file_of_request()
    staged = service.stage(upload.stream, upload.filename)
    with service.staged_until_commit(staged):
        row = service.add(db.session, app, staged, by=user, report=report)
    return attachment_out(row)


@route(
    f"{REPORT}/attachments",
    summary="The attachments of a report",
    tag="attachments",
    response=AttachmentListOut,
)
def list_report_attachments(user: User, report_id: int) -> dict[str, Any]:
    """Whoever may see the report."""
    report = reports.load_visible(db.session, report_id, user)
    return {"items": [attachment_out(row) for row in service.for_report(db.session, report)]}


@route(
    ATTACHMENT,
    summary="Download an attachment (Content-Disposition: attachment, in its own type)",
    tag="attachments",
    # In its own type, as the upload was recognised (docs/api.md), never a generic one.
    media_type=tuple(service.CONTENT_TYPES.values()),
)
def download_attachment(user: User, attachment_id: int) -> Response:
    """The bytes; 404 for anyone who may not see the application (or the report)."""
    row, _app, _report = service.load_visible(db.session, attachment_id, user)
    return http.attachment_response(row)


@route(
    f"{ATTACHMENT}/metadata",
    summary="An attachment's details",
    tag="attachments",
    response=AttachmentOut,
)
def get_attachment(user: User, attachment_id: int) -> dict[str, Any]:
    """Whoever may see the application (or the report)."""
    row, _app, _report = service.load_visible(db.session, attachment_id, user)
    return attachment_out(row)


@route(
    ATTACHMENT,
    method="DELETE",
    summary="Remove an attachment",
    tag="attachments",
    response=EmptyOut,
    errors=(403,),
)
def delete_attachment(user: User, attachment_id: int) -> dict[str, Any]:
    """Who may attach may remove their own files (applicants also their colleagues'); a
    report's files also the association's officers."""
    row, app, report = service.load_visible(db.session, attachment_id, user)
    path = service.remove(db.session, row, application=app, report=report, by=user)
    transaction.after_commit(lambda: service.unlink_quietly(path))
    return {}
