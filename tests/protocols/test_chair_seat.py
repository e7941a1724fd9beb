"""The chair holds a seat: counted, voting, among the beslutande; the vice chair stands in."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests import factories
from tests.protocols.test_api import _pdf_text
from tests.web.conftest import text
from workflow import engine
from workflow.errors import Forbidden, ValidationFailed
from workflow.lifecycles.meeting import MEETING
from workflow.models import Decision, Meeting, Vote
from workflow.operations import users
from workflow.rules import meetings as meetings_rules


@pytest.fixture
def vice_chair(session, world, board):
    """The region ledamot (Rolf) is also vice ordförande: one seat, with the office."""
    rolf = board.ledamot["region"]
    users.grant_roles(
        session,
        rolf,
        world.association,
        [{"role": "vice_chair", "member_id": world.members["region"].id}],
        by=world.users["officer"],
    )
    session.commit()
    session.refresh(rolf)
    return rolf


def test_the_chair_sits_counts_votes_and_is_among_the_beslutande(
    api, bearer, client, session, world, board, signed
):
    meeting, (first, _) = signed()
    chair = world.users["chair"]
    seen = api.get(f"/api/v1/meetings/{meeting.id}", token=bearer("officer")).get_json()
    rows = {a["user"]["id"]: a for a in seen["attendance"]}
    assert rows[chair.id]["office"] == "chair"
    assert (rows[chair.id]["seat"], rows[chair.id]["present"], rows[chair.id]["serving"]) == (
        "ledamot",
        True,
        True,
    )
    assert seen["quorum"] == {"seats": 5, "filled": 5, "quorate": True}
    decision = session.exec(select(Decision).where(Decision.application_id == first.id)).one()
    assert (decision.quorum_seats, decision.quorum_present) == (5, 5)
    voted = session.exec(select(Vote).where(Vote.decision_id == decision.id)).all()
    assert chair.id in {v.user_id for v in voted}
    protocol = api.get(f"/api/v1/meetings/{meeting.id}/protocol", token=bearer("board"))
    makers = {p["name"]: p for p in protocol.get_json()["decision_makers"]}
    assert makers["Ola Ordförande"]["office"] == "ordförande"
    auth = {"Authorization": f"Bearer {bearer('board')}"}
    pdf = _pdf_text(client.get(f"/api/v1/meetings/{meeting.id}/protocol.pdf", headers=auth).data)
    beslutande = pdf[pdf.index("Beslutande") : pdf.index("Ersättare", pdf.index("Beslutande"))]
    assert "Ola Ordförande, Försäkringskassan (ledamot, ordförande)" in beslutande


def test_the_chair_can_be_javig_and_the_vice_chair_then_leads_the_item(
    session,
    world,
    board,
    vice_chair,
    held,
    decide,
):
    meeting, (one, two) = held(n=2)
    chair = world.users["chair"]
    javig = meetings_rules.RecusalIn(chair.id, "Anställd hos sökande part.")
    with pytest.raises(Forbidden):
        decide(meeting, one, "reject", recusals=[javig])
    session.rollback()
    decision = decide(meeting, one, "reject", recusals=[javig], by=vice_chair)
    # Four of five seats: the jävig chair's seat is empty (fk has no ersättare).
    assert (decision.quorum_seats, decision.quorum_present, decision.decided_by_id) == (
        5,
        4,
        vice_chair.id,
    )
    # On the next item the chair leads again, and the vice chair may not.
    with pytest.raises(Forbidden):
        decide(meeting, two, "reject", by=vice_chair)
    session.rollback()
    assert decide(meeting, two, "reject").quorum_present == 5


def test_the_vice_chair_leads_the_meeting_while_the_chair_is_absent(
    session, world, board, vice_chair, plan, attend, step, api, bearer
):
    meeting = plan()
    chair = world.users["chair"]
    with pytest.raises(Forbidden):  # the chair is there: the vice chair does not lead
        engine.fire(MEETING, meeting, "open", by=vice_chair, session=session)
    session.rollback()
    others = [p for k, p in board.ledamot.items() if k != "fk"]
    attend(meeting, present=others, absent=[chair])
    with pytest.raises(Forbidden):  # an absent chair does not lead
        engine.fire(MEETING, meeting, "open", by=chair, session=session)
    session.rollback()
    base = f"/api/v1/meetings/{meeting.id}/transitions"
    opened = api.post(
        f"{base}/open", token=bearer(vice_chair), json={"justerare_id": board.ledamot["habo"].id}
    )
    assert opened.status_code == 200, opened.get_json()
    assert opened.get_json()["chair"]["id"] == vice_chair.id
    assert api.post(f"{base}/close", token=bearer("chair")).status_code == 403
    closed = api.post(f"{base}/close", token=bearer(vice_chair), json={"ends_at": "15:30"})
    assert closed.status_code == 200, closed.get_json()
    session.expire_all()
    assert session.get(Meeting, meeting.id).chair_id == vice_chair.id


def test_the_vice_chair_sees_the_decision_form_on_the_page(
    client,
    sign_in,
    session,
    world,
    board,
    vice_chair,
    held,
):
    meeting, (app,) = held()
    sign_in(vice_chair)
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert f'name="item-{app.id}-outcome"' in page
    assert "Vice chair" in page
    assert "You record the decision only if the chair is jävig on it" in page
    sign_in("chair")
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert "You record the decision only if the chair is jävig on it" not in page


def test_a_chair_grant_names_the_seat(session, world):
    with pytest.raises(ValidationFailed) as refused:
        factories.user(session, world.association, "chair", email="utan.plats@example.se")
    assert [p.field for p in refused.value.problems] == ["roles.0.member_id"]
