"""The record of an insats that enters LIV: every decision kept with its own extract (wrong 3),
and the LIV item decided on the LIV proposal (wrong 5)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlmodel import select

from tests.liv.conftest import LIV_TEXTS, YEAR
from workflow import engine
from workflow.lifecycles.meeting import MEETING
from workflow.models import Decision, Meeting, User
from workflow.operations import meetings, protocols


def _sign(session, world, meeting: Meeting) -> None:
    """Close (if open), justera and sign a meeting through its real steps."""
    chair = world.users["chair"]
    if meeting.state == "open":
        # The justerare chosen when the meeting opened, else the board's first ledamot.
        chosen = {
            "justerare_id": meeting.justerare_id or world.users["board"].id,
            "ends_at": "15:30",  # held on its own date, recorded afterwards
        }
        engine.fire(MEETING, meeting, "close", by=chair, session=session, payload=chosen)
    justerare = session.get(User, meeting.justerare_id)
    protocols.sign_as_justerare(session, meeting, by=justerare)
    engine.fire(MEETING, meeting, "sign", by=chair, session=session)
    session.commit()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _text(body: bytes) -> str:
    # Lines broken by the layout are joined: the test reads sentences, not lines.
    pages = PdfReader(io.BytesIO(body)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_a_second_decision_keeps_the_first_and_its_extract(
    session, world, board, liv_proposed, open_meeting, decide, api, bearer, client, sign_in
):
    app = liv_proposed()
    grant = session.exec(select(Decision).where(Decision.application_id == app.id)).one()
    first_meeting = session.get(Meeting, grant.meeting_id)
    _sign(session, world, first_meeting)
    listed = api.get(f"/api/v1/applications/{app.id}/decisions", token=bearer("applicant"))
    assert listed.status_code == 200
    (only,) = listed.get_json()["items"]
    first_url = only["extract_url"]
    assert first_url is not None
    assert only["matter"] == "grant"

    meeting = open_meeting(app)
    decision = decide(meeting, app, "approve", amounts=[meetings.AmountIn(YEAR + 1, 900_000)])
    listed = api.get(f"/api/v1/applications/{app.id}/decisions", token=bearer("applicant"))
    items = listed.get_json()["items"]
    assert [d["id"] for d in items] == [grant.id, decision.id]  # oldest first
    assert [d["matter"] for d in items] == ["grant", "liv_admission"]
    assert items[0]["extract_url"] == first_url  # the mailed link still works
    assert items[1]["extract_url"] is None  # its protocol is not signed yet
    for who in ("applicant", "officer", "board"):
        answer = client.get(first_url, headers=_auth(bearer(who)))
        assert answer.status_code == 200, who
        assert f"§ {grant.paragraph}" in _text(answer.data)
    pending = client.get(
        f"/api/v1/applications/{app.id}/decisions/{decision.id}/protocol-extract.pdf",
        headers=_auth(bearer("applicant")),
    )
    assert pending.status_code == 404
    sign_in("applicant")
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert f'data-decision="{grant.id}"' in page
    assert f'data-decision="{decision.id}"' in page
    assert f"/applications/{app.id}/decisions/{grant.id}/protocol-extract.pdf" in page

    _sign(session, world, meeting)
    second = client.get(
        f"/api/v1/applications/{app.id}/decisions/{decision.id}/protocol-extract.pdf",
        headers=_auth(bearer("applicant")),
    )
    assert second.status_code == 200
    text = _text(second.data)
    assert "långsiktig finansiering (LIV)" in text
    assert f"§ {decision.paragraph}" in text
    assert f"Sammanträdesdatum {meeting.date.isoformat()}" in text
    assert first_meeting.date.isoformat() not in text  # the grant's meeting is its own extract


def test_the_liv_item_shows_the_liv_proposal_not_the_old_grants_preparation(
    session, world, board, liv_proposed, open_meeting, client, sign_in
):
    app = liv_proposed()
    meeting = open_meeting(app)
    sign_in("board")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "The LIV proposal" in page
    assert LIV_TEXTS["results_summary"] in page
    assert LIV_TEXTS["activity_description"] in page
    # The grant's preparation (the group's recommendation, the office's proposal) is history.
    assert "Förslag till beslut: bevilja ansökan." not in page
    assert "The preparatory group&#39;s recommendation" not in page
