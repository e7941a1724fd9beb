"""Delivery: after the commit, retried with backoff, never twice, logged without a server."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from aiosmtpd.smtp import AuthResult
from flask import Flask
from sqlmodel import update

from states.application import State
from tests.mail.conftest import SmtpServer, free_port
from workflow import mail
from workflow.extensions import db
from workflow.models import Application, MailMessage, utcnow


def _queue(session, world, count: int, *, association=None) -> list[int]:
    """`count` pending messages, committed (queued outside a request: nothing is sent yet)."""
    association = association or world.association
    rows = [
        mail.queue(
            session,
            to=f"person{i}@example.se",
            subject=f"Meddelande {i}",
            body=f"Brödtext {i}",
            event="accept_for_preparation",
            association_id=association.id,
            application_id=None,
        )[0]
        for i in range(count)
    ]
    session.commit()
    return [row.id for row in rows]


def _make_due(session) -> None:
    session.exec(update(MailMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    session.commit()


def test_a_mail_server_that_is_down_neither_undoes_nor_blocks_the_step(
    app, session, people, make_application, fire, outbox, runner, caplog
):
    port = free_port()  # nothing listens here yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_RETRY_SECONDS=0)
    application = make_application(state=State.SUBMITTED)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        response = fire(application.id, "return_for_completion", "officer", reason="Saknas.")
    assert response.status_code == 200
    assert response.get_json()["state"] == State.COMPLETION_REQUESTED
    session.expire_all()
    assert session.get(Application, application.id).state == State.COMPLETION_REQUESTED
    tried, untried = outbox()
    assert (tried.status, tried.attempts, tried.sent_at) == ("pending", 1, None)
    assert "ConnectionRefused" in tried.last_error
    assert "will retry" in caplog.text
    # The run stops at a server that is down instead of waiting on it once per message:
    # the second message was not tried, and stays due.
    assert (untried.status, untried.attempts, untried.last_error) == ("pending", 0, None)

    server = SmtpServer(port)
    server.start()
    try:
        first = runner.invoke(args=["send-mail"])
        assert first.exit_code == 0, first.output
        # The step's two, and the two receipts of the fixture's submit queued before them.
        assert "sent 4," in first.output
        assert "0 pending" in first.output
        again = runner.invoke(args=["send-mail"])
        assert again.exit_code == 0
        assert "sent 0," in again.output
    finally:
        server.stop()
    assert sorted(r.rcpt_tos[0] for r in server.received) == [
        "applicant2@example.se",
        "applicant2@example.se",
        "applicant@example.se",
        "applicant@example.se",
    ]
    assert len({r.message["Message-ID"] for r in server.received}) == 4
    assert [(row.status, row.attempts) for row in outbox()] == [("sent", 2), ("sent", 1)]


def test_failed_attempts_back_off_and_end_as_failed(app, session, world, outbox, caplog):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_SECONDS=60, MAIL_MAX_ATTEMPTS=3
    )
    [message_id] = _queue(session, world, 1)
    waits = []
    for _attempt in range(2):
        before = utcnow()
        result = mail.deliver_pending(app)
        assert (result.sent, result.retrying, result.failed) == (0, 1, 0)
        row = outbox()[0]
        assert row.status == "pending"
        due = row.next_attempt_at
        waits.append((due.replace(tzinfo=None) - before.replace(tzinfo=None)).total_seconds())
        # Not due yet: another run leaves it alone.
        assert mail.deliver_pending(app).attempted == 0
        _make_due(session)
    assert 59 <= waits[0] <= 65
    assert 119 <= waits[1] <= 125
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        result = mail.deliver_pending(app)
    assert result.failed == 1
    row = outbox()[0]
    assert (row.id, row.status, row.attempts, row.sent_at) == (message_id, "failed", 3, None)
    assert f"Mail {message_id}" in caplog.text
    assert "failed for good" in caplog.text
    _make_due(session)
    assert mail.deliver_pending(app).attempted == 0  # a failed message is never retried


def test_backoff_doubles_and_is_capped():
    config = {"MAIL_RETRY_SECONDS": 60}
    assert [mail.backoff(config, n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert mail.backoff(config, 40) == mail.BACKOFF_CAP


def test_without_a_mail_server_mail_goes_to_the_log(
    app, people, make_application, fire, outbox, runner, caplog
):
    assert app.config["MAIL_SERVER"] is None
    application = make_application(state=State.IN_PREPARATION)
    # What the steps to in_preparation queued: the submit's two receipts, the preparers' two.
    first = runner.invoke(args=["send-mail"])
    assert "logged 4" in first.output, first.output
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        response = fire(application.id, "request_completion", "preparer", reason="Fler mål.")
    assert response.status_code == 200
    rows = outbox()
    assert {row.to_email for row in rows} == {"applicant@example.se", "applicant2@example.se"}
    assert {(row.status, row.attempts) for row in rows} == {("logged", 1)}
    assert all(row.sent_at is not None for row in rows)
    assert "MAIL_SERVER is unset" in caplog.text
    assert "To: applicant@example.se" in caplog.text
    assert "Fler mål." in caplog.text
    result = runner.invoke(args=["send-mail"])
    assert "sent 0, logged 0" in result.output  # logged is final, like sent


def test_send_mail_delivers_what_is_due_and_reports_counts(
    smtp_app, smtp, session, world, runner, outbox
):
    _queue(session, world, 3)
    result = runner.invoke(args=["send-mail", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip() == "sent 2, logged 0, to retry 0, failed 0; 1 pending in the outbox."
    )
    result = runner.invoke(args=["send-mail"])
    assert "sent 1," in result.output
    assert len(smtp.received) == 3
    assert [row.status for row in outbox()] == ["sent"] * 3
    received = {r.rcpt_tos[0]: r for r in smtp.received}
    assert received["person0@example.se"].message["Subject"] == "Meddelande 0"
    assert received["person0@example.se"].body == "Brödtext 0\n"
    assert received["person0@example.se"].message["Auto-Submitted"] == "auto-generated"


def test_a_refused_recipient_does_not_hold_up_the_others(app, session, world, outbox):
    class Picky(SmtpServer):
        async def handle_RCPT(self, server, session_, envelope, address, options):
            if address.startswith("person1@"):
                return "550 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    server = Picky(free_port())
    server.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        _queue(session, world, 3)
        result = mail.deliver_pending(app)
    finally:
        server.stop()
    assert (result.sent, result.retrying) == (2, 1)
    rows = {row.to_email: row for row in outbox()}
    assert rows["person1@example.se"].status == "pending"
    assert "550" in rows["person1@example.se"].last_error
    assert {r.rcpt_tos[0] for r in server.received} == {"person0@example.se", "person2@example.se"}


def test_two_workers_at_once_send_each_message_once(app: Flask, session, world, outbox):
    server = SmtpServer(free_port(), delay=0.01)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    ids = _queue(session, world, 30)
    session.close()
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = mail.deliver_pending(app)
            except Exception as exc:
                results[i] = exc
            finally:
                db.session.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        server.stop()
    assert not any(t.is_alive() for t in threads)
    assert all(isinstance(r, mail.Delivery) for r in results), results
    assert sum(r.sent for r in results) == 30  # type: ignore[union-attr]
    # Both workers did send: they really ran side by side, and neither took a message twice.
    assert all(r.sent > 0 for r in results)  # type: ignore[union-attr]
    message_ids = [r.message["Message-ID"] for r in server.received]
    assert len(message_ids) == 30
    assert len(set(message_ids)) == 30
    assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(
        f"person{i}@example.se" for i in range(30)
    )
    assert [(row.id, row.status, row.attempts) for row in outbox()] == [(i, "sent", 1) for i in ids]


def test_an_error_in_delivery_after_the_commit_never_reaches_the_request(
    smtp_app, smtp, people, make_application, fire, outbox, caplog, monkeypatch
):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the outbox table is on fire")

    monkeypatch.setattr(mail, "deliver_pending", broken)
    application = make_application(state=State.SUBMITTED)
    with caplog.at_level(logging.ERROR, logger=smtp_app.logger.name):
        response = fire(application.id, "accept_for_preparation", "officer")
    assert response.status_code == 200
    assert response.get_json()["state"] == State.IN_PREPARATION
    assert "stays queued" in caplog.text
    assert "the outbox table is on fire" in caplog.text
    assert {(row.status, row.attempts) for row in outbox()} == {("pending", 0)}
    assert smtp.received == []


def test_it_logs_in_when_a_user_name_is_set(app, session, world, outbox):
    logins = []

    def authenticator(_server, _session, _envelope, _mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    server = SmtpServer(free_port(), authenticator=authenticator, auth_require_tls=False)
    server.start()
    try:
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=server.port,
            MAIL_USERNAME="finsam",
            MAIL_PASSWORD="hemligt",
        )
        _queue(session, world, 2)
        result = mail.deliver_pending(app)
    finally:
        server.stop()
    assert result.sent == 2
    # One connection, one login, for the whole run.
    assert [(_text(login), _text(password)) for login, password in logins] == [
        ("finsam", "hemligt")
    ]
    assert len(server.received) == 2
    assert {row.status for row in outbox()} == {"sent"}


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def test_a_session_will_do_as_the_source(app, session, world, outbox):
    _queue(session, world, 2)
    result = mail.deliver_pending(session, limit=1)
    assert (result.logged, result.sent) == (1, 0)
    assert [row.status for row in outbox()] == ["logged", "pending"]
