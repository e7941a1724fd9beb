"""Faults: a database error in the middle of a step, and a mail server that is down."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.mail.conftest import SmtpServer, free_port
from workflow import mail
from workflow.models import (
    Application,
    ApplicationVersion,
    AuditEvent,
    DiaryCounter,
    MailMessage,
    utcnow,
)


def _snapshot(session: Session, app_id: int) -> dict[str, Any]:
    """Everything a submit writes: state, version, diary number and counter, versions, audit."""
    session.expire_all()
    row = session.get(Application, app_id)
    assert row is not None
    return {
        "state": row.state,
        "version": row.version,
        "diary_number": row.diary_number,
        "counters": session.exec(
            select(DiaryCounter.association_id, DiaryCounter.year, DiaryCounter.last_seq)
        ).all(),
        "versions": session.scalar(
            select(func.count())
            .select_from(ApplicationVersion)
            .where(ApplicationVersion.application_id == app_id)
        ),
        "audit": session.scalar(select(func.count()).select_from(AuditEvent)),
        "mail": session.scalar(select(func.count()).select_from(MailMessage)),
    }


@pytest.fixture
def failing_audit_insert(app: Flask) -> Iterator[Callable[[bool], None]]:
    """Make the database refuse the audit event's INSERT (after the state was written)."""
    engine = app.extensions["db_engine"]
    armed = {"on": False}

    def _refuse(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if armed["on"] and statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            raise OperationalError(statement, {}, Exception("disk I/O error (injected)"))

    event.listen(engine, "before_cursor_execute", _refuse)

    def _arm(on: bool) -> None:
        armed["on"] = on

    yield _arm
    event.remove(engine, "before_cursor_execute", _refuse)


def test_a_database_error_mid_step_leaves_no_partial_write(
    app: Flask,
    client: FlaskClient,
    session: Session,
    world: factories.World,
    make_application: Callable[..., Application],
    api_token: Callable[[Any], str],
    failing_audit_insert: Callable[[bool], None],
) -> None:
    """Submit fails at its last write: no state, version, diary number, counter or audit left."""
    application = make_application(state=State.DRAFT)
    token = api_token(world.users["applicant"])
    headers = {"Authorization": f"Bearer {token}"}
    before = _snapshot(session, application.id)
    assert before["state"] == State.DRAFT
    assert before["diary_number"] is None

    failing_audit_insert(True)
    response = client.post(
        f"/api/v1/applications/{application.id}/transitions/submit", headers=headers, json={}
    )
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert _snapshot(session, application.id) == before

    failing_audit_insert(False)
    response = client.post(
        f"/api/v1/applications/{application.id}/transitions/submit", headers=headers, json={}
    )
    assert response.status_code == 200, response.get_json()
    after = _snapshot(session, application.id)
    assert after["state"] == State.SUBMITTED
    assert after["version"] == before["version"] + 1
    assert after["diary_number"] is not None
    assert after["versions"] == before["versions"] + 1
    assert after["audit"] == before["audit"] + 1
    # The failed attempt used no diary number: the first one of the year is the one given.
    assert [seq for _assoc, _year, seq in after["counters"]] == [1]


def _queue(session: Session, world: factories.World, count: int) -> list[int]:
    rows = [
        mail.queue(
            session,
            to=f"person{i}@example.se",
            subject=f"Meddelande {i}",
            body=f"Brödtext {i}",
            event="accept_for_preparation",
            association_id=world.association.id,
            application_id=None,
        )[0]
        for i in range(count)
    ]
    session.commit()
    return [row.id for row in rows]


@dataclass(frozen=True)
class _Row:
    id: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


def _rows(session: Session) -> list[_Row]:
    """The outbox as plain values; the read transaction ends at once (SQLite locks on BEGIN)."""
    table = MailMessage.__table__
    rows = session.execute(
        select(
            table.c.id,
            table.c.status,
            table.c.attempts,
            table.c.next_attempt_at,
            table.c.last_error,
        ).order_by(table.c.id)
    ).all()
    session.commit()
    return [_Row(*row) for row in rows]


def _make_due(session: Session) -> None:
    session.exec(update(MailMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    session.commit()


def test_mail_waits_while_the_server_is_down_and_is_delivered_once(
    app: Flask, session: Session, world: factories.World
) -> None:
    """Down: every message stays pending with growing waits. Up: each arrives exactly once."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_RETRY_SECONDS=60)
    ids = _queue(session, world, 4)

    waits = []
    for attempt in range(1, 4):
        _make_due(session)
        started = utcnow()
        result = mail.deliver_pending(app)
        assert (result.sent, result.failed, result.retrying) == (0, 0, 1)
        rows = _rows(session)
        assert [r.status for r in rows] == ["pending"] * 4
        # A run stops at the first refused connection instead of waiting once per message.
        most = max(rows, key=lambda r: r.attempts)
        assert most.attempts == attempt
        waits.append(
            (
                most.next_attempt_at.replace(tzinfo=None) - started.replace(tzinfo=None)
            ).total_seconds()
        )
    assert waits[0] < waits[1] < waits[2]

    server = SmtpServer(port)
    server.start()
    try:
        _make_due(session)
        result = mail.deliver_pending(app)
        assert result.sent == 4
        assert mail.deliver_pending(app).attempted == 0
        _make_due(session)
        assert mail.deliver_pending(app).attempted == 0
    finally:
        server.stop()
    rows = _rows(session)
    assert [r.id for r in rows] == ids
    assert [r.status for r in rows] == ["sent"] * 4
    assert sorted(r.rcpt_tos[0] for r in server.received) == [
        f"person{i}@example.se" for i in range(4)
    ]
    assert len({r.message["Message-ID"] for r in server.received}) == 4


class _TemporarilyFailing(SmtpServer):
    """A server that answers 451 (try again later) to the first `failures` messages."""

    def __init__(self, port: int, failures: int) -> None:
        super().__init__(port)
        self.failures = failures

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.failures > 0:
            self.failures -= 1
            return "451 Requested action aborted: local error in processing"
        return await super().handle_DATA(server, session, envelope)


def test_a_temporary_refusal_is_retried_not_lost(
    app: Flask, session: Session, world: factories.World
) -> None:
    """A 451 leaves the message pending; the next due run delivers it, once."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_RETRY_SECONDS=60)
    [message_id] = _queue(session, world, 1)
    server = _TemporarilyFailing(port, failures=1)
    server.start()
    try:
        first = mail.deliver_pending(app)
        assert (first.sent, first.retrying) == (0, 1)
        [row] = _rows(session)
        assert (row.status, row.attempts) == ("pending", 1)
        assert "451" in row.last_error
        _make_due(session)
        second = mail.deliver_pending(app)
        assert second.sent == 1
        _make_due(session)
        assert mail.deliver_pending(app).attempted == 0
    finally:
        server.stop()
    [row] = _rows(session)
    assert (row.id, row.status, row.attempts) == (message_id, "sent", 2)
    assert len(server.received) == 1
