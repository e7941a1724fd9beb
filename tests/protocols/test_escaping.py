"""Applicant text reaches the protocol as text: escaped on the page, literal in the PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

PAYLOAD = '<script>alert("x")</script>'


def test_a_script_in_a_title_is_text_in_the_protocol_page_and_pdf(
    client, bearer, world, signed, session, sign_in
):
    meeting, (first, _) = signed()
    first.title = f"Enter {PAYLOAD}"
    session.add(first)
    session.commit()
    auth = {"Authorization": f"Bearer {bearer('board')}"}
    answer = client.get(f"/api/v1/meetings/{meeting.id}/protocol.pdf", headers=auth)
    assert answer.status_code == 200
    pages = PdfReader(io.BytesIO(answer.data)).pages
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
    assert PAYLOAD in text  # shown as the characters written, not swallowed as markup
    sign_in("officer")
    page = client.get(f"/meetings/{meeting.id}/protocol").get_data(as_text=True)
    assert PAYLOAD not in page
    assert "Enter &lt;script&gt;alert(" in page
