"""A submit gives a receipt (kvittens): the diary number and the Swedish date, on the page and by
mail to the lead member's applicants."""

from __future__ import annotations

from datetime import UTC, datetime

from states.application import State
from tests.web.conftest import page_token
from workflow.models import clock_at

# 23:30 on 31 December in UTC is already New Year's Day in Sweden.
LATE = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
APPLICANTS = {"applicant@example.se", "applicant2@example.se"}


def test_the_page_and_the_mail_give_the_diary_number_and_the_swedish_date(
    smtp_app, smtp, client, session, people, login, make_application, outbox
):
    draft = make_application(state=State.DRAFT)
    login(people["applicant"])
    with clock_at(LATE):
        response = client.post(
            f"/applications/{draft.id}/transitions/submit",
            data={
                "submit-csrf_token": page_token(client, "/"),
                "submit-expected_version": draft.version,
            },
        )
    assert response.status_code == 303
    session.refresh(draft)
    number = draft.diary_number
    assert "2027/" in number  # the Swedish year of the submit
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kvittens" in page
    assert number in page
    assert "2027-01-01" in page
    assert {r.rcpt_tos[0] for r in smtp.received} == APPLICANTS
    for received in smtp.received:
        assert received.message["Subject"].startswith("Kvittens: ansökan mottagen")
        assert f"Diarienummer: {number}\n" in received.body
        assert "Mottagen: 2027-01-01\n" in received.body
    assert {row.event for row in outbox()} == {"submit"}


def test_a_refused_submit_sends_no_receipt(smtp_app, smtp, people, make_application, fire, outbox):
    draft = make_application(state=State.DRAFT, complete=False)
    response = fire(draft.id, "submit", "applicant")
    assert response.status_code == 422
    assert smtp.received == []
    assert outbox() == []
