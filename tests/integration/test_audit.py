"""The audit log: append-only in the database, hash-chained, tampering detected."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from workflow import audit, engine
from workflow.lifecycles.application import APPLICATION
from workflow.models import AuditEvent


def _submitted(session, world, make_application):
    app = make_application()
    engine.fire(APPLICATION, app, "submit", by=world.users["applicant"], session=session)
    session.commit()
    return app


def _disable_guard(session, backend):
    """Only a test (or an attacker with DDL rights) can lift the append-only triggers."""
    if backend == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_chain_links_each_event_to_the_previous(session, world, make_application):
    _submitted(session, world, make_application)
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    chain = [e for e in events if e.chain_id == world.association.id]
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    result = audit.verify(session)
    assert result.ok
    assert result.events == len(events)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET reason = 'changed'",
        "DELETE FROM audit_event",
    ],
)
def test_database_refuses_to_change_events(session, world, make_application, statement):
    _submitted(session, world, make_application)
    with pytest.raises(DatabaseError):
        session.execute(text(statement))
    session.rollback()
    assert audit.verify(session).ok


def test_tampering_with_one_event_is_detected(session, world, make_application, backend):
    app = _submitted(session, world, make_application)
    _disable_guard(session, backend)
    session.execute(
        text(
            "UPDATE audit_event SET to_state = 'approved' WHERE entity_type = 'application'"
            " AND entity_id = :id AND action = 'submit'"
        ),
        {"id": app.id},
    )
    session.commit()
    result = audit.verify(session)
    assert not result.ok
    assert result.broken[0]["chain_id"] == world.association.id
    assert result.broken[0]["problem"] == "hash"


def test_rewriting_an_event_with_a_fresh_hash_breaks_the_next_link(
    session, world, make_application, backend
):
    _submitted(session, world, make_application)
    chain = session.exec(
        select(AuditEvent)
        .where(AuditEvent.chain_id == world.association.id)
        .order_by(AuditEvent.seq)
    ).all()
    victim = chain[1]
    victim.reason = "forged"
    forged_hash = audit.event_hash(victim)
    session.expunge_all()
    _disable_guard(session, backend)
    session.execute(
        text("UPDATE audit_event SET reason = 'forged', hash = :h WHERE id = :id"),
        {"h": forged_hash, "id": victim.id},
    )
    session.commit()
    result = audit.verify(session)
    assert not result.ok
    assert result.broken[0]["seq"] == victim.seq + 1
    assert result.broken[0]["problem"] == "link"


def test_deleting_the_newest_event_is_detected(session, world, make_application, backend):
    _submitted(session, world, make_application)
    _disable_guard(session, backend)
    session.execute(text("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)"))
    session.commit()
    result = audit.verify(session)
    assert not result.ok
    assert result.broken[0]["problem"] == "truncated"
