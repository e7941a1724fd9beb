"""Attachments: files checked by their content, stored outside the static folder under random
names, written so that a failed transaction leaves neither a row without its file nor a
half-written file under a stored name."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from sqlmodel import Session, select

from workflow import audit, permissions, transaction
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, User
from workflow.models.reports import Report
from workflow.models.security import FILENAME_MAX, Attachment

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CHUNK = 64 * 1024
FIELD = "file"


def _refused(message: object) -> ValidationFailed:
    return ValidationFailed(_l("The file was not accepted."), problems=[Problem(FIELD, message)])


def detect_kind(path: Path) -> str | None:
    """The kind of the file by its content (never its name), or None if not one we accept."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            # ODF: the first entry is `mimetype`, stored, holding the document type.
            if entries and entries[0].filename == "mimetype":
                with archive.open(entries[0]) as entry:
                    if entry.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                        return "odt"
                return None
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return "docx"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    return None


def clean_filename(name: str | None) -> str:
    """The name shown and offered on download: no path, no control characters, bounded."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        keep = FILENAME_MAX - len(ext) - 1 if dot and len(ext) <= 10 else FILENAME_MAX
        name = (stem[:keep] + "." + ext) if dot and len(ext) <= 10 else name[:FILENAME_MAX]
    return name or "bilaga"


def storage_dir() -> Path:
    """The configured attachments directory (created on first use)."""
    path = Path(current_app.config["ATTACHMENTS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(attachment: Attachment) -> Path:
    """Where the attachment's bytes are kept."""
    return storage_dir() / attachment.storage_name


@dataclass
class Staged:
    """A checked upload under its final random name, not yet recorded in the database."""

    path: Path
    storage_name: str
    filename: str
    kind: str
    size: int
    sha256: str

    def discard(self) -> None:
        """Remove the file (the transaction that would have recorded it failed)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def stage(stream: IO[bytes], filename: str | None) -> Staged:
    """Write the upload to disk, check size and content; the file appears whole or not at all."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    directory = storage_dir()
    storage_name = secrets.token_hex(16)
    temporary = directory / f".part-{storage_name}"
    digest = hashlib.sha256()
    size = 0
    try:
        with temporary.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _refused(
                        _l("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024))
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise _refused(_l("The file is empty."))
        kind = detect_kind(temporary)
        if kind is None:
            raise _refused(_l("Only PDF, Word (DOCX), Excel (XLSX) and OpenDocument text (ODT)."))
        final = directory / storage_name
        os.replace(temporary, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    return Staged(final, storage_name, clean_filename(filename), kind, size, digest.hexdigest())


@contextlib.contextmanager
def staged_until_commit(staged: Staged) -> Iterator[Staged]:
    """Remove the staged file if anything in the block fails, or the request's commit does."""
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    transaction.on_rollback(staged.discard)


def for_application(session: Session, application: Application) -> list[Attachment]:
    """The application's own attachments (not its reports'), oldest first."""
    return list(
        session.exec(
            select(Attachment)
            .where(
                Attachment.application_id == application.id,
                Attachment.report_id.is_(None),  # type: ignore[union-attr]
            )
            .order_by(Attachment.created_at, Attachment.id)  # type: ignore[arg-type]
        ).all()
    )


def for_report(session: Session, report: Report) -> list[Attachment]:
    """The report's attachments, oldest first."""
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.report_id == report.id)
            .order_by(Attachment.created_at, Attachment.id)  # type: ignore[arg-type]
        ).all()
    )


def load_visible(
    session: Session, attachment_id: int, user: User
) -> tuple[Attachment, Application, Report | None]:
    """The attachment with its application and report (if any); 404 for who may not see it."""
    row = session.get(Attachment, attachment_id)
    app = session.get(Application, row.application_id) if row is not None else None
    report = session.get(Report, row.report_id) if row and row.report_id is not None else None
    if (
        row is None
        or app is None
        or (row.report_id is not None and report is None)
        or not permissions.can_view_file(user, app, report)
    ):
        raise NotFound(_l("No such attachment."))
    return row, app, report


def require_report_upload(user: User, report: Report, application: Application) -> None:
    """403 for who never writes the report; 409 while it is not editable (as its edit page)."""

    if permissions.can_add_report_attachment(user, report, application):
        return
    if permissions.can_write_reports(user, application):
        raise Conflict(
            _l("Files can be attached only while the report is a draft or returned."),
            code="invalid_transition",
        )
    raise Forbidden(_l("Only the applicants of the lead member organisation write reports."))


def _entity(row: Attachment) -> tuple[str, int]:
    """What the audit event is about: the report for a report's file, else the application."""
    if row.report_id is not None:
        return "report", row.report_id
    return "application", row.application_id


def _audit_data(row: Attachment) -> dict[str, object]:
    return {
        "attachment_id": row.id,
        "application_id": row.application_id,
        "filename": row.filename,
        "kind": row.kind,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
    }


def add(
    session: Session,
    application: Application,
    staged: Staged,
    *,
    by: User,
    report: Report | None = None,
) -> Attachment:
    """Record a staged file on the application, or on its `report` (flushes and audits).

    The views ask the same question before they stage the upload (no file is written for
    a caller refused); the verb asks it again, as every verb does.
    """
    if report is not None and report.application_id != application.id:
        raise ValueError("the report belongs to another application")
    if report is not None:
        require_report_upload(by, report, application)
    elif not permissions.can_add_attachment(by, application):
        raise Forbidden(_l("You may not attach files to this application now."))
    row = Attachment(
        association_id=application.association_id,
        application_id=application.id,
        report_id=report.id if report is not None else None,
        filename=staged.filename,
        kind=staged.kind,
        size_bytes=staged.size,
        sha256=staged.sha256,
        storage_name=staged.storage_name,
        uploaded_by_id=by.id,
    )
    session.add(row)
    session.flush()
    entity_type, entity_id = _entity(row)
    audit.record(
        session,
        action="attachment_added",
        entity_type=entity_type,
        entity_id=entity_id,
        association_id=application.association_id,
        actor=by,
        data=_audit_data(row),
    )
    return row


def remove(
    session: Session,
    attachment: Attachment,
    *,
    application: Application,
    report: Report | None,
    by: User,
) -> Path:
    """Delete the row (flushes and audits); the caller removes the returned file after commit."""
    if not permissions.can_delete_file(by, application, report, attachment.uploaded_by_id):
        raise Forbidden(_l("You may not remove this file."))
    path = path_of(attachment)
    entity_type, entity_id = _entity(attachment)
    audit.record(
        session,
        action="attachment_removed",
        entity_type=entity_type,
        entity_id=entity_id,
        association_id=attachment.association_id,
        actor=by,
        data=_audit_data(attachment),
    )
    session.delete(attachment)
    session.flush()
    return path


def unlink_quietly(path: Path) -> None:
    """Remove a file whose row is gone; a file already missing is no error."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
