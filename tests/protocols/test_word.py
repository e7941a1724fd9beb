"""The protocol and the tjänsteskrivelse as Word documents: they open with python-docx and say
what the PDF says (every § heading, the decision texts), with the same permissions."""

from __future__ import annotations

import io

import docx
from pypdf import PdfReader

from tests.meetings.conftest import proposed_with_preparation  # noqa: F401 - a fixture
from workflow.operations import protocols

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _text(body: bytes) -> str:
    document = docx.Document(io.BytesIO(body))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def _headings(body: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(body))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_the_protocol_docx_holds_every_paragraph_and_decision(
    app, client, api, bearer, session, closed
):
    meeting, _apps = closed()
    protocol = protocols.build(session, meeting)
    answer = client.get(
        f"/api/v1/meetings/{meeting.id}/protocol.docx",
        headers={"Authorization": f"Bearer {bearer('board')}"},
    )
    assert answer.status_code == 200
    assert answer.mimetype == DOCX
    assert answer.headers["Content-Disposition"].endswith('.docx"')
    headings = _headings(answer.data)
    wanted = [f"§ {item.number} {item.title}" for item in protocol.items]
    assert len(wanted) == 7  # five standard items and the two applications
    assert [h for h in headings if h.startswith("§")] == wanted
    text = _text(answer.data)
    for item in protocol.items:
        assert item.decision_text in text
    assert "Rapport varje kvartal." in text  # the conditions
    assert "reserverar sig mot beslutet: För dyrt." in text
    assert "utkast, ej justerat" in text


def test_the_protocol_docx_on_the_pages_beside_the_pdf(client, sign_in, closed):
    meeting, _ = closed()
    sign_in("auditor")
    page = client.get(f"/meetings/{meeting.id}/protocol").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/protocol.docx"' in page
    answer = client.get(f"/meetings/{meeting.id}/protocol.docx")
    assert answer.status_code == 200
    assert "Sammanträdesdatum" in _text(answer.data)


def test_the_protocol_docx_is_refused_as_the_pdf_is(client, api, bearer, world, closed):
    meeting, _ = closed()
    for who in ("applicant", "preparer", "outsider"):
        pdf = api.get(f"/api/v1/meetings/{meeting.id}/protocol.pdf", token=bearer(who))
        word = api.get(f"/api/v1/meetings/{meeting.id}/protocol.docx", token=bearer(who))
        assert word.status_code == pdf.status_code == 404, who


def test_the_tjansteskrivelse_as_pdf_and_docx(
    client,
    api,
    bearer,
    sign_in,
    world,
    proposed_with_preparation,  # noqa: F811
):
    app_row = proposed_with_preparation(title="Hälsoskola")
    auth = {"Authorization": f"Bearer {bearer('board')}"}
    word = client.get(f"/api/v1/applications/{app_row.id}/proposal.docx", headers=auth)
    assert word.status_code == 200
    assert word.mimetype == DOCX
    text = _text(word.data)
    assert "Tjänsteskrivelse" in text
    assert "Förslag till beslut: bevilja." in text
    assert app_row.diary_number in text
    # Issue 19, friction 9: date, reference and a signature block, in Word and in the PDF.
    officer = world.users["officer"].name
    assert f"Förbundschef, {world.association.name}" in text
    assert officer in text.split("Förslag till beslut")[-1]
    pdf = client.get(f"/api/v1/applications/{app_row.id}/proposal.pdf", headers=auth)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    printed = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"Förbundschef, {world.association.name}" in printed
    assert "Datum" in printed
    sign_in("officer")
    page = client.get(f"/applications/{app_row.id}").get_data(as_text=True)
    assert f'href="/applications/{app_row.id}/proposal.docx"' in page
    assert client.get(f"/applications/{app_row.id}/proposal.pdf").status_code == 200


def test_no_tjansteskrivelse_before_the_proposal(api, bearer, proposed, make_application):
    draft = make_application()
    assert (
        api.get(
            f"/api/v1/applications/{draft.id}/proposal.docx", token=bearer("officer")
        ).status_code
        == 404
    )
    # Whoever may not see the application gets 404 as for its PDF extract.
    prop = proposed()
    assert (
        api.get(
            f"/api/v1/applications/{prop.id}/proposal.pdf", token=bearer("outsider")
        ).status_code
        == 404
    )
