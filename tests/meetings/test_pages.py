"""The meeting pages: list and planning, agenda builder, attendance, the meeting page with the
chair's decision form, and the officer's decision by delegation on the application page."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlmodel import select

from states.application import State
from tests import factories
from tests.meetings.conftest import YEAR
from tests.web.conftest import text
from workflow.models import AgendaItem, Application, Attendance, Decision, Meeting
from workflow.operations import meetings

SMALL = [{"year": YEAR, "amount_sek": 120_000}]


def _fresh(session, model, row_id):
    session.expire_all()
    return session.get(model, row_id)


def _summary(body: str) -> str:
    """The error summary box at the top of the page."""
    return body.split('id="error-summary-title"')[1].split("</div>")[0]


def test_meeting_list_and_planning(client, sign_in, post, session, world):
    sign_in("officer")
    page = text(client.get("/associations/svb/meetings"))
    assert "No meeting is planned yet." in page
    assert 'name="date"' in page
    refused = post("/associations/svb/meetings", {"date": "14/3", "location": "Kansliet"})
    assert refused.status_code == 422
    body = text(refused)
    assert "Must be a date written YYYY-MM-DD." in _summary(body)
    assert 'value="Kansliet"' in body  # the input is kept
    done = post("/associations/svb/meetings", {"date": f"{YEAR}-03-14", "location": "Kansliet"})
    assert done.status_code == 303
    meeting = session.exec(select(Meeting)).one()
    assert (meeting.date, meeting.location) == (date(YEAR, 3, 14), "Kansliet")
    assert done.headers["Location"].endswith(f"/meetings/{meeting.id}")
    listing = text(client.get("/associations/svb/meetings"))
    assert f"{YEAR}-03-14" in listing

    assert "Planned" in listing


@pytest.mark.parametrize(("who", "status"), [("board", 200), ("chair", 200), ("auditor", 200)])
def test_the_board_and_auditors_read_meetings_but_do_not_plan(
    client, sign_in, post, world, plan, who, status
):
    meeting = plan()
    sign_in(who)
    page = client.get("/associations/svb/meetings")
    assert page.status_code == status
    assert 'name="date"' not in text(page)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert post("/associations/svb/meetings", {"date": f"{YEAR}-05-05"}).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("applicant", 403), ("outsider", 404)])
def test_others_do_not_see_meetings(client, sign_in, world, plan, who, status):
    meeting = plan()
    sign_in(who)
    assert client.get("/associations/svb/meetings").status_code == status
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_the_navigation_links_the_meetings(client, sign_in, world):
    sign_in("board")
    assert "/associations/svb/meetings" in text(client.get("/"))


def test_agenda_builder_adds_orders_and_removes(
    client, sign_in, post, session, world, plan, proposed
):
    meeting = plan()
    a, b, c = proposed(title="Alfa"), proposed(title="Beta"), proposed(title="Gamma")
    sign_in("officer")
    url = f"/meetings/{meeting.id}/agenda"
    page = text(client.get(url))
    assert all(f'value="{x.id}"' in page for x in (a, b, c))
    refused = post(url, {}, from_page=url)
    assert refused.status_code == 422
    assert "Choose at least one application." in _summary(text(refused))
    done = client.post(
        url,
        data={"application_ids": [str(c.id), str(a.id)], "csrf_token": _token(client, url)},
    )
    assert done.status_code == 303
    order = _order(session, meeting)
    assert order == [c.id, a.id]
    assert post(f"{url}/{a.id}/up", from_page=url).status_code == 303
    assert _order(session, meeting) == [a.id, c.id]
    assert post(f"{url}/{a.id}/remove", from_page=url).status_code == 303
    assert _order(session, meeting) == [c.id]
    assert _fresh(session, Application, a.id).state == State.PROPOSED
    page = text(client.get(url))
    assert "Mötets öppnande" in page  # the standard items stay around it
    assert f'value="{b.id}"' in page

    assert f'value="{a.id}"' in page


def _token(client, url):
    return factories.csrf_token(text(client.get(url)))


def _order(session, meeting):
    session.expire_all()
    return [
        i.application_id
        for i in session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.application_id.is_not(None))
            .order_by(AgendaItem.position)
        ).all()
    ]


def test_agenda_builder_is_for_officers(client, sign_in, post, world, plan, proposed):
    meeting = plan()
    app = proposed()
    sign_in("chair")
    url = f"/meetings/{meeting.id}/agenda"
    assert client.get(url).status_code == 403
    assert post(url, {"application_ids": str(app.id)}, from_page="/").status_code == 403


def test_attendance_form_records_present_and_absent(client, sign_in, session, world, board, plan):
    meeting = plan()
    sign_in("chair")
    url = f"/meetings/{meeting.id}/attendance"
    page = text(client.get(url))
    assert "Ersättare af" in page

    assert "0 of 5 seats filled" in page
    ticked = [board.ledamot["af"].id, board.ledamot["fk"].id, board.ersattare["jonkoping"].id]
    response = client.post(
        url, data={"present": [str(i) for i in ticked], "csrf_token": _token(client, url)}
    )
    assert response.status_code == 303
    rows = {r.user_id: r.present for r in session.exec(select(Attendance)).all()}
    assert len(rows) == 7
    assert {uid for uid, here in rows.items() if here} == set(ticked)
    assert "3 of 5 seats filled" in text(client.get(f"/meetings/{meeting.id}"))


def test_the_meeting_page_shows_preparation_and_budget_impact(
    client,
    sign_in,
    session,
    world,
    board,
    budgets,
    plan,
    place,
    proposed,
    proposed_with_preparation,
):
    meeting = plan()
    app = proposed_with_preparation()
    place(meeting, app)
    sign_in("board")
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert "Gruppen tillstyrker." in page  # the recommendation's motivation
    assert "Förslag till beslut: bevilja." in page  # the officer's proposal
    impact = page.split('class="table table--narrow impact"')[1].split("</table>")[0]
    # This year 2 000 000 + 10 000 000 - 1 000 000 = 11 000 000 before granting 1 500 000;
    # next year carries that in: 20 000 000 before, 17 000 000 after both years' grants.
    rows = re.findall(r'<td class="num">([\d,]+)</td>', impact)
    assert rows == ["1,500,000", "11,000,000", "9,500,000", "1,500,000", "20,000,000", "17,000,000"]
    assert 'name="item-' not in page  # board members do not get the chair's form


def test_the_chair_decides_on_the_page_and_a_refusal_keeps_the_input(
    client, sign_in, post, session, world, board, held
):
    meeting, (app,) = held()
    sign_in("chair")
    url = f"/meetings/{meeting.id}"
    page = text(client.get(url))
    prefix = f"item-{app.id}"
    assert f'name="{prefix}-outcome"' in page
    assert f'name="{prefix}-amounts-0-amount_sek"' in page
    assert 'value="1500000"' in page  # amounts pre-filled from the application's budget
    form = {
        f"{prefix}-outcome": "approve_with_conditions",
        f"{prefix}-amounts-0-year": str(YEAR),
        f"{prefix}-amounts-0-amount_sek": "1 000 000",
        f"{prefix}-amounts-1-year": str(YEAR + 1),
        f"{prefix}-amounts-1-amount_sek": "800000",
        f"{prefix}-conditions": "",
        f"{prefix}-casting_vote": "",
    }
    refused = post(f"/meetings/{meeting.id}/decisions/{app.id}", form, from_page=url, prefix=prefix)
    assert refused.status_code == 422
    body = text(refused)
    assert "Write the conditions of the approval." in _summary(body)
    assert 'value="1 000 000"' in body
    assert _fresh(session, Application, app.id).state == State.ON_AGENDA
    form[f"{prefix}-conditions"] = "Medfinansiering ska vara klar."
    done = post(f"/meetings/{meeting.id}/decisions/{app.id}", form, from_page=url, prefix=prefix)
    assert done.status_code == 303
    decision = session.exec(select(Decision)).one()
    assert (decision.paragraph, decision.outcome) == (5, "approve_with_conditions")
    assert [a.amount_sek for a in decision.amounts] == [1_000_000, 800_000]
    page = text(client.get(url))
    assert "§ 5" in page

    assert "Medfinansiering ska vara klar." in page


def test_votes_and_jav_on_the_page(client, sign_in, post, session, world, board, held):
    meeting, (app,) = held()
    sign_in("chair")
    url = f"/meetings/{meeting.id}"
    prefix = f"item-{app.id}"
    page = text(client.get(url))
    rows = re.findall(rf'name="{prefix}-votes-(\d+)-user_id" type="hidden" value="(\d+)"', page)
    assert len(rows) == 5
    index = {int(uid): i for i, uid in rows}
    form = {f"{prefix}-outcome": "reject", f"{prefix}-casting_vote": ""}
    for key, user in board.ledamot.items():
        i = index[user.id]
        form[f"{prefix}-votes-{i}-user_id"] = str(user.id)
        form[f"{prefix}-votes-{i}-vote"] = "" if key == "region" else "no"
    form[f"{prefix}-recusals-0-user_id"] = str(board.ledamot["region"].id)
    form[f"{prefix}-recusals-0-reason"] = "Jävig"
    form[f"{prefix}-dissents-0-user_id"] = str(board.ledamot["af"].id)
    form[f"{prefix}-dissents-0-kind"] = "protocol_note"
    form[f"{prefix}-dissents-0-text"] = "Bra beredning."
    done = post(f"/meetings/{meeting.id}/decisions/{app.id}", form, from_page=url, prefix=prefix)
    assert done.status_code == 303, _summary(text(done))
    decision = session.exec(select(Decision)).one()
    assert len(decision.votes) == 4
    assert decision.quorum_present == 4
    page = text(client.get(url))
    assert "took no part in the item" in page

    assert "Bra beredning." in page


def test_open_and_close_buttons_for_the_chair(
    client, sign_in, post, session, world, board, plan, attend
):
    meeting = plan()
    attend(meeting, present=list(board.ledamot.values()))
    sign_in("chair")
    url = f"/meetings/{meeting.id}"
    page = text(client.get(url))
    assert "Open the meeting" in page
    response = post(
        f"{url}/transitions/open",
        {"open-expected_version": "1", "open-justerare_id": str(board.ledamot["habo"].id)},
        from_page=url,
        prefix="open",
    )
    assert response.status_code == 303
    stored = _fresh(session, Meeting, meeting.id)
    assert (stored.state, stored.justerare_id) == ("open", board.ledamot["habo"].id)
    stale = post(
        f"{url}/transitions/close", {"close-expected_version": "1"}, from_page=url, prefix="close"
    )
    assert stale.status_code == 409
    assert "changed by someone else" in _summary(text(stale))
    # The meeting was held on a past date: the chair says when it ended.
    unknown_end = post(
        f"{url}/transitions/close", {"close-expected_version": "2"}, from_page=url, prefix="close"
    )
    assert unknown_end.status_code == 422
    assert 'id="close-ends_at"' in text(unknown_end)
    assert _fresh(session, Meeting, meeting.id).state == "open"
    closed = post(
        f"{url}/transitions/close",
        {"close-expected_version": "2", "close-ends_at": "15:30"},
        from_page=url,
        prefix="close",
    )
    assert closed.status_code == 303
    stored = _fresh(session, Meeting, meeting.id)
    assert (stored.state, stored.ends_at) == ("closed", time(15, 30))


def test_the_officer_decides_by_delegation_from_the_application_page(
    client, sign_in, post, session, world, make_application, budgets
):
    app = make_application(state=State.PREPARED, budget=SMALL)
    sign_in("officer")
    url = f"/applications/{app.id}"
    page = text(client.get(url))
    assert 'name="decide_delegated-outcome"' in page
    assert "200,000" in page  # the limit is shown
    form = {
        "decide_delegated-expected_version": str(app.version),
        "decide_delegated-outcome": "approve",
        "decide_delegated-amounts-0-year": str(YEAR),
        "decide_delegated-amounts-0-amount_sek": "250000",
    }
    action = f"/applications/{app.id}/decide_delegated"
    refused = post(action, form, from_page=url, prefix="decide_delegated")
    assert refused.status_code == 403
    body = text(refused)
    assert "above the delegation limit" in _summary(body)
    assert 'value="250000"' in body
    form["decide_delegated-amounts-0-amount_sek"] = "120000"
    done = post(action, form, from_page=url, prefix="decide_delegated")
    assert done.status_code == 303
    assert _fresh(session, Application, app.id).state == State.APPROVED
    assert session.exec(select(Decision)).one().delegated is True


def test_the_delegated_form_is_for_officers_only(client, sign_in, post, make_application):
    app = make_application(state=State.PREPARED, budget=SMALL)
    sign_in("chair")
    assert 'name="decide_delegated-outcome"' not in text(client.get(f"/applications/{app.id}"))
    assert client.get(f"/applications/{app.id}/decide_delegated").status_code == 403


def test_reported_delegated_decisions_on_the_meeting_page(
    client, sign_in, session, world, make_application, budgets, plan
):
    app = make_application(state=State.PREPARED, budget=SMALL, title="Liten insats")
    meetings.decide_delegated(session, app, by=world.users["officer"], outcome="reject")
    session.commit()
    meeting = plan()
    sign_in("board")
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert "Report of a decision taken by delegation" in page
    assert "Liten insats" in page

    assert "Rejected" in page
