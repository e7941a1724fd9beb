"""Signed protocols as stored PDF files: built by a job, served from disk, rebuilt on change.

A signed protocol changes only once more, when the notice is posted (the ANSLAG/BEVIS block),
so its PDF and its extracts (protokollsutdrag) are worth building once: the chair's `sign`
step and the recording of the posting queue `build_protocol_documents` after their commit
(on RQ when REDIS_URL is set, inline otherwise). A download serves the stored file when it is
there; a file is named by a fingerprint of what it shows (the protocol's data and the
template), so a stale file is never served, and a missing one is rendered on request and
stored then. Files live in DOCUMENTS_DIR, shared by all instances like ATTACHMENTS_DIR.
Drafts are rendered on every request and never stored: they change with each edit.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from flask import current_app

from workflow import pdf
from workflow.extensions import db
from workflow.models import Meeting
from workflow.operations import protocols

TEMPLATE = "protocols/pdf.html"
ROOT = Path(__file__).resolve().parents[2]
# What the PDF's look depends on besides the data: a new release with another layout
# gets new files.
LAYOUT_FILES = ("templates/protocols/pdf.html", "templates/protocols/_document.html")


@cache
def _layout_digest() -> str:
    digest = hashlib.sha256()
    for name in (*LAYOUT_FILES, str(pdf.STYLESHEET.relative_to(ROOT))):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def fingerprint(protocol: protocols.Protocol, *, extract: bool) -> str:
    """A digest of everything the document shows: equal digests, equal PDFs."""
    payload = json.dumps(protocol.as_dict(), sort_keys=True, default=str)
    text = f"{_layout_digest()}|{'extract' if extract else 'protocol'}|{payload}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _directory() -> Path:
    return Path(current_app.config["DOCUMENTS_DIR"])


def _stem(protocol: protocols.Protocol, *, extract: bool) -> str:
    if extract:
        return f"extract-{protocol.meeting_id}-{protocol.items[0].decision_id}"
    return f"protocol-{protocol.meeting_id}"


def stored_path(protocol: protocols.Protocol, *, extract: bool) -> Path:
    """Where the document of this exact content is (or would be) stored."""
    stem = _stem(protocol, extract=extract)
    return _directory() / f"{stem}-{fingerprint(protocol, extract=extract)}.pdf"


def document(protocol: protocols.Protocol, *, extract: bool) -> bytes:
    """The PDF: the stored file if built, else rendered now (and stored when signed)."""
    path = stored_path(protocol, extract=extract)
    if protocol.signed:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
    body = pdf.render(TEMPLATE, p=protocol, extract=extract)
    if protocol.signed:
        _store(path, body)
    return body


def _store(path: Path, body: bytes) -> None:
    """Write atomically (readers never see half a file), then drop older versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # `protocol-5-*` never matches `protocol-50-…`: the stem ends at its own dash.
    stem = path.name.rsplit("-", 1)[0]
    for older in path.parent.glob(f"{stem}-*.pdf"):
        if older != path:
            older.unlink(missing_ok=True)


def build_protocol_documents(meeting_id: int) -> int:
    """The job: store the PDF of a signed protocol and of each decision's extract.

    Returns how many files were written (0 when all were there, or the meeting is unsigned).
    """
    session = db.session
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    protocol = protocols.build(session, meeting)
    if not protocol.signed:
        return 0
    wanted = [(protocol, False)]
    for item in protocol.items:
        extract = protocol.extract(item.decision_id) if item.decision_id is not None else None
        if extract is not None:
            wanted.append((extract, True))
    written = 0
    for document_protocol, is_extract in wanted:
        path = stored_path(document_protocol, extract=is_extract)
        if not path.exists():
            _store(path, pdf.render(TEMPLATE, p=document_protocol, extract=is_extract))
            written += 1
    return written
