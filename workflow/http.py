"""The one place that builds file answers: CSV, XLSX and PDF downloads, stored attachments,
images made on request, and pages replayed from the page cache.

Both faces (workflow/web and workflow/api) answer a download through these, so a file has
the same type, name and headers whichever face served it. The bytes come from below:
the tables from workflow/rules/tables.py, the protocols from workflow/operations/documents.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response, send_file, stream_with_context

from workflow import pdf, word
from workflow.errors import NotFound
from workflow.i18n import _l
from workflow.models.security import Attachment
from workflow.operations import attachments, documents, proposals, protocols
from workflow.rules.tables import Sheet, csv_lines, workbook_bytes

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIMETYPE = "application/pdf"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SVG_MIMETYPE = "image/svg+xml"
ATOM_MIMETYPE = "application/atom+xml; charset=utf-8"
# Public pages (the anslagstavla) are the same for everyone: shared caches may keep them.
PUBLIC_CACHE = "public, max-age=300"


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def download(body: Any, mimetype: str, filename: str) -> Response:
    """A file to save (Content-Disposition: attachment) with its name."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download; rows given as a generator (reading the database) are streamed."""
    lines = csv_lines(header, rows)
    if isinstance(rows, Sequence):
        body: Any = "".join(lines)
    else:
        # The generator runs after the view returns: it keeps the request's context.
        body = stream_with_context(lines)
    return download(body, CSV_MIMETYPE, filename)


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> Response:
    """An XLSX download."""
    return download(workbook_bytes(sheets), XLSX_MIMETYPE, filename)


def pdf_response(body: bytes, filename: str) -> Response:
    """A PDF download."""
    return download(body, PDF_MIMETYPE, filename)


def docx_response(body: bytes, filename: str) -> Response:
    """A Word (.docx) download."""
    return download(body, DOCX_MIMETYPE, filename)


def _protocol_filename(kind: str, protocol: protocols.Protocol, suffix: str = "pdf") -> str:
    return f"{kind}-{protocol.association['slug']}-{protocol.date}.{suffix}"


def protocol_docx_response(protocol: protocols.Protocol) -> Response:
    """The whole protocol as a Word document, built from the same data as its PDF."""
    return docx_response(word.protocol(protocol), _protocol_filename("protokoll", protocol, "docx"))


def _proposal_filename(document: proposals.ProposalDocument, suffix: str) -> str:
    number = (document.diary_number or str(document.application_id)).replace("/", "-")
    return f"tjansteskrivelse-{number}.{suffix}"


def proposal_pdf_response(document: proposals.ProposalDocument) -> Response:
    """The tjänsteskrivelse as a PDF download."""
    body = pdf.render("proposals/pdf.html", d=document)
    return pdf_response(body, _proposal_filename(document, "pdf"))


def proposal_docx_response(document: proposals.ProposalDocument) -> Response:
    """The tjänsteskrivelse as a Word document, from the same data as its PDF."""
    return docx_response(word.proposal(document), _proposal_filename(document, "docx"))


def protocol_pdf_response(protocol: protocols.Protocol) -> Response:
    """The whole protocol as a PDF download."""
    body = documents.document(protocol, extract=False)
    return pdf_response(body, _protocol_filename("protokoll", protocol))


def extract_pdf_response(protocol: protocols.Protocol) -> Response:
    """One paragraph's extract (protokollsutdrag) as a PDF download."""
    body = documents.document(protocol, extract=True)
    number = protocol.items[0].number
    return pdf_response(body, _protocol_filename(f"protokollsutdrag-{number}", protocol))


def attachment_response(row: Attachment) -> Response:
    """A stored attachment as a download in its own type, never shown inline nor sniffed."""
    path = attachments.path_of(row)
    if not path.is_file():
        raise NotFound(_l("The file of this attachment is missing."))
    response = send_file(
        path,
        mimetype=attachments.CONTENT_TYPES[row.kind],
        as_attachment=True,
        download_name=row.filename,
        max_age=0,
        etag=row.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def svg_response(svg: str | bytes) -> Response:
    """An SVG image made for this request only (a QR code of a secret): never stored."""
    response = Response(svg, mimetype=SVG_MIMETYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


def atom_response(body: bytes) -> Response:
    """An Atom feed, shown by feed readers (not a download)."""
    return Response(body, mimetype=ATOM_MIMETYPE)


def replayed_page(body: bytes, headers: Iterable[tuple[str, str]]) -> Response:
    """A page answered again from the page cache, with the headers it was stored with."""
    return Response(body, status=200, headers=list(headers))
