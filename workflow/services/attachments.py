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

from workflow.errors import Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, User
from workflow.models.security import FILENAME_MAX, Attachment
from workflow.services import audit

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
    """Remove the staged file if anything in the block (the commit included) fails."""
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise


def for_application(session: Session, application: Application) -> list[Attachment]:
    """The application's attachments, oldest first."""
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.application_id == application.id)
            .order_by(Attachment.created_at, Attachment.id)  # type: ignore[arg-type]
        ).all()
    )


def _audit_data(row: Attachment) -> dict[str, object]:
    return {
        "attachment_id": row.id,
        "filename": row.filename,
        "kind": row.kind,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
    }


def add(session: Session, application: Application, staged: Staged, *, by: User) -> Attachment:
    """Record a staged file on the application (flushes and audits, never commits)."""
    row = Attachment(
        association_id=application.association_id,
        application_id=application.id,
        filename=staged.filename,
        kind=staged.kind,
        size_bytes=staged.size,
        sha256=staged.sha256,
        storage_name=staged.storage_name,
        uploaded_by_id=by.id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="attachment_added",
        entity_type="application",
        entity_id=application.id,
        association_id=application.association_id,
        actor=by,
        data=_audit_data(row),
    )
    return row


def remove(session: Session, attachment: Attachment, *, by: User) -> Path:
    """Delete the row (flushes and audits); the caller removes the returned file after commit."""
    path = path_of(attachment)
    audit.record(
        session,
        action="attachment_removed",
        entity_type="application",
        entity_id=attachment.application_id,
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
