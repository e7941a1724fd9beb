"""The protocol page, the justerare's button, the officer's notice form, the application page."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from workflow.models import Decision
from workflow.operations import protocols
from workflow.rules.protocols import last_appeal_day, legal_force_date


def test_the_protocol_page_and_the_justering(client, sign_in, post, board, world, closed, session):
    meeting, _ = closed()
    url = f"/meetings/{meeting.id}/protocol"
    sign_in("board")
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The record is Swedish whatever the reader's language; the page around it is English.
    assert "Utses att justera" in html
    assert "Protokoll – utkast, ej justerat" in html
    assert "Download the protocol (PDF)" in html
    assert "Sign as justerare" not in html
    assert f'href="/meetings/{meeting.id}/protocol"' in client.get(
        f"/meetings/{meeting.id}"
    ).get_data(as_text=True)
    refused = post(f"{url}/justering", from_page=url)
    assert refused.status_code == 403
    sign_in(board.ledamot["habo"])
    assert "Sign as justerare" in client.get(url).get_data(as_text=True)
    done = post(f"{url}/justering", from_page=url)
    assert done.status_code == 303
    after = client.get(url).get_data(as_text=True)
    assert "Sign as justerare" not in after
    assert "justerat " in after
    sign_in("outsider")
    assert client.get(url).status_code == 404


def test_the_officer_records_the_notice(client, sign_in, post, world, signed, session):
    meeting, _ = signed()
    url = f"/meetings/{meeting.id}/protocol"
    sign_in("officer")
    form = client.get(url).get_data(as_text=True)
    assert "Record the notice (anslag)" in form
    assert f'value="Kansliet, {world.association.name}"' in form
    today = protocols.local_today()
    future = (today + timedelta(days=3)).isoformat()
    refused = post(
        f"{url}/posting", {"posted_on": future, "kept_at": "Kansliet, Jönköping"}, from_page=url
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "The date cannot be in the future." in html
    # The input is kept.
    assert f'value="{future}"' in html
    assert 'value="Kansliet, Jönköping"' in html
    unreadable = post(f"{url}/posting", {"posted_on": "igår", "kept_at": "K"}, from_page=url)
    assert unreadable.status_code == 422
    done = post(
        f"{url}/posting",
        {"posted_on": today.isoformat(), "kept_at": "Kansliet, Jönköping"},
        from_page=url,
    )
    assert done.status_code == 303
    meeting_page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"{legal_force_date(today).isoformat()}, if not appealed" in meeting_page
    page = client.get(url).get_data(as_text=True)
    assert "ANSLAG/BEVIS" in page
    assert "Record the notice (anslag)" not in page
    assert last_appeal_day(today).isoformat() in page


def test_the_application_page_shows_the_decision(client, sign_in, world, signed, session):
    meeting, (first, _) = signed()
    app_url = f"/applications/{first.id}"
    sign_in("applicant")
    html = client.get(app_url).get_data(as_text=True)
    assert "The board&#39;s decision" in html or "The board's decision" in html
    assert "Approved with conditions" in html
    assert "Rapport varje kvartal." in html
    assert "1\u00a0500\u00a0000 kr" in html
    assert "The protocol was signed" in html
    assert "if not appealed" not in html
    decision = session.exec(select(Decision).where(Decision.application_id == first.id)).one()
    assert f'href="{app_url}/decisions/{decision.id}/protocol-extract.pdf"' in html
    today = protocols.local_today()
    protocols.record_posting(
        session, meeting, posted_on=today, kept_at="Kansliet", by=world.users["officer"]
    )
    session.commit()
    html = client.get(app_url).get_data(as_text=True)
    assert f"{legal_force_date(today).isoformat()}, if not appealed" in html
    for who, status in (("other_applicant", 404), ("outsider", 404), ("auditor", 200)):
        sign_in(who)
        assert client.get(f"{app_url}/protocol-extract.pdf").status_code == status, who
        extract = f"{app_url}/decisions/{decision.id}/protocol-extract.pdf"
        assert client.get(extract).status_code == status, who


def test_no_extract_before_the_justering(client, sign_in, world, closed):
    _, (first, _) = closed()
    sign_in("applicant")
    html = client.get(f"/applications/{first.id}").get_data(as_text=True)
    assert "The protocol is not signed yet." in html
    assert "protocol-extract.pdf" not in html
    assert client.get(f"/applications/{first.id}/protocol-extract.pdf").status_code == 404


def test_the_chair_chooses_the_justerare_on_the_page(
    client, sign_in, post, board, world, plan, attend, step, session
):
    meeting = plan()
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    step(meeting, "close")
    url = f"/meetings/{meeting.id}/protocol"
    sign_in("chair")
    assert "Choose the justerare" in client.get(url).get_data(as_text=True)
    empty = post(f"{url}/justerare", {"justerare_id": ""}, from_page=url)
    assert empty.status_code == 422
    assert "Choose a board member." in empty.get_data(as_text=True)
    done = post(f"{url}/justerare", {"justerare_id": board.ledamot["region"].id}, from_page=url)
    assert done.status_code == 303
    session.expire_all()
    assert session.get(type(meeting), meeting.id).justerare_id == board.ledamot["region"].id
