"""Each step that waits for someone mails exactly those people, after the step has committed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from states.application import BY_TRIGGER, State
from tests.web.conftest import page_token
from workflow import engine, notifications, transaction
from workflow.extensions import db
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.meeting import MEETING
from workflow.models import Application, Association, MailMessage, User
from workflow.operations import meetings
from workflow.rules.meetings import DecisionInput

APPLICANTS = {"applicant@example.se", "applicant2@example.se"}
PREPARERS = {"preparer@example.se", "preparer2@example.se"}
OFFICERS = {"officer@example.se", "officer2@example.se"}

# trigger, starting state, who takes the step, body, who is told, what the subject says
STEPS = [
    ("submit", State.DRAFT, "applicant", {}, APPLICANTS, "Kvittens: ansökan mottagen"),
    (
        "return_for_completion",
        State.SUBMITTED,
        "officer",
        {"reason": "Budgeten för år 2 saknar medfinansiering."},
        APPLICANTS,
        "Ansökan återsänd för komplettering",
    ),
    (
        "request_completion",
        State.IN_PREPARATION,
        "preparer",
        {"reason": "Beskriv målgruppens storlek per kommun."},
        APPLICANTS,
        "Komplettering begärs",
    ),
    (
        "accept_for_preparation",
        State.SUBMITTED,
        "officer",
        {},
        PREPARERS,
        "Ny ansökan att bereda",
    ),
    (
        "resubmit",
        State.COMPLETION_REQUESTED,
        "applicant",
        {"reason": "Medfinansieringen är nu ifylld."},
        PREPARERS,
        "Kompletterad ansökan inskickad",
    ),
    (
        "recommend",
        State.IN_PREPARATION,
        "preparer",
        {"recommendation": "reject", "motivation": "Insatsen ligger utanför Finsam."},
        OFFICERS,
        "Beredningsgruppens rekommendation",
    ),
]


def test_the_table_names_real_steps_and_existing_templates(app):
    assert set(notifications.NOTICES) == {step[0] for step in STEPS} | {"board_refer_back"}
    for trigger, notice in notifications.NOTICES.items():
        assert trigger in BY_TRIGGER
        app.jinja_env.get_template(notice.template)


@pytest.mark.parametrize(
    ("trigger", "state", "who", "body", "told", "subject"), STEPS, ids=[s[0] for s in STEPS]
)
def test_a_step_mails_exactly_the_people_it_waits_for(
    smtp_app, smtp, people, make_application, fire, outbox, trigger, state, who, body, told, subject
):
    application = make_application(state=state)
    response = fire(application.id, trigger, who, **body)
    assert response.status_code == 200, response.get_json()

    # One message per person, each addressed to that person alone.
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted(told)
    assert all(len(r.rcpt_tos) == 1 for r in smtp.received)
    for received in smtp.received:
        message = received.message
        assert message["To"] == received.rcpt_tos[0]
        assert message["From"] == "finsam@localhost"
        assert message["Subject"].startswith(subject)
        assert application.diary_number in message["Subject"]
        assert f"http://127.0.0.1:5000/applications/{application.id}\n" in received.body
        if "reason" in body:
            assert body["reason"] in received.body
    if trigger == "recommend":
        assert "Rekommendation: Avslå\n" in smtp.received[0].body
    rows = outbox()
    assert {row.to_email for row in rows} == told
    assert {(row.status, row.event, row.attempts) for row in rows} == {("sent", trigger, 1)}
    assert all(row.sent_at is not None and row.application_id == application.id for row in rows)


def test_a_referral_back_by_the_board_tells_the_preparers(
    smtp_app, smtp, session, people, make_application, outbox
):
    application = make_application(state=State.PROPOSED)
    chair_id, officer_id, board_id = (people[k].id for k in ("chair", "officer", "board"))
    session.commit()
    # The board refers it back at a quorate meeting: the decision is a step of the engine.
    with smtp_app.app_context():
        s = db.session
        officer, chair = s.get(User, officer_id), s.get(User, chair_id)
        row = s.get(Application, application.id)
        association = s.get(Association, row.association_id)
        meeting = meetings.create_meeting(s, association, on=date.today(), by=officer)
        meetings.add_to_agenda(s, meeting, [row.id], by=officer)
        # The two seats: the board member's (af) and the chair's own (fk).
        present = [meetings.AttendanceIn(board_id, True), meetings.AttendanceIn(chair_id, True)]
        meetings.record_attendance(s, meeting, present, by=chair)
        engine.fire(MEETING, meeting, "open", by=chair, session=s)
        meetings.decide(
            s,
            meeting,
            DecisionInput(
                application_id=row.id,
                outcome="refer_back",
                questions="Styrelsen vill se en tydligare uppföljningsplan.",
            ),
            by=chair,
        )
        assert smtp.received == []  # nothing leaves before the commit
        transaction.commit()
    assert {r.rcpt_tos[0] for r in smtp.received} == PREPARERS
    assert all("tydligare uppföljningsplan" in r.body for r in smtp.received)
    assert {row.status for row in outbox()} == {"sent"}


def test_a_step_taken_on_the_page_mails_as_well(
    smtp_app, smtp, client, people, login, make_application, outbox
):
    application = make_application(state=State.SUBMITTED)
    login(people["officer"])
    url = f"/applications/{application.id}"
    response = client.post(
        f"{url}/transitions/return_for_completion",
        data={
            "return_for_completion-csrf_token": page_token(client, "/"),
            "return_for_completion-expected_version": application.version,
            "return_for_completion-reason": "Underskrift saknas.",
        },
    )
    assert response.status_code == 303
    assert {r.rcpt_tos[0] for r in smtp.received} == APPLICANTS
    assert all("Underskrift saknas." in r.body for r in smtp.received)
    assert len(outbox()) == 2


def test_steps_that_wait_for_nobody_new_send_nothing(
    smtp_app, smtp, people, make_application, fire, outbox
):
    prepared = make_application(state=State.PREPARED)
    assert fire(prepared.id, "propose", "officer", proposal="Bevilja.").status_code == 200
    submitted = make_application(state=State.SUBMITTED)
    assert fire(submitted.id, "withdraw", "applicant").status_code == 200
    assert smtp.received == []
    assert outbox() == []


@pytest.mark.parametrize(
    ("state", "trigger", "who", "body", "status"),
    [
        (State.SUBMITTED, "return_for_completion", "officer", {}, 422),
        (State.SUBMITTED, "request_completion", "preparer", {"reason": "x"}, 409),
        (State.SUBMITTED, "accept_for_preparation", "applicant", {}, 403),
        (State.IN_PREPARATION, "recommend", "preparer", {"recommendation": "approve"}, 422),
        (State.COMPLETION_REQUESTED, "resubmit", "officer", {}, 403),
    ],
)
def test_a_refused_step_sends_nothing(
    smtp_app, smtp, people, make_application, fire, outbox, state, trigger, who, body, status
):
    application = make_application(state=state)
    response = fire(application.id, trigger, who, **body)
    assert response.status_code == status
    assert smtp.received == []
    assert outbox() == []


def test_a_step_rolled_back_after_it_queued_its_mail_sends_nothing(
    smtp_app, smtp, session, people, make_application, outbox
):
    application = make_application(state=State.SUBMITTED)
    officer_id = people["officer"].id
    session.commit()
    with smtp_app.app_context():
        s = db.session
        row = s.get(Application, application.id)
        engine.fire(
            APPLICATION, row, "accept_for_preparation", by=s.get(User, officer_id), session=s
        )
        queued = s.exec(
            select(MailMessage).where(MailMessage.event == "accept_for_preparation")
        ).all()
        assert len(queued) == 2  # queued in the step's transaction
        transaction.rollback()
        # A later commit in the same request must not deliver what was rolled back.
        transaction.commit()
    assert smtp.received == []
    assert outbox() == []
    session.expire_all()
    assert session.get(Application, application.id).state == State.SUBMITTED


def test_links_follow_app_base_url(smtp_app, smtp, people, make_application, fire):
    smtp_app.config["APP_BASE_URL"] = "https://finsam.example.se/bidrag/"
    application = make_application(state=State.SUBMITTED)
    assert fire(application.id, "accept_for_preparation", "officer").status_code == 200
    assert smtp.received
    for received in smtp.received:
        assert f"https://finsam.example.se/bidrag/applications/{application.id}\n" in received.body
