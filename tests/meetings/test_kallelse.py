"""Kallelse: the officer calls every ledamot and ersättare by mail (PDF and .ics), a late one
warns, board members answer "kommer / kommer inte", an absent ledamot's ersättare is called in."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlmodel import Session, select

from tests import factories
from tests.mail.conftest import SmtpServer, free_port
from tests.meetings.conftest import Board
from tests.web.conftest import text
from workflow import mail
from workflow.errors import Conflict, Forbidden
from workflow.models import ZONE, Association, MailMessage, Meeting, clock_at
from workflow.models import today as local_today
from workflow.models.kallelse import MeetingCall, MeetingRsvp
from workflow.operations import kallelse
from workflow.rules import kallelse as kallelse_rules


@pytest.fixture
def smtp() -> Any:
    """A running SMTP server on a free loopback port."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app: Any, smtp: SmtpServer) -> Any:
    """The application, sending through the test's SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    return app


def _soon(days: int = 14) -> date:
    return local_today() + timedelta(days=days)


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def _send(session: Session, world: factories.World, meeting: Meeting) -> kallelse.Sent:
    sent = kallelse.send(session, meeting, by=world.users["officer"])
    session.commit()
    return sent


def test_the_kallelse_mails_every_ledamot_and_ersattare_a_pdf_and_a_calendar_file(
    smtp_app, smtp, session, world, board: Board, plan, proposed_with_preparation, place
):
    meeting = plan(on=_soon(), location="Stadshuset, sal 3")
    app_row = proposed_with_preparation(title="Enter – samlad väg till arbete")
    place(meeting, app_row)
    sent = _send(session, world, meeting)
    assert not sent.late
    mail.deliver_pending(smtp_app, ids=[c.mail_message_id for c in sent.calls])

    everyone = {u.email for u in board.everyone()}
    assert {c.email for c in sent.calls} == everyone
    assert {address for r in smtp.received for address in r.rcpt_tos} == everyone
    for received in smtp.received:
        message = received.message
        assert "Kallelse till styrelsemöte" in message["Subject"]
        files = {part.get_filename(): part for part in message.iter_attachments()}
        pdf_name = next(name for name in files if name.endswith(".pdf"))
        ics_name = next(name for name in files if name.endswith(".ics"))
        assert files[pdf_name].get_content_type() == "application/pdf"
        text = _pdf_text(files[pdf_name].get_content())
        assert "Kallelse" in text
        assert "Enter" in text
        # The handlingar: the tjänsteskrivelse of the item is in the PDF.
        assert "Förslag till beslut: bevilja." in text
        assert files[ics_name].get_content_type() == "text/calendar"
        calendar = Calendar.from_ical(files[ics_name].get_payload(decode=True))
        event = calendar.walk("VEVENT")[0]
        assert str(event["SUMMARY"]).startswith("Styrelsemöte")
        assert str(event["LOCATION"]) == "Stadshuset, sal 3"
        # The meeting starts at 13.00 Swedish time (the plan fixture's start).
        assert event.decoded("DTSTART") == datetime.combine(meeting.date, time(13, 0), ZONE)

    rows = session.exec(select(MeetingCall).where(MeetingCall.meeting_id == meeting.id)).all()
    assert {(r.email, r.kind, r.seat) for r in rows} == {
        (u.email, "notice", "ledamot") for u in board.ledamot.values()
    } | {(u.email, "notice", "ersattare") for u in board.ersattare.values()}


def test_the_calendar_file_places_a_meeting_with_a_time_in_stockholm():
    event = kallelse_rules.EventData(
        uid="meeting-1@example.se",
        summary="Styrelsemöte – Samordningsförbundet",
        day=date(2026, 12, 15),
        starts=time(13, 0),
        ends=time(15, 30),
        location="Kansliet",
        description="Kallelse",
        url=None,
        sequence=0,
    )
    parsed = Calendar.from_ical(kallelse_rules.calendar_file(event))
    vevent = parsed.walk("VEVENT")[0]
    start = vevent.decoded("DTSTART")
    assert start == datetime(2026, 12, 15, 13, 0, tzinfo=ZONE)
    assert str(start.tzinfo) in ("Europe/Stockholm", str(ZONE))
    assert vevent.decoded("DTEND") == datetime(2026, 12, 15, 15, 30, tzinfo=ZONE)
    # 13.00 in Stockholm in December is 12.00 UTC.
    assert start.utctimetuple()[3] == 12
    assert str(vevent["LOCATION"]) == "Kansliet"
    assert parsed.walk("VTIMEZONE"), "the zone travels with the file"


def test_the_meeting_time_is_read_when_the_meeting_has_one(monkeypatch):
    meeting = Meeting(association_id=1, date=date(2026, 12, 15))
    assert kallelse_rules.meeting_times(meeting) == (None, None)
    object.__setattr__(meeting, "starts_at", time(9, 30))
    assert kallelse_rules.meeting_times(meeting) == (time(9, 30), None)


# --- notice_days and the late warning ---------------------------------------------------------


def test_a_late_kallelse_is_sent_with_a_warning(session, world, board: Board, plan):
    meeting = plan(on=_soon(3))
    sent = _send(session, world, meeting)
    assert sent.late
    assert (sent.days_before, sent.notice_days) == (3, 7)
    assert len(sent.calls) == len(board.everyone())
    status = kallelse.status(session, meeting)
    assert status.sent
    assert status.late


def test_notice_days_decides_what_is_late(session, world, board: Board, plan):
    association = session.get(Association, world.association.id)
    association.notice_days = 2
    session.commit()
    sent = _send(session, world, plan(on=_soon(3)))
    assert not sent.late
    assert sent.notice_days == 2


def test_the_late_warning_on_the_page_and_in_the_api(
    client, sign_in, post, api, bearer, session, world, board: Board, plan
):
    meeting = plan(on=_soon(2))
    sign_in("officer")
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert "Not sent yet. It should go out by" in page
    answer = post(f"/meetings/{meeting.id}/kallelse", from_page=f"/meetings/{meeting.id}")
    assert answer.status_code == 303
    page = text(client.get(answer.headers["Location"]))
    assert "The kallelse is sent to 7 people." in page
    assert "the association&#39;s rule is 7 days" in page
    assert 'id="kallelse-late"' in page
    # Sending again over the API: sent all the same, with the warning.
    again = api.post(f"/api/v1/meetings/{meeting.id}/kallelse", token=bearer("officer"))
    assert again.status_code == 201
    body = again.get_json()
    assert [w["code"] for w in body["warnings"]] == ["late_notice"]
    assert body["late"] is True
    assert len(body["sendings"]) == 2
    assert body["sendings"][0]["days_before"] == 2
    assert {r["email"] for r in body["sendings"][1]["recipients"]} == {
        u.email for u in board.everyone()
    }


def test_only_officers_send_and_only_before_the_meeting(
    api, bearer, session, world, board: Board, plan
):
    meeting = plan(on=_soon())
    for who in ("board", "chair", "auditor"):
        refused = api.post(f"/api/v1/meetings/{meeting.id}/kallelse", token=bearer(who))
        assert refused.status_code == 403
    past = plan(on=local_today() - timedelta(days=1))
    refused = api.post(f"/api/v1/meetings/{past.id}/kallelse", token=bearer("officer"))
    assert refused.status_code == 422
    assert session.exec(select(MeetingCall)).all() == []
    with pytest.raises(Forbidden):
        kallelse.send(session, meeting, by=world.users["board"])


def test_the_setting_on_the_settings_page_and_in_the_api(client, sign_in, post, api, bearer, world):
    sign_in("officer")
    url = "/admin/associations/svb"
    page = text(client.get(url))
    assert 'name="notice_days"' in page
    assert 'value="7"' in page
    data = {"name": world.association.name, "delegation_limit_sek": "0", "notice_days": "100"}
    refused = post(url, data, from_page=url)
    assert refused.status_code == 422
    assert 'value="100"' in text(refused)  # the input is kept
    data["notice_days"] = "10"
    assert post(url, data, from_page=url).status_code == 303
    answer = api.patch("/api/v1/associations/svb", token=bearer("officer"), json={})
    assert answer.get_json()["notice_days"] == 10
    refused = api.patch(
        "/api/v1/associations/svb", token=bearer("officer"), json={"notice_days": -1}
    )
    assert refused.status_code == 422
    changed = api.patch(
        "/api/v1/associations/svb", token=bearer("officer"), json={"notice_days": 14}
    )
    assert changed.status_code == 200
    assert changed.get_json()["notice_days"] == 14


# --- answers and call-ins ---------------------------------------------------------------------


def test_a_ledamot_not_coming_has_the_ersattare_called_in(
    smtp_app, smtp, api, bearer, session, world, board: Board, plan
):
    meeting = plan(on=_soon())
    _send(session, world, meeting)
    jenny, standin = board.ledamot["jonkoping"], board.ersattare["jonkoping"]
    answer = api.post(
        f"/api/v1/meetings/{meeting.id}/rsvp", token=bearer(jenny), json={"attending": False}
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert [(c["user"]["id"], c["replaces"]["id"]) for c in body["call_ins"]] == [
        (standin.id, jenny.id)
    ]
    mine = next(a for a in body["answers"] if a["user"]["id"] == jenny.id)
    assert mine["attending"] is False
    called = next(a for a in body["answers"] if a["user"]["id"] == standin.id)
    assert called["called_in_for"] == jenny.id
    message = session.exec(select(MailMessage).where(MailMessage.event == "kallelse_call_in")).one()
    assert message.to_email == standin.email
    assert jenny.name in message.body
    # Only the ersättare of the same member organisation, and once: asking again calls no one.
    again = api.post(
        f"/api/v1/meetings/{meeting.id}/rsvp", token=bearer(jenny), json={"attending": False}
    )
    assert again.status_code == 200
    calls = session.exec(select(MeetingCall).where(MeetingCall.kind == "call_in")).all()
    assert [(c.user_id, c.replaces_user_id) for c in calls] == [(standin.id, jenny.id)]
    # A ledamot of an organisation without an ersättare: recorded, no one to call in.
    fia = board.ledamot["fk"]
    api.post(f"/api/v1/meetings/{meeting.id}/rsvp", token=bearer(fia), json={"attending": False})
    assert len(session.exec(select(MeetingCall).where(MeetingCall.kind == "call_in")).all()) == 1


def test_rsvp_over_the_api_refuses_bad_input_and_outsiders(
    api, bearer, api_token, session, world, board: Board, plan, step
):
    meeting = plan(on=_soon())
    url = f"/api/v1/meetings/{meeting.id}/rsvp"
    who = bearer(board.ledamot["af"])
    for body in ({}, {"attending": "yes"}, {"attending": 1}, {"attending": None}, {"x": True}):
        assert api.post(url, token=who, json=body).status_code == 422, body
    assert api.post(url, token=bearer("officer"), json={"attending": True}).status_code == 403
    # The chair holds a ledamot seat and answers like any ledamot; the auditor has no seat.
    assert api.post(url, token=bearer("chair"), json={"attending": True}).status_code == 200
    assert api.post(url, token=bearer("auditor"), json={"attending": True}).status_code == 403
    answered = [r.user_id for r in session.exec(select(MeetingRsvp)).all()]
    assert answered == [world.users["chair"].id]
    assert api.post(url, token=who, json={"attending": True}).status_code == 200
    assert api.post(url, token=who, json={"attending": False}).status_code == 200
    row = session.exec(
        select(MeetingRsvp).where(MeetingRsvp.user_id == board.ledamot["af"].id)
    ).one()
    assert row.attending is False
    assert row.changed_at is not None
    # On the meeting's day it opens; answers are closed from then on.
    with clock_at(datetime.combine(meeting.date, time(13, 0), ZONE)):
        step(meeting, "open")
        that_day = api_token(board.ledamot["af"])  # the token above has expired by then
        refused = api.post(url, token=that_day, json={"attending": True})
        assert refused.status_code == 409
        with pytest.raises(Conflict):
            kallelse.respond(session, meeting, attending=True, by=board.ledamot["af"])


def test_rsvp_on_the_page_is_shown_to_the_officer(
    client, sign_in, post, session, world, board: Board, plan
):
    meeting = plan(on=_soon())
    url = f"/meetings/{meeting.id}"
    sign_in(board.ledamot["jonkoping"])
    page = text(client.get(url))
    assert 'id="kallelse-answer"' in page
    assert 'id="kallelse-send"' not in page
    refused = post(f"{url}/rsvp", {"attending": "maybe"}, from_page=url)
    assert refused.status_code == 422
    assert "error-summary" in text(refused)
    assert session.exec(select(MeetingRsvp)).all() == []
    refused = post(f"{url}/rsvp", {}, from_page=url)
    assert refused.status_code == 422
    assert "Say whether you will come." in text(refused)
    done = post(f"{url}/rsvp", {"attending": "no"}, from_page=url)
    assert done.status_code == 303
    assert "You have answered that you will not come." in text(client.get(url))
    sign_in("officer")
    page = text(client.get(url))
    answers = page.split('id="kallelse-answers"')[1].split("</table>")[0]
    row = answers.split(board.ledamot["jonkoping"].name)[1].split("</tr>")[0]
    assert "Not coming" in row
    standin = answers.split(board.ersattare["jonkoping"].name)[1].split("</tr>")[0]
    assert f"called in for {board.ledamot['jonkoping'].name}" in standin
    assert 'id="kallelse-send"' in page
    assert 'id="kallelse-answer"' not in page  # the officer holds no seat
