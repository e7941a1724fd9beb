"""The outbox page: admins see all mail, officers their associations', nobody else any."""

from __future__ import annotations

import re

import pytest

from states.application import State
from tests.web.conftest import page_token, text
from workflow import mail


@pytest.fixture
def messages(session, world):
    """One pending message in each association and one that belongs to none."""

    def _queue(association_id, to, subject, body):
        return mail.queue(
            session,
            to=to,
            subject=subject,
            body=body,
            event="accept_for_preparation",
            association_id=association_id,
            application_id=None,
        )[0]

    rows = {
        "svb": _queue(world.association.id, "a@svb.example.se", "Ärende SVB-1", "Brödtext SVB"),
        "hog": _queue(
            world.other_association.id, "b@hog.example.se", "Ärende HOG-1", "Brödtext HOG"
        ),
        "none": _queue(None, "c@example.se", "Ärende UTAN-1", "Brödtext utan förbund"),
    }
    session.commit()
    return rows


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("admin", {"SVB-1", "HOG-1", "UTAN-1"}, set()),
        ("officer", {"SVB-1"}, {"HOG-1", "UTAN-1"}),
        ("outsider", {"HOG-1"}, {"SVB-1", "UTAN-1"}),
    ],
)
def test_each_reader_sees_the_mail_of_their_associations(
    client, world, login, messages, who, shown, hidden
):
    login(world.users[who])
    response = client.get("/admin/outbox")
    assert response.status_code == 200
    page = text(response)
    for subject in shown:
        assert f"Ärende {subject}" in page
    for subject in hidden:
        assert f"Ärende {subject}" not in page
    assert 'href="/admin/outbox"' in page  # the menu links to it


@pytest.mark.parametrize("who", ["applicant", "preparer", "board", "chair", "auditor"])
def test_everyone_else_is_refused(client, world, login, messages, who):
    login(world.users[who])
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{messages['svb'].id}").status_code == 403
    token = page_token(client, "/")
    assert client.post("/admin/outbox/send", data={"csrf_token": token}).status_code == 403
    assert 'href="/admin/outbox"' not in text(client.get("/"))


def test_signed_out_visitors_are_sent_to_sign_in(client, messages):
    response = client.get("/admin/outbox")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_the_detail_shows_the_body_only_within_reach(client, world, login, messages):
    login(world.users["officer"])
    own = client.get(f"/admin/outbox/{messages['svb'].id}")
    assert own.status_code == 200
    assert "Brödtext SVB" in text(own)
    assert "a@svb.example.se" in text(own)
    assert client.get(f"/admin/outbox/{messages['hog'].id}").status_code == 404
    assert client.get(f"/admin/outbox/{messages['none'].id}").status_code == 404
    assert client.get("/admin/outbox/999999").status_code == 404


def test_the_list_filters_by_status_and_pages(app, client, session, world, login, messages):
    app.config["PAGE_SIZE"] = 2
    for i in range(3):
        mail.queue(
            session,
            to=f"p{i}@svb.example.se",
            subject=f"Sida {i}",
            body="x",
            event="recommend",
            association_id=world.association.id,
            application_id=None,
        )
    session.commit()
    login(world.users["admin"])
    first = text(client.get("/admin/outbox"))
    assert "Sida 2" in first
    assert "Sida 1" in first
    assert "Sida 0" not in first  # newest first, two per page
    third = text(client.get("/admin/outbox?page=3"))
    assert "Ärende SVB-1" in third
    assert "Sida 2" not in third
    assert "Ärende SVB-1" not in text(client.get("/admin/outbox?status=sent"))
    assert "Ärende SVB-1" in text(client.get("/admin/outbox?status=pending&page=9"))
    assert client.get("/admin/outbox?status=bogus&page=x").status_code == 200


def test_subjects_and_bodies_are_escaped_on_the_page(client, session, world, login):
    [row] = mail.queue(
        session,
        to="x@example.se",
        subject="<script>alert(1)</script>",
        body="<b>fet</b>",
        event="recommend",
        association_id=world.association.id,
        application_id=None,
    )
    session.commit()
    login(world.users["officer"])
    assert "<script>alert(1)</script>" not in text(client.get("/admin/outbox"))
    detail = text(client.get(f"/admin/outbox/{row.id}"))
    assert "&lt;b&gt;fet&lt;/b&gt;" in detail
    assert "<b>fet</b>" not in detail


def test_send_now_needs_the_csrf_token(smtp_app, smtp, client, world, login, messages, outbox):
    login(world.users["admin"])
    assert client.post("/admin/outbox/send").status_code == 400
    assert smtp.received == []
    assert {row.status for row in outbox()} == {"pending"}


def test_an_officer_sends_the_due_mail_of_their_association_now(
    smtp_app, smtp, client, world, login, messages, outbox
):
    login(world.users["officer"])
    response = client.post("/admin/outbox/send", data={"csrf_token": page_token(client, "/")})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/outbox")
    assert [r.rcpt_tos for r in smtp.received] == [["a@svb.example.se"]]
    statuses = {row.to_email: row.status for row in outbox()}
    assert statuses == {
        "a@svb.example.se": "sent",
        "b@hog.example.se": "pending",
        "c@example.se": "pending",
    }
    flash = re.search(
        r'<p class="flash flash--success">([^<]*)</p>', text(client.get("/admin/outbox"))
    )
    assert flash is not None
    assert "1" in flash.group(1)  # one sent
    again = client.post("/admin/outbox/send", data={"csrf_token": page_token(client, "/")})
    assert again.status_code == 303
    assert len(smtp.received) == 1


def test_without_a_mail_server_a_step_s_mail_is_logged_and_shown(
    client, world, login, make_application, outbox
):
    application = make_application(state=State.SUBMITTED)
    login(world.users["officer"])
    response = client.post(
        f"/applications/{application.id}/transitions/accept_for_preparation",
        data={
            "accept_for_preparation-csrf_token": page_token(client, "/"),
            "accept_for_preparation-expected_version": application.version,
        },
    )
    assert response.status_code == 303
    [row] = outbox()
    assert (row.status, row.to_email) == ("logged", "preparer@example.se")
    page = text(client.get("/admin/outbox?status=logged"))
    assert "preparer@example.se" in page
    assert row.subject in page
    assert text(client.get(f"/admin/outbox/{row.id}")).count(f"/applications/{application.id}") >= 2
