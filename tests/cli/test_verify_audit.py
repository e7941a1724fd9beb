"""`flask verify-audit`: ok on an intact log, exit code 1 when one event was altered."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from workflow.models import AuditEvent


def _tamper(session, backend: str, event_id: int) -> None:
    """Alter one event behind the append-only triggers' back (only ever done in a test)."""
    if backend == "postgresql":
        # In one transaction, so the trigger is back on for the other tests.
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
        session.execute(
            text("UPDATE audit_event SET reason = 'ändrad i efterhand' WHERE id = :id"),
            {"id": event_id},
        )
        session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(
            text("UPDATE audit_event SET reason = 'ändrad i efterhand' WHERE id = :id"),
            {"id": event_id},
        )
    session.commit()


def test_verify_audit_ok(runner, world, make_application) -> None:
    make_application(state="submitted")
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert int(result.output.split()[1]) > 10


def test_verify_audit_on_an_empty_log(runner) -> None:
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0
    assert result.output.strip() == "ok: 0 events"


def test_verify_audit_detects_one_altered_event(runner, session, backend, world) -> None:
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    target = events[len(events) // 2]
    _tamper(session, backend, target.id)
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1
    assert f"broken: chain {target.chain_id} at seq {target.seq} (event id {target.id}): hash" in (
        result.output
    )
    assert "1 broken chain(s)" in result.output


def test_the_append_only_trigger_refuses_updates(session, world) -> None:
    event = session.exec(select(AuditEvent)).first()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(
            text("UPDATE audit_event SET reason = 'x' WHERE id = :id"), {"id": event.id}
        )
    session.rollback()
